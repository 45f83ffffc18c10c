/**
 * The remote steps: their names, parameters and results. This is the contract shared by the
 * lifecycle (which sends steps), the PowerShell scripts (which run them on Windows) and both
 * back ends of the simulated Windows host (which must answer exactly as Windows would).
 *
 * Every parameter is data. Scripts read it from their single argument; nothing here is ever
 * turned into code text.
 */

import type { Attempt, AttemptClass, FailureRule } from "./failure-rules";
import type { ConfigureParams, ConfigureResult } from "./configure-step";
import type { AppendParams, AppendResult, InstallParams, InstallResult, StageParams, StageResult } from "./install-steps";
import type { ProbeParams, ProbeResult } from "./probe-step";

export type StepName = "probe" | "stage" | "append" | "install" | "join" | "configure" | "cleanup";

/** Where the provider keeps files on the host. Created with an ACL for Administrators and SYSTEM only. */
export const DEFAULT_STATE_DIR = "C:\\ProgramData\\MeshWindowsNode";
/** In the state directory, which the product owns: nobody but Administrators can replace the script there. */
export const DEFAULT_JOIN_SCRIPT_PATH = "C:\\ProgramData\\MeshWindowsNode\\join-mesh.ps1";
export const TAILSCALE_EXE = "C:\\Program Files\\Tailscale\\tailscale.exe";
export const TAILSCALE_SERVICE = "Tailscale";
/** The daemon's environment: KEY=VALUE lines tailscaled reads at service start (envknob.ApplyDiskConfig). */
export const DAEMON_ENV_FILE = "C:\\ProgramData\\Tailscale\\tailscaled-env.txt";
/** Policy keys, in the order Tailscale reads them. */
export const POLICY_KEYS = ["HKLM:\\SOFTWARE\\Policies\\Tailscale", "HKLM:\\SOFTWARE\\Tailscale IPN"] as const;
/** SIDs, not names: account names are localized on non-English Windows. */
export const SID_ADMINISTRATORS = "S-1-5-32-544";
export const SID_SYSTEM = "S-1-5-18";
export const SID_USERS = "S-1-5-32-545";
/**
 * How long the join step lets `tailscale up` outlive its own --timeout before it kills the CLI. The
 * join step receives it as data (JoinParams.upKillMarginSeconds); the input check counts it in the
 * join step's time budget, and the simulator's person waits as long at the join script.
 */
export const UP_KILL_MARGIN_SECONDS = 15;
/**
 * The daemon's named pipe, which the CLI dials (paths.DefaultTailscaledSocket in tailscale/tailscale).
 * It exists only once tailscaled listens: a `tailscale up` started before that spends its 20 s pipe
 * dial and fails with "context deadline exceeded" (tailscale#14077, #16086), an attempt wasted.
 */
export const TAILSCALE_PIPE = "\\\\.\\pipe\\ProtectedPrefix\\Administrators\\Tailscale\\tailscaled";
/**
 * The subject Tailscale's code-signing certificate begins with (the signer of its MSIs, as
 * Get-AuthenticodeSignature reports it: "CN=Tailscale Inc., O=Tailscale Inc., L=Toronto, S=Ontario,
 * C=CA, ..."). install.ps1 runs an MSI only when its signature is Valid and by this signer.
 */
export const TAILSCALE_SIGNER = "CN=Tailscale Inc., O=Tailscale Inc.,";
/** How long the join step waits for the service to run and its pipe to exist before the first attempt. */
export const DAEMON_WAIT_SECONDS = 30;

export * from "./failure-rules";
export type * from "./configure-step";
export type * from "./install-steps";
export type * from "./probe-step";
export * from "./tailscale-prefs";

/*
 * Effects on the host, the specification both simulator back ends follow (paths under the step's
 * `stateDir`, shown here with the default C:\ProgramData\MeshWindowsNode):
 *
 * probe    changes nothing (probe-step.ts).
 * stage, append, install: install-steps.ts.
 * join     1. takes <stateDir> over (folders.ps1): created when missing; owner Administrators and a
 *             protected DACL of exactly Administrators and SYSTEM, set with Set-Acl and read back; an
 *             item inside that another account owns or may change fails the step, naming it; then
 *             removes every <stateDir>\authkey-*.txt (left by an attempt whose process was killed mid-join);
 *          2. writes the policy values under HKLM:\SOFTWARE\Policies\Tailscale (LoginURL, Hostname when
 *             set, UnattendedMode=always, then each of policyValues; a null value is removed);
 *          2b. applies daemonEnv to the daemon's environment file (see DaemonEnvChange);
 *          3. sets the Tailscale service to Automatic and restarts it; if it does not reach Running,
 *             returns failed/service-not-running (nothing else written); then waits (at most
 *             daemonWaitSeconds, one look a second, a progress line) until the service is Running and
 *             TAILSCALE_PIPE exists, else failed/service-not-running: attempts count from then;
 *          4. per attempt: checks <stateDir>'s owner and DACL again (else the step fails, nothing
 *             written), writes the key to <stateDir>\authkey-<random>.txt, runs
 *             `tailscale.exe up <upArgs> --auth-key=file:<that path>` (killed after timeoutSeconds +
 *             upKillMarginSeconds),
 *             deletes the key file whatever happens, classifies the output with `rules`;
 *          5. joined: removes the join script at joinScriptPath if present; with verifyRestart,
 *             restarts the service once, waits for it and its pipe, and compares the adapter's
 *             addresses with those before (restart.verified); applies the route guard
 *             (JoinParams.acceptRoutes); returns the adapter's addresses and the Windows account the
 *             join ran as (the node's owner); a class with retry=false: failed (no script written);
 *             attempts exhausted on a class with manual=true: checks the script's folder (the state
 *             directory; a missing folder is created and taken over; an existing one another account
 *             owns or may change is refused), writes joinScriptText to joinScriptPath with an explicit
 *             ACL for Administrators and SYSTEM only, returns pending-manual; when the folder is refused
 *             or the write or move fails (disk full, folder not writable), removes the staged copy and
 *             returns failed/join-script-unwritable with the reason (no file with the key left).
 * configure (a joined node's own policies and daemon environment, no `tailscale up`): configure-step.ts.
 * cleanup  removes the join script and every <stateDir>\authkey-*.txt; removes each of writtenPolicies
 *          that is set under HKLM:\SOFTWARE\Policies\Tailscale; when the environment file holds a key of
 *          daemonEnv.remove, takes <stateDir> over and applies daemonEnv as the join does (2b); then
 *          logout/uninstall when asked; restarts the service (so tailscaled reads its environment again)
 *          when the file changed and Tailscale is still installed; removes <stateDir> when it is empty.
 */

// ---------------------------------------------------------------- join (configure + retries + script)

/** A policy the node's inputs own (InstallUpdates, EnableDNSRegistration): null removes it. */
export interface PolicyValue {
  name: string;
  value: string | null;
}

/**
 * The keys of the daemon's environment file the node owns: each of `set` written (replacing that
 * key's line), each of `remove` taken out; other lines stay. The file is written only when its text
 * changes, staged in stateDir with an ACL for Administrators and SYSTEM only, then moved into place;
 * a file left with no line is removed.
 */
export interface DaemonEnvChange {
  path: string;
  set: { name: string; value: string }[];
  remove: string[];
}

export interface JoinParams {
  /**
   * Policy values written before the service restart. null = leave unset. policyValues: the
   * provider's own further policies; a policy not listed there is left as it is.
   */
  policy: { loginUrl: string | null; hostname: string | null; unattendedMode: "always"; policyValues: PolicyValue[] };
  /**
   * The node accepts the tailnet's subnet routes: `up` joins with them off, then the step turns them
   * on (`tailscale set --accept-routes`) only when no route the tailnet offers (`status --json`,
   * Peer[].PrimaryRoutes) covers the SSH client's address (SSH_CLIENT / SSH_CONNECTION) or one of the
   * host's own addresses; otherwise they stay off and the result says why.
   */
  acceptRoutes: boolean;
  /** The daemon's environment, written before the service restart; null: the file is not touched. */
  daemonEnv: DaemonEnvChange | null;
  /** `tailscale up` arguments other than the auth key; each one a separate argument. */
  upArgs: string[];
  authKey: string;
  attempts: number;
  retryDelaySeconds: number;
  timeoutSeconds: number;
  /** How long `tailscale up` may outlive its own timeout before the step kills it (UP_KILL_MARGIN_SECONDS). */
  upKillMarginSeconds: number;
  /** How long to wait for the service and its pipe before the first attempt (DAEMON_WAIT_SECONDS). */
  daemonWaitSeconds: number;
  /** After a join, restart the service once and check the node comes back with the same addresses. */
  verifyRestart: boolean;
  rules: readonly FailureRule[];
  stateDir: string;
  joinScriptPath: string;
  /** The complete join script, written (Administrators/SYSTEM only) when the join ends pending-manual. */
  joinScriptText: string;
}

/** What the route guard decided after the join (JoinParams.acceptRoutes); reason: why they stay off. */
export interface RouteAcceptance {
  accepted: boolean;
  reason: string | null;
}

export type JoinResult =
  | {
      outcome: "joined";
      tailscaleIps: string[];
      nodeName: string | null;
      /**
       * The Windows account the join ran as (DOMAIN\\user): the daemon's profile belongs to it, and
       * another account connecting later switches the daemon away from it (tailscale#12989).
       */
      owner: string;
      /** The restart check (verifyRestart); null when not asked. tailscaleIps are those after it. */
      restart: { verified: boolean; seen: string } | null;
      attempts: Attempt[];
      routes: RouteAcceptance | null;
    }
  | { outcome: "pending-manual"; reason: AttemptClass; attempts: Attempt[] }
  | { outcome: "failed"; reason: JoinFailureReason; message: string; attempts: Attempt[] };

/** Why a join failed: the last attempt's class, or the join script could not be written to joinScriptPath. */
export type JoinFailureReason = AttemptClass | "join-script-unwritable";

// ---------------------------------------------------------------- join script (for a person to run)

/**
 * The data embedded in the join script, as base64 of UTF-8 JSON on the line
 * `$MeshJoinData = '<base64>'` of provider/scripts/join-mesh.ps1 (base64 cannot close the quotes).
 */
export interface JoinScriptData {
  policy: JoinParams["policy"];
  upArgs: string[];
  authKey: string;
  timeoutSeconds: number;
  stateDir: string;
  joinScriptPath: string;
  rules: readonly FailureRule[];
}

// ---------------------------------------------------------------- cleanup

export interface CleanupParams {
  joinScriptPath: string;
  stateDir: string;
  /** Run `tailscale logout` (best effort: it may fail over SSH for the same reason `up` does). */
  logout: boolean;
  uninstall: boolean;
  /** Delete only: the node's keys of the daemon's environment file, to take out (nothing set); absent or null: untouched. */
  daemonEnv?: DaemonEnvChange | null;
  /** Delete only: the provider's own policies the node wrote (InstallUpdates, EnableDNSRegistration), each removed; others stay. */
  writtenPolicies?: string[];
}

export interface CleanupResult {
  removed: string[];
  loggedOut: boolean;
  uninstalled: boolean;
  messages: string[];
}

export interface StepTypes {
  probe: { params: ProbeParams; result: ProbeResult };
  stage: { params: StageParams; result: StageResult };
  append: { params: AppendParams; result: AppendResult };
  install: { params: InstallParams; result: InstallResult };
  join: { params: JoinParams; result: JoinResult };
  configure: { params: ConfigureParams; result: ConfigureResult };
  cleanup: { params: CleanupParams; result: CleanupResult };
}
