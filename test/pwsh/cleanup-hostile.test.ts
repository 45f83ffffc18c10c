/**
 * cleanup (delete's removal of what the node wrote included), and hostile values: every string
 * parameter, full of what a shell or PowerShell would act on, must arrive byte for byte and run nothing. Real pwsh on the simulated host; skipped loudly
 * without pwsh (failed in CI).
 */
import { createHash } from "crypto";
import { readdirSync } from "fs";
import { join as joinPath } from "path";
import { readJoinScriptData } from "../../provider/scripts";
import { FAILURE_RULES, type JoinScriptData } from "../../provider/scripts/catalogue";
import { ADMIN_ONLY, DEFAULT_READERS } from "../../simulator/host-state";
import { initialHostState } from "../../simulator/initial-state";
import { createPwshBackend, type PwshHostBackend } from "../../simulator/backends/pwsh";
import { runStep, stepValue } from "../../simulator/backends/run-step";
import { scenarioByName, type Scenario } from "../../simulator/scenarios";
import { tailscaleUninstallEntry } from "../../simulator/programs/msiexec";
import { toolsPresent } from "../support/tools";
import { joinStepParams } from "../support/join-params";

const STATE_DIR = "C:\\ProgramData\\MeshWindowsNode";
const JOIN_PATH = "C:\\temp\\join-mesh.ps1";
const describePwsh = toolsPresent("pwsh back end tests", "pwsh") ? describe : describe.skip;
jest.setTimeout(180_000);

/** If any value ran as PowerShell, cmd or a shell, C:\pwned.txt (or a "pwned" process) would appear. */
const RUN_ME = "$(Set-Content -LiteralPath 'C:\\pwned.txt' -Value 1)";
const HOSTILE = `a'b"c\`d ${RUN_ME}; & pwned.exe | pwned %TEMP% !PATH! \r\n\tü\u200f中 @x`;
/** The same, less what Invoke-MeshNative refuses for a program argument (a double quote). */
const HOSTILE_ARGUMENT = HOSTILE.replace(/"/g, "");
/** A name Windows accepts for a folder: no \\ / : " | < > * ?, no control characters (run, it would write pwned.txt in the working folder). */
const HOSTILE_NAME = `Mesh 'x' \`$(Set-Content -LiteralPath pwned.txt -Value 1) ;& pwned %TEMP% ü\u200f中 @x`;
const AUTH_KEY = `tskey-K3Y-MARKER ${HOSTILE}`;

async function hostFor(scenario: Scenario | string, installed = true): Promise<PwshHostBackend> {
  const resolved = typeof scenario === "string" ? scenarioByName(scenario) : scenario;
  const tailscale = installed ? { installed: true, version: "1.90.6", service: { status: "Running" as const, startType: "Automatic" as const } } : {};
  return (await createPwshBackend(resolved, initialHostState({ ...resolved, host: { ...resolved.host, tailscale } }))) as PwshHostBackend;
}

describePwsh("cleanup", () => {
  test("removes the join script and stray key files, logs out, uninstalls, and removes the emptied state directory", async () => {
    const scenario = scenarioByName("clean-join-first-try");
    const initial = initialHostState({ ...scenario, host: { tailscale: { installed: true, version: "1.90.6", service: { status: "Running", startType: "Automatic" }, backendState: "Running", nodeName: "win-01" } } });
    initial.dirs[STATE_DIR] = ADMIN_ONLY;
    initial.dirs["C:\\temp"] = initial.dirs["C:\\"];
    initial.files[`${STATE_DIR}\\authkey-1.txt`] = { content: "k1", readers: ADMIN_ONLY };
    initial.files[`${STATE_DIR}\\AUTHKEY-2.TXT`] = { content: "k2", readers: ADMIN_ONLY };
    initial.files["C:\\Temp\\Join-Mesh.ps1"] = { content: "# script", readers: ADMIN_ONLY };
    initial.adapterIps = ["100.64.0.9"];
    const host = (await createPwshBackend(scenario, initial)) as PwshHostBackend;
    try {
      const result = await stepValue(host, "cleanup", { joinScriptPath: JOIN_PATH, stateDir: STATE_DIR, logout: true, uninstall: true });
      expect(result).toEqual({
        removed: [JOIN_PATH, `${STATE_DIR}\\authkey-1.txt`, `${STATE_DIR}\\AUTHKEY-2.TXT`, STATE_DIR],
        loggedOut: true,
        uninstalled: true,
        messages: [],
      });
      const state = await host.state();
      expect(state.files).toEqual({});
      expect(state.dirs[STATE_DIR]).toBeUndefined();
      expect(state.tailscale).toEqual({ installed: false, version: null, service: null, backendState: "NoState", loggedInLoginServer: null, nodeName: null });
      expect(state.adapterIps).toEqual([]);
      expect(state.registry[tailscaleUninstallEntry("").key]).toBeUndefined();
      const { calls } = await host.record();
      expect(calls.map((call) => [call.program, ...call.argv].join(" "))).toEqual([
        "tailscale logout",
        `msiexec /x ${tailscaleUninstallEntry("").key.split("\\").pop()} /quiet /norestart /qn`,
      ]);
    } finally {
      await host.dispose();
    }
  });

  test("on delete: only the node's environment keys and its own policies go; others' hostile lines and values stay byte for byte, and nothing runs", async () => {
    const scenario = scenarioByName("clean-join-first-try");
    const initial = initialHostState({ ...scenario, host: { tailscale: { installed: true, version: "1.90.6", service: { status: "Running", startType: "Automatic" } } } });
    const envFile = "C:\\ProgramData\\Tailscale\\tailscaled-env.txt";
    const oneLine = HOSTILE.replace(/[\r\n]/g, "");
    const others = [`TS_DEBUG_MTU=${oneLine}`, `NOT A KEY ${RUN_ME}`, "PORTS=1"];
    initial.dirs["C:\\ProgramData\\Tailscale"] = DEFAULT_READERS;
    initial.files[envFile] = { content: [others[0], `HTTPS_PROXY=${oneLine}`, others[1], "port=41642", others[2]].map((line) => `${line}\r\n`).join(""), readers: DEFAULT_READERS };
    initial.registry["HKLM:\\SOFTWARE\\Policies\\Tailscale"] = { InstallUpdates: HOSTILE, UseTailscaleDNSSettings: HOSTILE };
    const host = (await createPwshBackend(scenario, initial)) as PwshHostBackend;
    const stateDir = `C:\\ProgramData\\${HOSTILE_NAME}`;
    try {
      const result = await stepValue(host, "cleanup", {
        joinScriptPath: JOIN_PATH,
        stateDir,
        logout: false,
        uninstall: false,
        daemonEnv: { path: envFile, set: [], remove: ["HTTPS_PROXY", "PORT", "TS_NO_LOGS_NO_SUPPORT"] },
        writtenPolicies: ["InstallUpdates", "EnableDNSRegistration"],
      });
      expect(result).toEqual({
        removed: ["HKLM:\\SOFTWARE\\Policies\\Tailscale\\InstallUpdates", `${envFile}: HTTPS_PROXY, port`, stateDir],
        loggedOut: false,
        uninstalled: false,
        messages: [],
      });
      const state = await host.state();
      expect(state.files[envFile]).toEqual({ content: others.map((line) => `${line}\r\n`).join(""), readers: ADMIN_ONLY });
      expect(state.registry["HKLM:\\SOFTWARE\\Policies\\Tailscale"]).toEqual({ UseTailscaleDNSSettings: HOSTILE });
      expect(state.dirs[stateDir]).toBeUndefined();
      const record = await host.record();
      // The daemon reads its environment at start: restarted once, and running.
      expect(record.serviceRestarts).toBe(1);
      expect(state.tailscale.service).toEqual({ status: "Running", startType: "Automatic" });
      expect(Object.keys(state.files)).toEqual([envFile]);
      expect(readdirSync(joinPath(host.dir, "cwd"))).toEqual([]);
      expect(new Set(record.calls.map((call) => call.program))).toEqual(new Set(["icacls"]));
    } finally {
      await host.dispose();
    }
  });

  test("over SSH where the daemon is out of reach: logout fails, said in messages; a log in the state directory keeps it", async () => {
    const host = await hostFor("daemon-unreachable");
    try {
      expect((await stepValue(host, "install", { method: "msi", version: null, msiUrl: null, loginServer: null, stateDir: STATE_DIR })).outcome).toBe("installed");
      const initial = await host.state();
      const result = await stepValue(host, "cleanup", { joinScriptPath: JOIN_PATH, stateDir: STATE_DIR, logout: true, uninstall: false });
      expect(result).toMatchObject({ removed: [STATE_DIR], loggedOut: false, uninstalled: false });
      expect(result.messages).toEqual([expect.stringMatching(/^tailscale logout failed: failed to connect to local tailscaled .*context deadline exceeded/)]);
      expect((await host.state()).tailscale).toEqual(initial.tailscale);
    } finally {
      await host.dispose();
    }
  });
});

describePwsh("hostile values", () => {
  test("arrive byte for byte in every step and run nothing", async () => {
    const host = await hostFor("daemon-unreachable", false);
    const stateDir = `C:\\ProgramData\\${HOSTILE_NAME}`;
    const joinScriptPath = `C:\\${HOSTILE_NAME}\\sub [1]\\join-mesh.ps1`;
    const data: JoinScriptData = {
      policy: { loginUrl: HOSTILE, hostname: HOSTILE, unattendedMode: "always", policyValues: [] },
      upArgs: [`--hostname=${HOSTILE_ARGUMENT}`, `--login-server=${HOSTILE_ARGUMENT}`],
      authKey: AUTH_KEY,
      timeoutSeconds: 30,
      stateDir,
      joinScriptPath,
      rules: FAILURE_RULES,
    };
    const params = joinStepParams(data);
    try {
      const install = await stepValue(host, "install", { method: "msi", version: null, msiUrl: null, loginServer: HOSTILE_ARGUMENT, stateDir });
      expect(install.outcome).toBe("installed");
      const join = await stepValue(host, "join", params);
      expect(join).toMatchObject({ outcome: "pending-manual", reason: "daemon-unreachable" });

      const state = await host.state();
      expect(state.registry["HKLM:\\SOFTWARE\\Policies\\Tailscale"]).toEqual({ LoginURL: HOSTILE, Hostname: HOSTILE, UnattendedMode: "always" });
      expect(state.dirs[stateDir]).toEqual(ADMIN_ONLY);
      expect(state.files[joinScriptPath]).toEqual({ content: params.joinScriptText, readers: ADMIN_ONLY });
      expect(readJoinScriptData(state.files[joinScriptPath].content)).toEqual(data);
      const record = await host.record();
      expect(record.calls.find((call) => call.program === "msiexec")?.argv).toContain(`TS_LOGINURL=${HOSTILE_ARGUMENT}`);
      const up = record.calls.find((call) => call.program === "tailscale" && call.argv[0] === "up");
      expect(up?.argv.slice(1, 3)).toEqual(data.upArgs);
      expect(up?.argv.at(-1)).toMatch(new RegExp(`^--auth-key=file:${stateDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\\\authkey-[0-9a-f]{32}\\.txt$`));
      expect(record.keyHashes).toEqual([createHash("sha256").update(AUTH_KEY).digest("hex")]);

      const probe = await stepValue(host, "probe", { joinScriptPath, stateDir, policyNames: [], daemonEnvPath: "C:\\ProgramData\\Tailscale\\tailscaled-env.txt", tailscaleStatePath: "C:\\ProgramData\\Tailscale\\server-state.conf" });
      expect(probe).toMatchObject({ joinScriptPresent: true, keyFiles: [], policy: { loginUrl: HOSTILE, hostname: HOSTILE } });
      const cleanup = await stepValue(host, "cleanup", { joinScriptPath, stateDir, logout: false, uninstall: false });
      expect(cleanup.removed).toEqual([joinScriptPath, stateDir]);

      // Nothing ran: no C:\pwned.txt, nothing in the working folder, no program but the four.
      const final = await host.state();
      expect(Object.keys(final.files)).toEqual([]);
      expect(readdirSync(joinPath(host.dir, "cwd"))).toEqual([]);
      expect(new Set((await host.record()).calls.map((call) => call.program))).toEqual(new Set(["icacls", "msiexec", "tailscale"]));
      expect(final.processLog.join("\n")).not.toContain("K3Y-MARKER");
      expect((await host.record()).exposures).toEqual([]);
    } finally {
      await host.dispose();
    }
  });

  test("a hostile winget --version arrives intact", async () => {
    const host = await hostFor("clean-join-first-try", false);
    try {
      await stepValue(host, "install", { method: "winget", version: HOSTILE_ARGUMENT, msiUrl: null, loginServer: null, stateDir: STATE_DIR });
      const winget = (await host.record()).calls.find((call) => call.program === "winget");
      expect(winget?.argv.slice(-2)).toEqual(["--version", HOSTILE_ARGUMENT]);
      expect(Object.keys((await host.state()).files)).toEqual([]);
    } finally {
      await host.dispose();
    }
  });

  test("a double quote in a `tailscale up` argument is refused, not mangled: nothing started, no key file left", async () => {
    const host = await hostFor("clean-join-first-try");
    const data: JoinScriptData = {
      policy: { loginUrl: null, hostname: null, unattendedMode: "always", policyValues: [] },
      upArgs: [`--hostname=${HOSTILE}`],
      authKey: "tskey-auth-quoted",
      timeoutSeconds: 30,
      stateDir: STATE_DIR,
      joinScriptPath: JOIN_PATH,
      rules: FAILURE_RULES,
    };
    try {
      const run = await runStep(host, "join", joinStepParams(data, { attempts: 3 }));
      expect(run.envelope?.ok).toBe(false);
      expect(run.envelope && !run.envelope.ok && run.envelope.error.message).toMatch(/argument 2 for C:\\Program Files\\Tailscale\\tailscale\.exe .*contains a double quote/);
      expect((await host.record()).calls.filter((call) => call.program === "tailscale")).toEqual([]);
      expect(Object.keys((await host.state()).files)).toEqual([]);
    } finally {
      await host.dispose();
    }
  });
});
