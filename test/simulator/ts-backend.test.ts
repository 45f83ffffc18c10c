import {
  DEFAULT_JOIN_SCRIPT_PATH,
  DEFAULT_STATE_DIR,
  FAILURE_RULES,
  SID_ADMINISTRATORS,
  SID_SYSTEM,
  UP_KILL_MARGIN_SECONDS,
  type CleanupParams,
  type InstallParams,
  type JoinParams,
} from "../../provider/scripts/catalogue";
import { ADMIN_ONLY, DEFAULT_READERS, type HostState } from "../../simulator/host-state";
import { LATEST_TAILSCALE, OLD_TAILSCALE, SCENARIOS, type Scenario } from "../../simulator/scenarios";
import { SIMULATED_PRODUCT_CODE } from "../../simulator/programs/msiexec";
import { tailnetAddressesFor } from "../../simulator/programs/tailscale-texts";
import { PROGRESS_MARK, PROTOCOL_VERSION, STEP_COMMAND_LINE, encodePayload } from "../../provider/transport/protocol";
import { AUTH_KEY, backendFor, execRaw, execStep, joinScriptTextFor, runStep } from "./step-runner";

const LOGIN_SERVER = "https://headscale.example.net";

function installParams(overrides: Partial<InstallParams> = {}): InstallParams {
  return { method: "msi", version: null, msiUrl: null, loginServer: LOGIN_SERVER, stateDir: DEFAULT_STATE_DIR, ...overrides };
}

function joinParams(overrides: Partial<JoinParams> = {}): JoinParams {
  const params: JoinParams = {
    policy: { loginUrl: LOGIN_SERVER, hostname: "win-01", unattendedMode: "always" },
    upArgs: [`--login-server=${LOGIN_SERVER}`, "--hostname=win-01", "--unattended", "--accept-routes", "--timeout=30s"],
    authKey: AUTH_KEY,
    attempts: 3,
    retryDelaySeconds: 5,
    timeoutSeconds: 30,
    upKillMarginSeconds: UP_KILL_MARGIN_SECONDS,
    rules: FAILURE_RULES,
    stateDir: DEFAULT_STATE_DIR,
    joinScriptPath: DEFAULT_JOIN_SCRIPT_PATH,
    joinScriptText: "",
    ...overrides,
  };
  return { ...params, joinScriptText: overrides.joinScriptText ?? joinScriptTextFor(params) };
}

function cleanupParams(overrides: Partial<CleanupParams> = {}): CleanupParams {
  return { joinScriptPath: DEFAULT_JOIN_SCRIPT_PATH, stateDir: DEFAULT_STATE_DIR, logout: false, uninstall: false, ...overrides };
}

function keyFilesIn(state: HostState): string[] {
  return Object.keys(state.files).filter((path) => /\\authkey-[^\\]*\.txt$/i.test(path));
}

/** A scenario row with only the fields a test needs. */
function scenario(fields: Partial<Scenario>): Scenario {
  return { name: "test", description: "test", expect: { state: "joined", joinScriptLeft: false }, ...fields };
}

describe("probe", () => {
  it("reports the initial state of a clean host and changes nothing", async () => {
    const backend = await backendFor("clean-join-first-try");
    const before = await backend.state();
    const probe = await runStep(backend, "probe", { joinScriptPath: DEFAULT_JOIN_SCRIPT_PATH, stateDir: DEFAULT_STATE_DIR });
    expect(probe).toEqual({
      computerName: "WIN-01",
      os: before.os,
      powershellVersion: before.powershellVersion,
      isAdmin: true,
      tailscale: { installed: false, version: null },
      service: null,
      policy: { loginUrl: null, unattendedMode: null, hostname: null },
      joinScriptPresent: false,
      keyFiles: [],
      tailscaleIps: [],
      wingetAvailable: true,
    });
    expect(await backend.state()).toEqual(before);
  });

  it("reports an installed Tailscale, the effective policy (Policies key first) and leftovers", async () => {
    const backend = await backendFor(
      scenario({
        host: {
          computerName: "DESK-07",
          winget: false,
          tailscale: { installed: true, version: OLD_TAILSCALE, service: { status: "Stopped", startType: "Manual" } },
          registry: {
            "HKLM:\\SOFTWARE\\Tailscale IPN": { LoginURL: "http://old.example:8080", UnattendedMode: "always" },
            "hklm:\\software\\policies\\tailscale": { loginurl: LOGIN_SERVER },
          },
          dirs: { "C:\\temp": DEFAULT_READERS, [DEFAULT_STATE_DIR]: ADMIN_ONLY },
          files: {
            "c:\\TEMP\\Join-Mesh.ps1": { content: "old script", readers: DEFAULT_READERS },
            [`${DEFAULT_STATE_DIR}\\authkey-0badc0de.txt`]: { content: "stale", readers: ADMIN_ONLY },
          },
          adapterIps: ["100.64.0.9"],
        },
      }),
    );
    const probe = await runStep(backend, "probe", { joinScriptPath: DEFAULT_JOIN_SCRIPT_PATH, stateDir: DEFAULT_STATE_DIR });
    expect(probe.computerName).toBe("DESK-07");
    expect(probe.tailscale).toEqual({ installed: true, version: OLD_TAILSCALE });
    expect(probe.service).toEqual({ status: "Stopped", startType: "Manual" });
    expect(probe.policy).toEqual({ loginUrl: LOGIN_SERVER, unattendedMode: "always", hostname: null });
    expect(probe.joinScriptPresent).toBe(true);
    expect(probe.keyFiles).toEqual([`${DEFAULT_STATE_DIR}\\authkey-0badc0de.txt`]);
    expect(probe.tailscaleIps).toEqual(["100.64.0.9"]);
    expect(probe.wingetAvailable).toBe(false);
  });
});

describe("install", () => {
  it.each([
    ["clean-join-first-try", null],
    ["already-installed-older-version", OLD_TAILSCALE],
    ["already-installed-same-version", LATEST_TAILSCALE],
  ])("installs the latest MSI on %s", async (name, before) => {
    const backend = await backendFor(name);
    expect((await backend.state()).tailscale.version).toBe(before);
    const result = await runStep(backend, "install", installParams());
    expect(result).toEqual({ outcome: "installed", version: LATEST_TAILSCALE, exitCode: 0, rebootRequired: false });
    const state = await backend.state();
    expect(state.tailscale).toMatchObject({ installed: true, version: LATEST_TAILSCALE, service: { status: "Running", startType: "Automatic" } });
    expect(state.dirs[DEFAULT_STATE_DIR]).toEqual(ADMIN_ONLY);
    expect(Object.keys(state.files)).toEqual([]);
    const msiexec = state.processLog.find((line) => line.startsWith("msiexec.exe "));
    expect(msiexec).toBe(
      `msiexec.exe /i ${DEFAULT_STATE_DIR}\\tailscale-setup.msi /quiet /norestart /qn /L*v ${DEFAULT_STATE_DIR}\\install.log ` +
        `TS_UNATTENDEDMODE=always TS_NOLAUNCH=1 TS_LOGINURL=${LOGIN_SERVER}`,
    );
  });

  it("installs the version asked for", async () => {
    const backend = await backendFor("clean-join-first-try");
    const result = await runStep(backend, "install", installParams({ version: "1.80.3", loginServer: null }));
    expect(result).toMatchObject({ outcome: "installed", version: "1.80.3" });
    expect((await backend.state()).processLog.some((line) => line.includes("TS_LOGINURL"))).toBe(false);
  });

  it("fails on msiexec 1603, keeps install.log (admin-only) and returns its tail", async () => {
    const backend = await backendFor("msi-fails-1603");
    const result = await runStep(backend, "install", installParams());
    expect(result).toMatchObject({ outcome: "failed", exitCode: 1603 });
    if (result.outcome !== "failed") throw new Error("unreachable");
    expect(result.message).toContain("1603");
    expect(result.logTail).toContain("Installation success or error status: 1603.");
    const state = await backend.state();
    expect(state.tailscale.installed).toBe(false);
    expect(Object.keys(state.files)).toEqual([`${DEFAULT_STATE_DIR}\\install.log`]);
    expect(state.files[`${DEFAULT_STATE_DIR}\\install.log`].readers).toEqual(ADMIN_ONLY);
  });

  it("treats msiexec 3010 as installed with a reboot wanted", async () => {
    const backend = await backendFor("msi-wants-reboot-3010");
    const result = await runStep(backend, "install", installParams());
    expect(result).toEqual({ outcome: "installed", version: LATEST_TAILSCALE, exitCode: 3010, rebootRequired: true });
    expect(Object.keys((await backend.state()).files)).toEqual([]);
  });

  it("fails with winget when winget is missing, having only prepared the state directory", async () => {
    const backend = await backendFor("winget-missing");
    const result = await runStep(backend, "install", installParams({ method: "winget" }));
    expect(result).toMatchObject({ outcome: "failed", exitCode: null });
    const state = await backend.state();
    expect(state.tailscale.installed).toBe(false);
    expect(state.dirs[DEFAULT_STATE_DIR]).toEqual(ADMIN_ONLY);
    expect(state.processLog.every((line) => line.startsWith("icacls.exe "))).toBe(true);
  });

  it("reports winget's failure when the installer it runs fails", async () => {
    const backend = await backendFor(scenario({ installer: { msiExitCode: 1603 } }));
    const result = await runStep(backend, "install", installParams({ method: "winget" }));
    expect(result).toMatchObject({ outcome: "failed", exitCode: -1978335226 });
    if (result.outcome !== "failed") throw new Error("unreachable");
    expect(result.logTail).toContain("Installer failed with exit code: 1603");
    expect((await backend.state()).tailscale.installed).toBe(false);
  });

  it("installs with winget when it is there", async () => {
    const backend = await backendFor("clean-join-first-try");
    const result = await runStep(backend, "install", installParams({ method: "winget", version: "1.88.0" }));
    expect(result).toEqual({ outcome: "installed", version: "1.88.0", exitCode: 0, rebootRequired: false });
    expect((await backend.state()).processLog).toContain(
      "winget install --id Tailscale.Tailscale --source winget --silent --accept-package-agreements --accept-source-agreements --version 1.88.0",
    );
  });
});

/** A scenario's host after a successful MSI install, ready for join. */
async function installedBackend(scenarioOrName: Scenario | string) {
  const backend = await backendFor(scenarioOrName);
  await runStep(backend, "install", installParams());
  return backend;
}

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
      expect(state.dirs["C:\\temp"]).toEqual(DEFAULT_READERS);
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

  it("counts tailscale up runs across join steps, and removes the script left earlier once it joins", async () => {
    const backend = await installedBackend(scenario({ join: ["daemon-unreachable", "daemon-unreachable", "daemon-unreachable", "joined"] }));
    expect(await runStep(backend, "join", joinParams())).toMatchObject({ outcome: "pending-manual" });
    expect((await backend.state()).files[DEFAULT_JOIN_SCRIPT_PATH]).toBeDefined();
    expect(await runStep(backend, "join", joinParams({ attempts: 1 }))).toMatchObject({ outcome: "joined", attempts: [{ number: 1 }] });
    expect((await backend.state()).files).toEqual({});
  });

  const HOSTILE = `we'ird"host\`$(Remove-Item C:\\ -Recurse); calc.exe\r\nnext \u00fcn\u00ef \u200Frtl\u202Eevil`;

  it("stores a hostile hostname byte for byte in the policy", async () => {
    const backend = await installedBackend("clean-join-first-try");
    const result = await runStep(
      backend,
      "join",
      joinParams({ policy: { loginUrl: LOGIN_SERVER, hostname: HOSTILE, unattendedMode: "always" }, upArgs: [] }),
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
    expect(output.exitCode).toBe(1);
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
    await runStep(backend, "join", joinParams({ policy: { loginUrl: null, hostname: null, unattendedMode: "always" }, upArgs: [] }));
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

describe("cleanup", () => {
  it("removes the join script, every key file and the emptied state directory", async () => {
    const stale = `${DEFAULT_STATE_DIR}\\authkey-0123456789abcdef.txt`;
    const seeded = await backendFor(
      scenario({
        host: {
          dirs: { [DEFAULT_STATE_DIR]: ADMIN_ONLY, "C:\\temp": DEFAULT_READERS },
          files: {
            [DEFAULT_JOIN_SCRIPT_PATH]: { content: "script", readers: ADMIN_ONLY },
            [stale]: { content: AUTH_KEY, readers: ADMIN_ONLY },
          },
        },
      }),
    );
    const result = await runStep(seeded, "cleanup", cleanupParams());
    expect(result).toEqual({ removed: [DEFAULT_JOIN_SCRIPT_PATH, stale, DEFAULT_STATE_DIR], loggedOut: false, uninstalled: false, messages: [] });
    const state = await seeded.state();
    expect(state.files).toEqual({});
    expect(state.dirs[DEFAULT_STATE_DIR]).toBeUndefined();
  });

  it("keeps a state directory that still holds install.log", async () => {
    const backend = await backendFor("msi-fails-1603");
    await runStep(backend, "install", installParams());
    const result = await runStep(backend, "cleanup", cleanupParams());
    expect(result.removed).toEqual([]);
    expect((await backend.state()).dirs[DEFAULT_STATE_DIR]).toEqual(ADMIN_ONLY);
  });

  it("logs out and uninstalls when asked", async () => {
    const backend = await installedBackend("clean-join-first-try");
    await runStep(backend, "join", joinParams());
    const result = await runStep(backend, "cleanup", cleanupParams({ logout: true, uninstall: true }));
    expect(result).toMatchObject({ loggedOut: true, uninstalled: true, messages: [] });
    const state = await backend.state();
    expect(state.tailscale).toEqual({ installed: false, version: null, service: null, backendState: "NoState", loggedInLoginServer: null, nodeName: null });
    expect(state.adapterIps).toEqual([]);
    expect(state.processLog).toContain('"C:\\Program Files\\Tailscale\\tailscale.exe" logout');
  });

  it("uninstalls a Tailscale the scenario starts with, by its MSI product code", async () => {
    const backend = await backendFor("already-installed-older-version");
    const result = await runStep(backend, "cleanup", cleanupParams({ uninstall: true }));
    expect(result).toMatchObject({ uninstalled: true, messages: [] });
    const state = await backend.state();
    expect(state.processLog).toEqual([`msiexec.exe /x ${SIMULATED_PRODUCT_CODE} /quiet /norestart /qn`]);
    expect(state.tailscale.installed).toBe(false);
    expect(state.registry).toEqual({});
  });

  it("does not uninstall a Tailscale that is not an MSI product", async () => {
    const backend = await backendFor(scenario({ host: { tailscale: { installed: true, version: null } } }));
    const result = await runStep(backend, "cleanup", cleanupParams({ uninstall: true }));
    expect(result).toMatchObject({ uninstalled: false, messages: ["Tailscale is installed but not as an MSI product; uninstall it by hand"] });
    expect((await backend.state()).tailscale.installed).toBe(true);
  });

  it("neither logs out nor uninstalls what is not installed", async () => {
    const backend = await backendFor("clean-join-first-try");
    const result = await runStep(backend, "cleanup", cleanupParams({ logout: true, uninstall: true }));
    expect(result).toEqual({ removed: [], loggedOut: false, uninstalled: false, messages: [] });
    expect((await backend.state()).processLog).toEqual([]);
  });

  it("reports a logout that cannot reach the daemon over SSH", async () => {
    const backend = await installedBackend("daemon-unreachable");
    const result = await runStep(backend, "cleanup", cleanupParams({ logout: true }));
    expect(result.loggedOut).toBe(false);
    expect(result.messages[0]).toContain("context deadline exceeded");
  });
});

describe("the join script run by a person", () => {
  it("joins interactively, then deletes the key file and the script", async () => {
    const backend = await installedBackend("daemon-unreachable");
    await runStep(backend, "join", joinParams());
    const run = await backend.runJoinScriptInteractively("c:\\Temp\\JOIN-MESH.ps1");
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain("SUCCESS");
    expect(run.output).not.toContain(AUTH_KEY);
    const state = await backend.state();
    // What stays is the script's log (admin-only, without the key).
    expect(Object.keys(state.files)).toEqual([`${DEFAULT_STATE_DIR}\\join-mesh.log`]);
    expect(state.files[`${DEFAULT_STATE_DIR}\\join-mesh.log`].readers).toEqual(ADMIN_ONLY);
    expect(state.files[`${DEFAULT_STATE_DIR}\\join-mesh.log`].content).not.toContain(AUTH_KEY);
    expect(state.tailscale.backendState).toBe("Running");
    expect(state.adapterIps).toEqual(tailnetAddressesFor("WIN-01"));
    expect(state.registry["HKLM:\\SOFTWARE\\Policies\\Tailscale"]).toEqual({ LoginURL: LOGIN_SERVER, Hostname: "win-01", UnattendedMode: "always" });
  });

  it("keeps the script when the interactive join fails too", async () => {
    const backend = await installedBackend(scenario({ join: ["in-use"], interactiveJoin: "auth-rejected" }));
    await runStep(backend, "join", joinParams());
    const run = await backend.runJoinScriptInteractively(DEFAULT_JOIN_SCRIPT_PATH);
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain("[redacted]");
    expect(run.output).toContain("(auth-rejected)");
    expect(run.output).not.toContain(AUTH_KEY);
    expect(Object.keys((await backend.state()).files).sort()).toEqual([`${DEFAULT_STATE_DIR}\\join-mesh.log`, DEFAULT_JOIN_SCRIPT_PATH]);
  });

  it("refuses a script that is not there", async () => {
    const backend = await backendFor("daemon-unreachable");
    const run = await backend.runJoinScriptInteractively(DEFAULT_JOIN_SCRIPT_PATH);
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain("does not exist");
  });
});

describe("the wire", () => {
  it("answers an unknown step, malformed params and a wrong protocol version like a script error", async () => {
    const backend = await backendFor("clean-join-first-try");
    const before = await backend.state();
    const unknown = await execStep(backend, "format-disk", {});
    const malformed = await execStep(backend, "join", { ...joinParams(), attempts: "three", stateDir: "relative\\dir" });
    const wrongVersion = await execRaw(backend, Buffer.from(JSON.stringify({ v: 99, step: "probe", script: "", params: {} })).toString("base64"));
    const garbage = await execRaw(backend, "not base64 json!");
    for (const output of [unknown, malformed, wrongVersion, garbage]) {
      expect(output.exitCode).toBe(1);
      expect(output.lines).toHaveLength(1);
      expect(output.envelope).toMatchObject({ ok: false, error: { message: expect.any(String), type: expect.any(String) } });
    }
    expect(JSON.stringify(malformed.envelope)).toMatch(/attempts.*stateDir/);
    expect(JSON.stringify(malformed.envelope)).not.toContain(AUTH_KEY);
    expect(await backend.state()).toEqual(before);
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
    const payload = encodePayload({ v: PROTOCOL_VERSION, step: "join", script: "", params: joinParams() });
    await backend.exec(STEP_COMMAND_LINE, payload, { stdout, stderr: () => undefined, signal: aborter.signal });
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(PROGRESS_MARK)).toBe(true);
    // Killed with the process, the step's `finally` never ran: the key file stays for cleanup.
    expect(keyFilesIn(await backend.state())).toHaveLength(1);
  });

  it("never lets the auth key reach a command line, a progress line or a result line, in any scenario", async () => {
    for (const row of SCENARIOS) {
      const backend = await installedBackend(row);
      const lines = [
        ...(await execStep(backend, "join", joinParams())).lines,
        ...(await execStep(backend, "probe", { joinScriptPath: DEFAULT_JOIN_SCRIPT_PATH, stateDir: DEFAULT_STATE_DIR })).lines,
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
