/** The join step's model (simulator/backends/ts/join.ts): attempts, retries, classification, the join script. */
import { createHash } from "node:crypto";
import type { TsHostBackend } from "../../../../simulator/backends/ts";
import { DEFAULT_JOIN_SCRIPT_PATH, DEFAULT_STATE_DIR, FAILURE_RULES, TAILSCALE_STATE_FILE } from "../../../../provider/scripts/catalogue";
import { ADMIN_ONLY } from "../../../../simulator/host-state";
import { tailnetAddressesFor } from "../../../../simulator/programs/tailscale-texts";
import { SCENARIOS } from "../../../../simulator/scenarios";
import { LOGIN_SERVER, installedBackend, joinParams, keyFilesIn, scenario } from "./fixtures";
import { AUTH_KEY, backendFor, execStep, runStep } from "./step-runner";

describe("join", () => {
  it("joins on the first try: policy, service, addresses, no key file, no script", async () => {
    const backend = await installedBackend("clean-join-first-try");
    const output = await execStep(backend, "join", joinParams());
    const result = output.envelope?.ok ? output.envelope.value : undefined;
    expect(result).toMatchObject({
      outcome: "joined",
      tailscaleIps: tailnetAddressesFor("WIN-01"),
      nodeName: "win-01",
      attempts: [{ number: 1, class: "joined" }],
    });
    expect(output.progress.filter((p) => p.data?.attempt !== undefined)).toHaveLength(1);
    const state = await backend.state();
    expect(state.registry["HKLM:\\SOFTWARE\\Policies\\Tailscale"]).toEqual({ LoginURL: LOGIN_SERVER, Hostname: "win-01", UnattendedMode: "always" });
    expect(state.tailscale).toMatchObject({ backendState: "Running", loggedInLoginServer: LOGIN_SERVER, nodeName: "win-01" });
    expect(state.adapterIps).toEqual(tailnetAddressesFor("WIN-01"));
    expect(state.dirs[DEFAULT_STATE_DIR]).toEqual(ADMIN_ONLY);
    expect(keyFilesIn(state)).toEqual([]);
    expect(state.files[DEFAULT_JOIN_SCRIPT_PATH]).toBeUndefined();
    const up = state.processLog.filter((line) => line.includes(" up "));
    expect(up).toHaveLength(1);
    // --reset is added (the flags are the whole configuration); --unattended and --timeout were given.
    expect(up[0]).toMatch(
      /^"C:\\Program Files\\Tailscale\\tailscale.exe" up --login-server=\S+ --hostname=win-01 --unattended --accept-routes --timeout=30s --reset --auth-key=file:C:\\ProgramData\\MeshWindowsNode\\authkey-[0-9a-f]{32}\.txt$/,
    );
    expect(state.processLog).toContain('"C:\\Program Files\\Tailscale\\tailscale.exe" status --json');
  });

  it("keeps the record the pwsh back end keeps: the key only as a hash, what each program received, no exposure", async () => {
    const backend = (await installedBackend("clean-join-first-try")) as TsHostBackend;
    await runStep(backend, "join", joinParams());
    const record = await backend.record();
    expect(record.keyHashes).toEqual([createHash("sha256").update(AUTH_KEY).digest("hex")]);
    expect(record.sshUpRuns).toBe(1);
    const up = record.calls.find((call) => call.program === "tailscale" && call.argv[0] === "up");
    expect(up?.argv.at(-1)).toMatch(/^--auth-key=file:C:\\ProgramData\\MeshWindowsNode\\authkey-[0-9a-f]{32}\.txt$/);
    // The state directory is taken over with Set-Acl (no program): msiexec installs, then the join's CLI calls.
    expect(record.calls.map((call) => call.program)).toEqual(["msiexec", "tailscale", "tailscale", "tailscale"]);
    expect(record.exposures).toEqual([]);
  });

  it("joins on attempt 3 after two daemon-unreachable attempts, a progress line per attempt and per retry", async () => {
    const backend = await installedBackend("join-on-attempt-3");
    const output = await execStep(backend, "join", joinParams());
    const result = output.envelope?.ok ? output.envelope.value : undefined;
    expect(result).toMatchObject({
      outcome: "joined",
      attempts: [{ class: "daemon-unreachable" }, { class: "daemon-unreachable" }, { class: "joined" }],
    });
    expect(output.progress.map((p) => p.message)).toEqual([
      "tailscale up: attempt 1 of 3",
      "attempt 1 of 3: daemon-unreachable, retrying in 5s",
      "tailscale up: attempt 2 of 3",
      "attempt 2 of 3: daemon-unreachable, retrying in 5s",
      "tailscale up: attempt 3 of 3",
    ]);
    const state = await backend.state();
    expect(keyFilesIn(state)).toEqual([]);
    expect(state.processLog.filter((line) => line.includes(" up "))).toHaveLength(3);
  });

  it.each(["daemon-unreachable", "in-use-by-another-user", "windows-11-client"])(
    "%s ends pending-manual with an admin-only join script and no key file",
    async (name) => {
      const backend = await installedBackend(name);
      const params = joinParams();
      const result = await runStep(backend, "join", params);
      const expected = SCENARIOS.find((s) => s.name === name)?.expect.reason;
      expect(result).toMatchObject({ outcome: "pending-manual", reason: expected });
      expect(result.attempts).toHaveLength(3);
      const state = await backend.state();
      expect(state.files[DEFAULT_JOIN_SCRIPT_PATH]).toEqual({ content: params.joinScriptText, readers: ADMIN_ONLY });
      // Its folder is the state directory, which the product owns.
      expect(state.dirs[DEFAULT_STATE_DIR]).toEqual(ADMIN_ONLY);
      expect(keyFilesIn(state)).toEqual([]);
      expect(Object.keys(state.files)).toEqual([DEFAULT_JOIN_SCRIPT_PATH]);
      expect(state.tailscale.backendState).not.toBe("Running");
      expect(state.adapterIps).toEqual([]);
    },
  );

  it("fails at once when the key is rejected: no retry, no script, no key file, key redacted", async () => {
    const backend = await installedBackend("auth-key-rejected");
    const result = await runStep(backend, "join", joinParams());
    expect(result).toMatchObject({ outcome: "failed", reason: "auth-rejected", attempts: [{ number: 1, class: "auth-rejected" }] });
    if (result.outcome !== "failed") throw new Error("unreachable");
    expect(result.message).toBe("backend error: invalid key: API key [redacted] not valid");
    const state = await backend.state();
    expect(Object.keys(state.files)).toEqual([]);
  });

  it("fails with service-not-running when the service will not start, writing nothing else", async () => {
    const backend = await installedBackend("service-will-not-start");
    const result = await runStep(backend, "join", joinParams());
    expect(result).toMatchObject({ outcome: "failed", reason: "service-not-running", attempts: [] });
    const state = await backend.state();
    expect(state.tailscale.service).toEqual({ status: "Stopped", startType: "Automatic" });
    expect(Object.keys(state.files)).toEqual([]);
    expect(state.processLog.some((line) => line.includes(" up "))).toBe(false);
  });

  it("fails with service-not-running when Tailscale is not installed", async () => {
    const backend = await backendFor("clean-join-first-try");
    const result = await runStep(backend, "join", joinParams());
    expect(result).toMatchObject({ outcome: "failed", reason: "service-not-running", attempts: [] });
  });

  it("kills a hanging tailscale up after timeoutSeconds + 15 s of modelled time, without waiting that long", async () => {
    const backend = await installedBackend(scenario({ join: ["hang"] }));
    const started = Date.now();
    const result = await runStep(backend, "join", joinParams({ attempts: 2, timeoutSeconds: 60, retryDelaySeconds: 30 }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ outcome: "pending-manual", reason: "timeout" });
    expect(result.attempts.map((a) => a.seconds)).toEqual([75, 75]);
    expect(keyFilesIn(await backend.state())).toEqual([]);
  });

  it("kills a hanging tailscale up after the kill margin the join step is given", async () => {
    const backend = await installedBackend(scenario({ join: ["hang"] }));
    const result = await runStep(backend, "join", joinParams({ attempts: 1, timeoutSeconds: 20, upKillMarginSeconds: 7 }));
    expect(result.attempts).toEqual([
      { number: 1, class: "timeout", message: "stopped: C:\\Program Files\\Tailscale\\tailscale.exe timed out after 27 s", seconds: 27 },
    ]);
  });

  it("counts tailscale up runs across join steps, and removes the script left earlier once it joins", async () => {
    const backend = await installedBackend(scenario({ join: ["daemon-unreachable", "daemon-unreachable", "daemon-unreachable", "joined"] }));
    expect(await runStep(backend, "join", joinParams())).toMatchObject({ outcome: "pending-manual" });
    expect((await backend.state()).files[DEFAULT_JOIN_SCRIPT_PATH]).toBeDefined();
    expect(await runStep(backend, "join", joinParams({ attempts: 1 }))).toMatchObject({ outcome: "joined", attempts: [{ number: 1 }] });
    // Only the daemon's own state file is left (the join wrote none of its own).
    expect(Object.keys((await backend.state()).files)).toEqual([TAILSCALE_STATE_FILE]);
  });

  const HOSTILE = `we'ird"host\`$(Remove-Item C:\\ -Recurse); calc.exe\r\nnext \u00fcn\u00ef \u200Frtl\u202Eevil`;

  it("stores a hostile hostname byte for byte in the policy", async () => {
    const backend = await installedBackend("clean-join-first-try");
    const result = await runStep(
      backend,
      "join",
      joinParams({ policy: { loginUrl: LOGIN_SERVER, hostname: HOSTILE, unattendedMode: "always", policyValues: [] }, upArgs: [] }),
    );
    expect(result).toMatchObject({ outcome: "joined", nodeName: "we-ird-host-remove-item-c--recurse-calc-exe-next-n-rtl-evil" });
    expect((await backend.state()).registry["HKLM:\\SOFTWARE\\Policies\\Tailscale"].Hostname).toBe(HOSTILE);
  });

  it("passes an argument without double quotes as one quoted argument", async () => {
    const backend = await installedBackend("clean-join-first-try");
    const argument = `--hostname=${HOSTILE.replace('"', "")}`;
    await runStep(backend, "join", joinParams({ upArgs: [argument] }));
    const up = (await backend.state()).processLog.find((line) => line.includes(" up ")) ?? "";
    expect(up).toContain(` up "--hostname=we'irdhost\`$(Remove-Item C:\\ -Recurse); calc.exe\r\nnext \u00fcn\u00ef \u200Frtl\u202Eevil" --unattended`);
  });

  it("refuses, as Windows PowerShell 5.1 would mangle it, an argument with a double quote, leaving no key file", async () => {
    const backend = await installedBackend("clean-join-first-try");
    const output = await execStep(backend, "join", joinParams({ upArgs: [`--hostname=${HOSTILE}`] }));
    // The loop answers the failed step and ends cleanly at the end of stdin.
    expect(output.exitCode).toBe(0);
    expect(output.envelope).toMatchObject({ ok: false, error: { message: expect.stringContaining("argument 2 for C:\\Program Files\\Tailscale\\tailscale.exe") } });
    expect(JSON.stringify(output.envelope)).not.toContain("we'ird");
    const state = await backend.state();
    expect(keyFilesIn(state)).toEqual([]);
    expect(state.processLog.some((line) => line.includes(" up "))).toBe(false);
  });

  it("removes a policy value given as null and keeps other keys' values", async () => {
    const backend = await installedBackend(
      scenario({ host: { registry: { "HKLM:\\SOFTWARE\\Policies\\Tailscale": { Hostname: "old-name", LoginURL: "http://old" } } } }),
    );
    await runStep(backend, "join", joinParams({ policy: { loginUrl: null, hostname: null, unattendedMode: "always", policyValues: [] }, upArgs: [] }));
    const state = await backend.state();
    expect(state.registry["HKLM:\\SOFTWARE\\Policies\\Tailscale"]).toEqual({ UnattendedMode: "always" });
    expect(state.tailscale.loggedInLoginServer).toBe("https://controlplane.tailscale.com");
    expect(state.tailscale.nodeName).toBe("win-01");
  });

  it("classifies with the rules it is given: a failure no rule knows is retried, then fails without a script", async () => {
    const backend = await installedBackend("daemon-unreachable");
    const rules = FAILURE_RULES.filter((rule) => rule.class !== "daemon-unreachable");
    const result = await runStep(backend, "join", joinParams({ rules }));
    expect(result).toMatchObject({ outcome: "failed", reason: "other", attempts: [{ class: "other" }, { class: "other" }, { class: "other" }] });
    expect(Object.keys((await backend.state()).files)).toEqual([]);
  });
});
