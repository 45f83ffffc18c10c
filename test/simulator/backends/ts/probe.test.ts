/** The probe step's model (simulator/backends/ts/probe.ts): what the host looks like, changing nothing. */
import { DEFAULT_JOIN_SCRIPT_PATH, DEFAULT_STATE_DIR } from "../../../../provider/scripts/catalogue";
import { ADMIN_ONLY } from "../../../../simulator/host-state";
import { OLD_TAILSCALE } from "../../../../simulator/scenarios";
import { LOGIN_SERVER, scenario } from "./fixtures";
import { backendFor, runStep } from "./step-runner";

describe("probe", () => {
  it("reports the initial state of a clean host and changes nothing", async () => {
    const backend = await backendFor("clean-join-first-try");
    const before = await backend.state();
    const probe = await runStep(backend, "probe", { joinScriptPath: DEFAULT_JOIN_SCRIPT_PATH, stateDir: DEFAULT_STATE_DIR, policyNames: [], daemonEnvPath: "C:\\ProgramData\\Tailscale\\tailscaled-env.txt", tailscaleStatePath: "C:\\ProgramData\\Tailscale\\server-state.conf" });
    expect(probe).toEqual({
      checks: null,
      computerName: "WIN-01",
      os: before.os,
      powershellVersion: before.powershellVersion,
      isAdmin: true,
      arch: "amd64",
      tailscale: { installed: false, version: null },
      service: null,
      policy: { loginUrl: null, unattendedMode: null, hostname: null },
      systemPolicies: {},
      daemonEnv: {},
      prefs: null,
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
            "HKLM:\\SOFTWARE\\Tailscale IPN": { LoginURL: "http://old.example:8080", UnattendedMode: "always", InstallUpdates: "never", UseTailscaleDNSSettings: "never" },
            "hklm:\\software\\policies\\tailscale": { loginurl: LOGIN_SERVER, usetailscalednssettings: "always" },
          },
          dirs: { [DEFAULT_STATE_DIR]: ADMIN_ONLY },
          files: {
            "c:\\programdata\\MESHWINDOWSNODE\\Join-Mesh.ps1": { content: "old script", readers: ADMIN_ONLY },
            [`${DEFAULT_STATE_DIR}\\authkey-0badc0de.txt`]: { content: "stale", readers: ADMIN_ONLY },
          },
          adapterIps: ["100.64.0.9"],
        },
      }),
    );
    const policyNames = ["UseTailscaleDNSSettings", "InstallUpdates", "EnableDNSRegistration"];
    const probe = await runStep(backend, "probe", { joinScriptPath: DEFAULT_JOIN_SCRIPT_PATH, stateDir: DEFAULT_STATE_DIR, policyNames, daemonEnvPath: "C:\\ProgramData\\Tailscale\\tailscaled-env.txt", tailscaleStatePath: "C:\\ProgramData\\Tailscale\\server-state.conf" });
    expect(probe.computerName).toBe("DESK-07");
    // Each asked-for policy that is set, the Policies key first; unset ones are absent.
    expect(probe.systemPolicies).toEqual({ UseTailscaleDNSSettings: "always", InstallUpdates: "never" });
    expect(probe.tailscale).toEqual({ installed: true, version: OLD_TAILSCALE });
    expect(probe.service).toEqual({ status: "Stopped", startType: "Manual" });
    expect(probe.policy).toEqual({ loginUrl: LOGIN_SERVER, unattendedMode: "always", hostname: null });
    expect(probe.joinScriptPresent).toBe(true);
    expect(probe.keyFiles).toEqual([`${DEFAULT_STATE_DIR}\\authkey-0badc0de.txt`]);
    expect(probe.tailscaleIps).toEqual(["100.64.0.9"]);
    expect(probe.wingetAvailable).toBe(false);
  });
});
