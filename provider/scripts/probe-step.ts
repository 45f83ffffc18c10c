/**
 * The probe step's contract (part of the step catalogue, catalogue.ts, which re-exports it): what
 * one read-only look at the host asks and returns. It changes nothing on the host; with `checks`,
 * it also runs the doctor's checks (create, update and `doctor`; a refresh stays passive).
 */
import type { MsiArch } from "../install-media";
import type { InstallProxyInput } from "../node/types";
import type { TailscalePrefs } from "./tailscale-prefs";

export interface ProbeParams {
  joinScriptPath: string;
  stateDir: string;
  /** System policies to read (Policies key first, then "Tailscale IPN"): those that concern the inputs. */
  policyNames: string[];
  /** The daemon's environment file (DAEMON_ENV_FILE). */
  daemonEnvPath: string;
  /** The daemon's state file (TAILSCALE_STATE_FILE), of which only the preferences are read. */
  tailscaleStatePath: string;
  /** Run the doctor's checks too (checks.ps1); absent or null: the passive probe of a refresh. */
  checks?: CheckSettings | null;
}

/**
 * What the checks need: the addresses the host must reach (bounded HEAD requests, through `proxy`
 * when one is given: install.proxy for the packages) and their time limit.
 */
export interface CheckSettings {
  urls: { id: "reach-packages" | "reach-control-server"; url: string; proxy?: InstallProxyInput | null }[];
  timeoutSeconds: number;
}

/** One check of the doctor: what was seen, and what to do when it is not a pass. */
export interface HostCheck {
  id: string;
  status: "pass" | "warn" | "fail";
  seen: string;
  /** Empty for a pass. */
  fix: string;
}

export interface ProbeResult {
  /** The doctor's checks, when the probe was asked for them (else null). */
  checks?: HostCheck[] | null;
  computerName: string;
  os: { caption: string; version: string };
  powershellVersion: string;
  isAdmin: boolean;
  /** The MSI for this host (PROCESSOR_ARCHITEW6432, else PROCESSOR_ARCHITECTURE: ARM64, x86, else amd64). */
  arch: MsiArch;
  tailscale: { installed: boolean; version: string | null };
  service: { status: string; startType: string } | null;
  /** Effective policy values (Policies key first, then "Tailscale IPN"). */
  policy: { loginUrl: string | null; unattendedMode: string | null; hostname: string | null };
  /** Each of ProbeParams.policyNames that is set, with its value as text. */
  systemPolicies: Record<string, string>;
  /**
   * The daemon's environment file: each KEY of its KEY=VALUE lines -> the SHA-256 (lowercase hex) of
   * the UTF-8 VALUE, so that a proxy password never leaves the host; empty when there is no file.
   */
  daemonEnv: Record<string, string>;
  /** The node's preferences from the daemon's state file; null without one, or without a current profile. */
  prefs: TailscalePrefs | null;
  joinScriptPresent: boolean;
  /** Key files left in the state directory (should always be empty). */
  keyFiles: string[];
  /** The Tailscale adapter's addresses in 100.64.0.0/10 (and fd7a:115c:a1e0::/48). */
  tailscaleIps: string[];
  wingetAvailable: boolean;
}
