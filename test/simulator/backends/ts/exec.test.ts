/** One exec on the TypeScript back end (simulator/backends/ts/exec.ts): the wire, as the step loop speaks it. */
import { DEFAULT_JOIN_SCRIPT_PATH, SID_ADMINISTRATORS, SID_SYSTEM } from "../../../../provider/scripts/catalogue";
import { FrameWriter, LOOP_FRAME_LINE, PROGRESS_MARK, STEP_COMMAND_LINE, encodeFrameLine, parseLine } from "../../../../provider/transport/protocol";
import { loopStdin } from "../../../../simulator/backends/run-step";
import { SCENARIOS } from "../../../../simulator/scenarios";
import { StdinLines } from "../../../../simulator/stdin-lines";
import { cleanupParams, installParams, installedBackend, joinParams, keyFilesIn, scenario } from "./fixtures";
import { AUTH_KEY, backendFor, execRaw, execStep } from "./step-runner";
import { probeParams } from "../../../../provider/lifecycle/probe-params";

describe("the wire", () => {
  it("answers an unknown step, malformed params, a wrong protocol version and garbage like a script error, and reads on in the same process", async () => {
    const backend = await backendFor("clean-join-first-try");
    const before = await backend.state();
    const frames = new FrameWriter();
    const probe = probeParams(DEFAULT_JOIN_SCRIPT_PATH);
    const stdin = StdinLines.of(
      [
        LOOP_FRAME_LINE,
        frames.frame("format-disk", ["# format-disk script"], {}),
        frames.frame("join", ["# join script"], { ...joinParams(), attempts: "three", stateDir: "relative\\dir" }),
        encodeFrameLine(JSON.stringify({ v: 99, step: "probe", scripts: {}, run: [], params: probe })),
        "not base64 json!",
        frames.frame("probe", ["# probe script"], probe),
      ].join("\n"),
    );
    const output = await execRaw(backend, stdin);
    const results = output.lines.map(parseLine).flatMap((line) => (line.kind === "result" ? [line.envelope] : []));
    expect(output.exitCode).toBe(0);
    expect(results).toHaveLength(5);
    for (const envelope of results.slice(0, 4)) expect(envelope).toMatchObject({ ok: false, error: { message: expect.any(String), type: expect.any(String) } });
    expect(results[4]).toMatchObject({ ok: true, value: { tailscale: expect.anything() } });
    expect(JSON.stringify(results[1])).toMatch(/attempts.*stateDir/);
    expect(JSON.stringify(results[1])).not.toContain(AUTH_KEY);
    expect(await backend.state()).toEqual(before);
  });

  it("runs nothing when the first stdin line is not the provider's step loop", async () => {
    const backend = await backendFor("clean-join-first-try");
    const stdin = StdinLines.of([encodeFrameLine("Remove-Item C:\\ -Recurse"), new FrameWriter().frame("probe", ["# probe"], {})].join("\n"));
    const output = await execRaw(backend, stdin);
    expect(output.exitCode).toBe(1);
    expect(output.lines).toEqual([]);
  });

  it("fails every changing step on a host where the SSH user is not an administrator", async () => {
    const backend = await backendFor(scenario({ host: { isAdmin: false } }));
    for (const [step, params] of [
      ["install", installParams()],
      ["join", joinParams()],
      ["cleanup", cleanupParams()],
    ] as const) {
      const output = await execStep(backend, step, params);
      expect(output.envelope).toMatchObject({ ok: false, error: { type: "System.UnauthorizedAccessException" } });
    }
    expect((await backend.state()).processLog).toEqual([]);
  });

  it("prints nothing more once the channel closes mid-step", async () => {
    const backend = await installedBackend(scenario({ join: ["hang"] }));
    const aborter = new AbortController();
    const lines: string[] = [];
    const stdout = (line: string) => {
      lines.push(line);
      aborter.abort();
    };
    await backend.exec(STEP_COMMAND_LINE, loopStdin({ step: "join", script: "", params: joinParams() }), { stdout, stderr: () => undefined, signal: aborter.signal });
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(PROGRESS_MARK)).toBe(true);
    // Killed with the process, the step's `finally` never ran: the key file stays for cleanup.
    expect(keyFilesIn(await backend.state())).toHaveLength(1);
  });

  it("never lets the auth key reach a command line, a progress line or a result line, in any scenario", async () => {
    // Rows where no step runs to its end (a constrained PowerShell, an account that may not write) have no key to leak.
    for (const row of SCENARIOS.filter((r) => r.host?.languageMode === undefined && r.host?.isAdmin !== false)) {
      const backend = await installedBackend(row);
      const lines = [
        ...(await execStep(backend, "join", joinParams())).lines,
        ...(await execStep(backend, "probe", probeParams(DEFAULT_JOIN_SCRIPT_PATH))).lines,
        ...(await execStep(backend, "cleanup", cleanupParams({ logout: true }))).lines,
      ];
      const decoded = lines.map((line) => Buffer.from(line.slice(line.indexOf(":") + 1), "base64").toString("utf8"));
      const state = await backend.state();
      for (const text of [...decoded, ...state.processLog]) expect(text).not.toContain(AUTH_KEY);
      expect(keyFilesIn(state)).toEqual([]);
    }
  });

  it("returns deep copies of its state", async () => {
    const backend = await backendFor("clean-join-first-try");
    const first = await backend.state();
    first.files["C:\\x.txt"] = { content: "x", readers: [SID_ADMINISTRATORS, SID_SYSTEM] };
    first.tailscale.installed = true;
    expect(await backend.state()).toEqual(await (await backendFor("clean-join-first-try")).state());
  });
});
