/**
 * probe and install, run in real pwsh on the simulated host: the provider's own scripts, the
 * bootstrap, and Windows stand-ins (simulator/backends/pwsh). Skipped loudly without pwsh (failed in CI).
 */
import { createHash } from "node:crypto";
import { ADMIN_ONLY, cleanHost, type HostState } from "../../simulator/host-state";
import { initialHostState } from "../../simulator/initial-state";
import { createPwshBackend, type PwshHostBackend } from "../../simulator/backends/pwsh";
import { runStep, stepValue } from "../../simulator/backends/run-step";
import { LATEST_TAILSCALE, OLD_TAILSCALE, scenarioByName, type Scenario } from "../../simulator/scenarios";
import { tailscaleUninstallEntry } from "../../simulator/programs/msiexec";
import { tailnetAddressesFor } from "../../simulator/programs/tailscale-texts";
import { toolsPresent } from "../support/tools";

const STATE_DIR = "C:\\ProgramData\\MeshWindowsNode";
const JOIN_PATH = "C:\\temp\\join-mesh.ps1";
const describePwsh = toolsPresent("pwsh back end tests", "pwsh") ? describe : describe.skip;
jest.setTimeout(120_000);

async function hostFor(scenario: Scenario | string, initial?: HostState): Promise<PwshHostBackend> {
  const resolved = typeof scenario === "string" ? scenarioByName(scenario) : scenario;
  return (await createPwshBackend(resolved, initial ?? initialHostState(resolved))) as PwshHostBackend;
}

const msiParams = { method: "msi" as const, version: null, msiUrl: null, loginServer: "https://headscale.example.com", stateDir: STATE_DIR };

describePwsh("probe", () => {
  test("reports the host as it is, and changes nothing", async () => {
    const scenario = scenarioByName("windows-11-client");
    const initial = initialHostState(scenario);
    initial.tailscale = { ...initial.tailscale, installed: true, version: OLD_TAILSCALE, service: { status: "Stopped", startType: "Manual" } };
    initial.registry["HKLM:\\SOFTWARE\\Tailscale IPN"] = { LoginURL: "https://old.example.com", UnattendedMode: "always", InstallUpdates: "never" };
    initial.registry["HKLM:\\SOFTWARE\\Policies\\Tailscale"] = { LoginURL: "https://headscale.example.com", UseTailscaleDNSSettings: "always" };
    initial.adapterIps = tailnetAddressesFor(initial.computerName);
    initial.dirs["C:\\ProgramData\\MeshWindowsNode"] = ADMIN_ONLY;
    initial.dirs["C:\\temp"] = initial.dirs["C:\\"];
    initial.files["C:\\ProgramData\\MeshWindowsNode\\authkey-0123.txt"] = { content: "left over", readers: ADMIN_ONLY };
    initial.files["C:\\temp\\JOIN-MESH.ps1"] = { content: "# old", readers: ADMIN_ONLY };
    initial.dirs["C:\\ProgramData\\Tailscale"] = initial.dirs["C:\\"];
    initial.files["C:\\ProgramData\\Tailscale\\tailscaled-env.txt"] = { content: "PORT=41642\r\n\r\nTS_NO_LOGS_NO_SUPPORT=true\r\n", readers: ADMIN_ONLY };
    const host = await hostFor(scenario, initial);
    try {
      const policyNames = ["UseTailscaleDNSSettings", "InstallUpdates", "EnableDNSRegistration"];
      const result = await stepValue(host, "probe", { joinScriptPath: JOIN_PATH, stateDir: STATE_DIR, policyNames, daemonEnvPath: "C:\\ProgramData\\Tailscale\\tailscaled-env.txt", tailscaleStatePath: "C:\\ProgramData\\Tailscale\\server-state.conf" });
      expect(result).toEqual({
        checks: null,
        computerName: "DESK-07",
        os: { caption: "Microsoft Windows 11 Pro", version: "10.0.26100" },
        powershellVersion: "5.1.26100.2161",
        isAdmin: true,
        arch: "amd64",
        tailscale: { installed: true, version: OLD_TAILSCALE },
        service: { status: "Stopped", startType: "Manual" },
        // The Policies key wins; a value only the older key has still counts.
        policy: { loginUrl: "https://headscale.example.com", unattendedMode: "always", hostname: null },
        // Each policy asked for that is set, from either key; unset ones are absent.
        systemPolicies: { UseTailscaleDNSSettings: "always", InstallUpdates: "never" },
        // The daemon's environment as key -> SHA-256 of the value: a proxy password never leaves the host.
        daemonEnv: { PORT: createHash("sha256").update("41642").digest("hex"), TS_NO_LOGS_NO_SUPPORT: createHash("sha256").update("true").digest("hex") },
        prefs: null,
        joinScriptPresent: true,
        keyFiles: ["C:\\ProgramData\\MeshWindowsNode\\authkey-0123.txt"],
        // The adapter's link-local address and the NIC's addresses are not mesh addresses.
        tailscaleIps: tailnetAddressesFor("DESK-07"),
        wingetAvailable: true,
      });
      const after = await host.state();
      expect({ ...after, processLog: [] }).toEqual({ ...initial, processLog: [] });
      expect(after.processLog).toEqual(['"C:\\Program Files\\Tailscale\\tailscale.exe" version']);
    } finally {
      await host.dispose();
    }
  });

  test("on a bare host without rights: not installed, no service, no winget", async () => {
    const initial = cleanHost({ isAdmin: false, winget: false });
    const host = await hostFor("clean-join-first-try", initial);
    try {
      const result = await stepValue(host, "probe", { joinScriptPath: JOIN_PATH, stateDir: STATE_DIR, policyNames: [], daemonEnvPath: "C:\\ProgramData\\Tailscale\\tailscaled-env.txt", tailscaleStatePath: "C:\\ProgramData\\Tailscale\\server-state.conf" });
      expect(result).toMatchObject({
        isAdmin: false,
        tailscale: { installed: false, version: null },
        service: null,
        policy: { loginUrl: null, unattendedMode: null, hostname: null },
        joinScriptPresent: false,
        keyFiles: [],
        tailscaleIps: [],
        wingetAvailable: false,
      });
      expect((await host.state()).processLog).toEqual([]);
    } finally {
      await host.dispose();
    }
  });
});

describePwsh("install", () => {
  test("from the MSI: installed and running, the MSI and its log gone, the state directory admin-only", async () => {
    const host = await hostFor("clean-join-first-try");
    try {
      const run = await runStep(host, "install", msiParams);
      expect(run.envelope).toEqual({ ok: true, value: { outcome: "installed", version: LATEST_TAILSCALE, exitCode: 0, rebootRequired: false } });
      expect(run.progress.map((p) => p.message)).toEqual([
        `downloading https://pkgs.tailscale.com/stable/tailscale-setup-${LATEST_TAILSCALE}-amd64.msi`,
        "running the Tailscale installer",
      ]);
      const state = await host.state();
      expect(state.tailscale).toMatchObject({ installed: true, version: LATEST_TAILSCALE, service: { status: "Running", startType: "Automatic" } });
      expect(state.files).toEqual({});
      expect(state.dirs[STATE_DIR]).toEqual(ADMIN_ONLY);
      const entry = tailscaleUninstallEntry(LATEST_TAILSCALE);
      expect(state.registry[entry.key]).toEqual(entry.values);
      const { calls } = await host.record();
      expect(calls.find((call) => call.program === "msiexec")?.argv).toEqual([
        "/i", `${STATE_DIR}\\tailscale-setup.msi`, "/quiet", "/norestart", "/qn", "/L*v", `${STATE_DIR}\\install.log`,
        "TS_UNATTENDEDMODE=always", "TS_NOLAUNCH=1", "TS_LOGINURL=https://headscale.example.com",
      ]);
    } finally {
      await host.dispose();
    }
  });

  test("msiexec 1603: failed with the log's tail; the MSI is removed, the log kept for Administrators", async () => {
    const host = await hostFor("msi-fails-1603");
    try {
      const result = await stepValue(host, "install", { ...msiParams, version: "1.80.3" });
      expect(result).toMatchObject({ outcome: "failed", exitCode: 1603, message: expect.stringContaining("exit code 1603") });
      expect(result.outcome === "failed" && result.logTail).toMatch(/Installation success or error status: 1603[\s\S]*MainEngineThread is returning 1603/);
      const state = await host.state();
      expect(state.tailscale.installed).toBe(false);
      expect(Object.keys(state.files)).toEqual([`${STATE_DIR}\\install.log`]);
      expect(state.files[`${STATE_DIR}\\install.log`].readers).toEqual(ADMIN_ONLY);
      const { calls } = await host.record();
      expect(calls.find((call) => call.program === "msiexec")?.argv[1]).toBe(`${STATE_DIR}\\tailscale-setup.msi`);
    } finally {
      await host.dispose();
    }
  });

  test("msiexec 3010: installed, a reboot wanted", async () => {
    const host = await hostFor("msi-wants-reboot-3010");
    try {
      expect(await stepValue(host, "install", msiParams)).toEqual({ outcome: "installed", version: LATEST_TAILSCALE, exitCode: 3010, rebootRequired: true });
    } finally {
      await host.dispose();
    }
  });

  test("with winget, at a pinned version, upgrading an older Tailscale", async () => {
    const scenario: Scenario = { ...scenarioByName("already-installed-older-version"), installer: { installsVersion: "1.88.1" } };
    const host = await hostFor(scenario);
    try {
      const result = await stepValue(host, "install", { ...msiParams, method: "winget", version: "1.88.1" });
      expect(result).toEqual({ outcome: "installed", version: "1.88.1", exitCode: 0, rebootRequired: false });
      const { calls } = await host.record();
      expect(calls.find((call) => call.program === "winget")?.argv).toEqual([
        "install", "--id", "Tailscale.Tailscale", "--source", "winget", "--silent", "--accept-package-agreements", "--accept-source-agreements", "--version", "1.88.1",
      ]);
      expect((await host.state()).registry[tailscaleUninstallEntry("").key].DisplayVersion).toBe("1.88.1");
    } finally {
      await host.dispose();
    }
  });

  test("with winget where there is none: failed, saying so, nothing started", async () => {
    const host = await hostFor("winget-missing");
    try {
      const result = await stepValue(host, "install", { ...msiParams, method: "winget" });
      expect(result).toEqual({ outcome: "failed", exitCode: null, message: "winget is not available on this host; use the msi install method", logTail: "" });
      // The state directory is taken over with Set-Acl: no program started at all.
      expect((await host.record()).calls.map((call) => call.program)).toEqual([]);
    } finally {
      await host.dispose();
    }
  });
});
