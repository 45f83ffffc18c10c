/** The TypeScript model of provider/scripts/probe.ps1: what the host looks like now. Changes nothing. */
import type { ProbeParams, ProbeResult } from "../../../provider/scripts/catalogue";
import { msiArchitectureOf } from "../../programs/pkgs";
import { hostChecks } from "./checks";
import type { Script } from "./common";
import { daemonEnvHashes } from "./daemon-env";
import { tailscalePrefs } from "./tailscale-prefs";

export async function probe(script: Script, params: ProbeParams): Promise<ProbeResult> {
  const { state } = script;
  let service: ProbeResult["service"] = null;
  try {
    const { status, startType } = script.service("Get-Service");
    service = { status, startType };
  } catch {
    // -ErrorAction SilentlyContinue: no service.
  }
  // The doctor's checks run first, as probe.ps1 runs them.
  const checks = params.checks ? await hostChecks(script, params.checks) : null;
  return {
    checks,
    computerName: state.computerName,
    os: { ...state.os },
    powershellVersion: state.powershellVersion,
    isAdmin: state.isAdmin,
    arch: msiArchitectureOf(state.architecture),
    tailscale: { installed: state.tailscale.installed, version: await script.tailscaleVersion() },
    service,
    policy: {
      loginUrl: script.policyValue("LoginURL"),
      unattendedMode: script.policyValue("UnattendedMode"),
      hostname: script.policyValue("Hostname"),
    },
    systemPolicies: script.systemPolicies(params.policyNames),
    daemonEnv: daemonEnvHashes(script, params.daemonEnvPath),
    prefs: tailscalePrefs(script, params.tailscaleStatePath),
    joinScriptPresent: script.files.fileExists(params.joinScriptPath),
    keyFiles: script.keyFiles(params.stateDir),
    tailscaleIps: [...state.adapterIps],
    wingetAvailable: state.winget,
  };
}
