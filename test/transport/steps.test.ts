/**
 * Running steps over the wire protocol against the simulated host: values arrive byte for byte
 * whatever their size or content, progress streams, failures and timeouts say where and what,
 * dropped connections are survived only when the step is safe to repeat, and secrets stay out.
 */
import { isMeshError } from "../../provider/common/errors";
import { PROTOCOL_VERSION, STEP_COMMAND_LINE } from "../../provider/transport/protocol";
import type { StepProgress } from "../../provider/transport/protocol";
import { Fixture, failureOf, LABEL, PASSWORD } from "../support/sim-fixture";

const fixture = new Fixture();
afterEach(() => fixture.closeAll());

/** Every character that has broken a quoting scheme somewhere, plus non-ASCII and a right-to-left mark. */
const HOSTILE = `it's "quoted" \`back\` $(Get-Date) $env:PATH; & | < > % ^ !x! \r\n\ttab\u00e9\u00df\u4e2d\u6587\u{1F600}\u200f\u202e end\\`;

test("the command line is constant, holds no value, and fits cmd.exe's 8,191 characters", () => {
  expect(STEP_COMMAND_LINE.length).toBeLessThan(8191);
  expect(STEP_COMMAND_LINE).toMatch(/^powershell\.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand [A-Za-z0-9+/=]+$/);
});

test("a payload far over 8,191 characters arrives intact, on stdin, under cmd.exe", async () => {
  const { server } = await fixture.server({ defaultShell: () => "cmd" });
  const session = await fixture.session(fixture.settings(server));
  const params = { big: "x".repeat(50_000), list: Array.from({ length: 500 }, (_, i) => `item-${i}`) };
  const script = "param($p)\n" + "# a long script\n".repeat(1000);
  expect(await session.run({ name: "echo", script, params })).toEqual(params);
  expect(server.commandLines).toEqual([STEP_COMMAND_LINE]);
  expect(server.payloads).toEqual([{ v: PROTOCOL_VERSION, step: "echo", script, params }]);
  // The frame is gzipped: a repetitive payload costs far fewer bytes than its JSON.
  expect(session.stats.bytesSent).toBeGreaterThan(Buffer.byteLength(STEP_COMMAND_LINE));
  expect(session.stats.bytesSent).toBeLessThan(JSON.stringify(params).length / 4);
  expect(session.stats.bytesReceived).toBeGreaterThan(50_000);
  expect(session.stats.roundTrips).toBe(1);
});

test("quotes, $(), ;, CR LF, tabs, non-ASCII and a right-to-left mark arrive byte for byte", async () => {
  const { server } = await fixture.server();
  const session = await fixture.session(fixture.settings(server));
  const params = { value: HOSTILE, [HOSTILE]: "as a key too" };
  const returned = await session.run<typeof params>({ name: "echo", script: "param($p) $p", params });
  const received = server.payloads[0].params as typeof params;
  expect(Buffer.from(received.value, "utf8").equals(Buffer.from(HOSTILE, "utf8"))).toBe(true);
  expect(received[HOSTILE]).toBe("as a key too");
  expect(Buffer.from(returned.value, "utf8").equals(Buffer.from(HOSTILE, "utf8"))).toBe(true);
});

test("progress lines reach the caller and the log while the step still runs, before its result", async () => {
  const { server, backend } = await fixture.server();
  const session = await fixture.session(fixture.settings(server));
  const events: string[] = [];
  const onProgress = (progress: StepProgress) => {
    events.push(`progress: ${progress.message} ${JSON.stringify(progress.data)}`);
    // The host waits for this: the result cannot have been sent yet.
    backend.release();
  };
  const result = await session.run({ name: "progress", script: "", params: { done: true }, onProgress });
  events.push(`result: ${JSON.stringify(result)}`);
  expect(events).toEqual(['progress: waiting for release {"attempt":1}', 'result: {"done":true}']);
  expect(fixture.logLines).toContain(`[${LABEL}] progress: waiting for release`);
});

test("a step that never answers times out naming host, step and time, and the connection stays usable", async () => {
  const { server } = await fixture.server({ hangInStep: "probe" });
  const session = await fixture.session(fixture.settings(server));
  const error = await failureOf(session.run({ name: "probe", script: "", params: {}, timeoutMs: 700 }));
  expect(isMeshError(error, "step-timeout")).toBe(true);
  expect(error.message).toContain(`[${LABEL}] probe:`);
  expect(error.message).toContain("0.7 s");
  expect(await session.run({ name: "echo", script: "", params: { after: "timeout" } })).toEqual({ after: "timeout" });
  expect(session.stats.connections).toBe(1);
  expect(server.stats.connections).toBe(1);
});

describe("one step loop (one powershell.exe) per operation", () => {
  test("several steps run in one process, each script part is sent once, and a failed step leaves the loop running", async () => {
    const { server } = await fixture.server();
    const session = await fixture.session(fixture.settings(server));
    const shared = "param($p)\n# shared functions\n" + "# padding\n".repeat(500);
    expect(await session.run({ name: "pid", script: [shared, "# first"], params: {} })).toEqual({ pid: 1 });
    const sentAfterFirst = session.stats.bytesSent;
    expect(await session.run({ name: "echo", script: [shared, "# second"], params: { n: 2 } })).toEqual({ n: 2 });
    // The shared part went once: the second frame is far smaller than the first.
    expect(session.stats.bytesSent - sentAfterFirst).toBeLessThan(300);
    expect(isMeshError(await failureOf(session.run({ name: "fail", script: [shared], params: { message: "no" } })), "step-failed")).toBe(true);
    expect(await session.run({ name: "pid", script: [shared], params: {} })).toEqual({ pid: 1 });
    expect(server.commandLines).toEqual([STEP_COMMAND_LINE]);
    expect(server.stats.execs).toBe(1);
    expect(server.payloads.map((p) => [p.step, p.script.length])).toEqual([
      ["pid", shared.length + "\n# first".length],
      ["echo", shared.length + "\n# second".length],
      ["fail", shared.length],
      ["pid", shared.length],
    ]);
    expect(session.stats.roundTrips).toBe(4);
  });

  test("a step after a timed-out one runs in a new process, on the same connection", async () => {
    const { server } = await fixture.server({ hangInStep: "probe" });
    const session = await fixture.session(fixture.settings(server));
    expect(await session.run({ name: "pid", script: "", params: {} })).toEqual({ pid: 1 });
    expect(isMeshError(await failureOf(session.run({ name: "probe", script: "", params: {}, timeoutMs: 500 })), "step-timeout")).toBe(true);
    expect(await session.run({ name: "pid", script: "", params: {} })).toEqual({ pid: 2 });
    expect(server.stats).toMatchObject({ connections: 1, execs: 2 });
  });
});

describe("a connection dropped in the middle of a step", () => {
  test("is survived by reconnecting and running an idempotent step once more", async () => {
    const { server } = await fixture.server({ dropInStep: "join" });
    const session = await fixture.session(fixture.settings(server));
    const progress: string[] = [];
    const result = await session.run({
      name: "join",
      script: "",
      params: { n: 1 },
      idempotent: true,
      onProgress: (p) => progress.push(p.message),
    });
    expect(result).toEqual({ n: 1 });
    expect(progress).toEqual(["join started"]);
    expect(server.payloads.map((p) => p.step)).toEqual(["join", "join"]);
    expect(session.stats.connections).toBe(2);
    expect(server.stats.connections).toBe(2);
    expect(fixture.logLines.some((line) => line.includes("reconnecting"))).toBe(true);
  });

  test("fails with ssh-dropped for a step that is not safe to repeat, and does not repeat it", async () => {
    const { server } = await fixture.server({ dropInStep: "install" });
    const session = await fixture.session(fixture.settings(server));
    const error = await failureOf(session.run({ name: "install", script: "", params: {} }));
    expect(isMeshError(error, "ssh-dropped")).toBe(true);
    expect(error.message).toContain(`[${LABEL}] install:`);
    expect(error.message).toContain("may or may not have taken effect");
    expect(server.payloads).toHaveLength(1);
    // The next step reconnects on its own.
    expect(await session.run({ name: "echo", script: "", params: 7 })).toBe(7);
  });
});

describe("failures and secrets", () => {
  test("a failed step says what the host said, where in the script, with secrets redacted", async () => {
    const { server } = await fixture.server();
    const session = await fixture.session(fixture.settings(server));
    const error = await failureOf(
      session.run({ name: "fail", script: "", params: { message: `logon failure for password ${PASSWORD}`, noise: `stderr ${PASSWORD}` } }),
    );
    expect(isMeshError(error, "step-failed")).toBe(true);
    expect(error.message).toContain(`[${LABEL}] fail: the step failed on the host: logon failure for password [redacted]`);
    expect(error.message).toContain("line 3: throw $m");
    expect(error.message).not.toContain(PASSWORD);
  });

  test("a secret echoed back in a result value is redacted", async () => {
    const { server } = await fixture.server();
    const session = await fixture.session(fixture.settings(server));
    const result = await session.run({ name: "echo", script: "", params: { nested: [`pw=${PASSWORD}`] } });
    expect(result).toEqual({ nested: ["pw=[redacted]"] });
  });

  test("a process that exits without a result reports the exit code and its redacted output", async () => {
    const { server } = await fixture.server();
    const session = await fixture.session(fixture.settings(server));
    const error = await failureOf(
      session.run({ name: "crash", script: "", params: { stderr: `powershell.exe: cannot start (${PASSWORD})`, exitCode: 3 } }),
    );
    expect(isMeshError(error, "step-failed")).toBe(true);
    expect(error.message).toContain("exit code 3");
    expect(error.message).toContain("powershell.exe: cannot start ([redacted])");
    expect(error.message).not.toContain(PASSWORD);
  });

  test("progress messages are redacted before they reach the log or the caller", async () => {
    const { server, backend } = await fixture.server();
    const session = await fixture.session(fixture.settings(server), fixture.options({ redactor: fixture.options().redactor.add("waiting") }));
    const seen: string[] = [];
    await session.run({
      name: "progress",
      script: "",
      params: {},
      onProgress: (p) => {
        seen.push(p.message);
        backend.release();
      },
    });
    expect(seen).toEqual(["[redacted] for release"]);
    expect(fixture.logLines).toEqual([`[${LABEL}] progress: [redacted] for release`]);
  });
});
