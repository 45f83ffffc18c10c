/**
 * A probe result as a healthy, joined Windows Server host returns it, for the lifecycle's pure
 * tests (plan, findings, drift): each test overrides only what it is about.
 */
import type { ProbeResult } from "../../provider/scripts/catalogue";

export function probeResult(over: Partial<ProbeResult> = {}): ProbeResult {
  return {
    computerName: "WIN-01",
    os: { caption: "Microsoft Windows Server 2022 Datacenter", version: "10.0.20348" },
    powershellVersion: "5.1.20348.2582",
    isAdmin: true,
    arch: "amd64",
    tailscale: { installed: true, version: "1.90.6" },
    service: { status: "Running", startType: "Automatic" },
    policy: { loginUrl: "https://hs.example.com", unattendedMode: "always", hostname: "win-01" },
    joinScriptPresent: false,
    keyFiles: [],
    tailscaleIps: ["100.64.0.7"],
    wingetAvailable: true,
    systemPolicies: {},
    daemonEnv: {},
    prefs: null,
    ...over,
  };
}
