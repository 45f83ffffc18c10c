/**
 * The remote steps: their names, parameters and results. This is the contract shared by the
 * lifecycle (which sends steps), the PowerShell scripts (which run them on Windows) and both
 * back ends of the simulated Windows host (which must answer exactly as Windows would).
 *
 * Every parameter is data. Scripts read it from their single argument; nothing here is ever
 * turned into code text.
 */

import type { InstallInput } from "../node/types";

export type StepName = "probe" | "install" | "join" | "cleanup";

/** Where the provider keeps files on the host. Created with an ACL for Administrators and SYSTEM only. */
export const DEFAULT_STATE_DIR = "C:\\ProgramData\\MeshWindowsNode";
export const DEFAULT_JOIN_SCRIPT_PATH = "C:\\temp\\join-mesh.ps1";
export const TAILSCALE_EXE = "C:\\Program Files\\Tailscale\\tailscale.exe";
export const TAILSCALE_SERVICE = "Tailscale";
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

// ---------------------------------------------------------------- failure classes

export type AttemptClass =
  | "joined"
  | "daemon-unreachable"
  | "in-use"
  | "auth-rejected"
  | "timeout"
  | "service-not-running"
  | "other";

/**
 * How a `tailscale up` failure is classified. Sent to the host as data, so the retry decision is
 * made there (one round trip for all attempts) with the same table the Node side documents.
 * `retry`: another attempt may help. `manual`: a person running the join script interactively can fix it.
 */
export interface FailureRule {
  class: Exclude<AttemptClass, "joined" | "other">;
  /** A .NET/JavaScript-compatible regular expression, matched case-insensitively. */
  pattern: string;
  retry: boolean;
  manual: boolean;
}

export const FAILURE_RULES: readonly FailureRule[] = [
  // The first matching rule wins, so the specific texts come first: "timeout waiting for Tailscale
  // service ..." also contains "waiting for Tailscale", and the CLI wraps "already in use by" in
  // "failed to connect to local tailscaled".
  {
    class: "timeout",
    pattern: "timeout waiting for|timed out",
    retry: true,
    manual: true,
  },
  {
    class: "in-use",
    pattern: "already in use by|running in server mode|connection from .+ not allowed",
    retry: true,
    manual: true,
  },
  {
    class: "daemon-unreachable",
    pattern: "failed to connect to local Tailscale daemon|failed to connect to local tailscaled|doesn't appear to be running|context deadline exceeded|waiting for Tailscale",
    retry: true,
    manual: true,
  },
  {
    class: "auth-rejected",
    pattern: "invalid key|key expired|not valid|unable to validate|auth ?key .*(rejected|invalid|expired)|authkey expired|404 Not Found",
    retry: false,
    manual: false,
  },
];

export interface Attempt {
  number: number;
  class: AttemptClass;
  /** The CLI's output, trimmed and with every secret redacted. */
  message: string;
  seconds: number;
}

/*
 * Effects on the host, the specification both simulator back ends follow (paths under the step's
 * `stateDir`, shown here with the default C:\ProgramData\MeshWindowsNode):
 *
 * probe    changes nothing.
 * install  msi: downloads to <stateDir>\tailscale-setup.msi; refuses it (failed, the MSI deleted) when
 *          install.sha256 is given and differs, or when its Authenticode signature is not Valid by
 *          TAILSCALE_SIGNER; then runs
 *          `msiexec.exe /i <msi> /quiet /norestart /qn /L*v <stateDir>\install.log TS_UNATTENDEDMODE=always
 *          TS_NOLAUNCH=1 [TS_LOGINURL=<url>]`; exit 0 or 3010 = installed (service Running, Automatic),
 *          then the MSI and the log are deleted; any other exit code = failed, the MSI is deleted and the
 *          log kept (its tail is returned). winget: `winget install --id Tailscale.Tailscale --source winget
 *          --silent --accept-package-agreements --accept-source-agreements [--version <v>]`; no winget = failed.
 * join     1. creates <stateDir> (ACL: Administrators and SYSTEM only, not inherited) and removes every
 *             <stateDir>\authkey-*.txt (left by an attempt whose process was killed mid-join);
 *          2. writes the policy values under HKLM:\SOFTWARE\Policies\Tailscale (LoginURL, Hostname when
 *             set, UnattendedMode=always; a null value is removed);
 *          3. sets the Tailscale service to Automatic and restarts it; if it does not reach Running,
 *             returns failed/service-not-running (nothing else written); then waits (at most
 *             daemonWaitSeconds, one look a second, a progress line) until the service is Running and
 *             TAILSCALE_PIPE exists, else failed/service-not-running: attempts count from then;
 *          4. per attempt: writes the key to <stateDir>\authkey-<random>.txt, runs
 *             `tailscale.exe up <upArgs> --auth-key=file:<that path>` (killed after timeoutSeconds +
 *             upKillMarginSeconds),
 *             deletes the key file whatever happens, classifies the output with `rules`;
 *          5. joined: removes the join script at joinScriptPath if present, returns the adapter's
 *             addresses and the Windows account the join ran as (the node's owner); with verifyRestart,
 *             first restarts the service once, waits for it and its pipe, and compares the adapter's
 *             addresses with those before (restart.verified); a class with retry=false: failed (no script written); attempts exhausted on a
 *             class with manual=true: writes joinScriptText to joinScriptPath (creating its folder when
 *             missing) with an explicit ACL for Administrators and SYSTEM only, returns pending-manual;
 *             when that write or move fails (disk full, folder not writable), removes the staged copy
 *             and returns failed/join-script-unwritable with Windows' message (no file with the key left).
 * cleanup  removes the join script and every <stateDir>\authkey-*.txt; logout/uninstall when asked;
 *          removes <stateDir> when it is empty.
 */

// ---------------------------------------------------------------- probe (read-only)

export interface ProbeParams {
  joinScriptPath: string;
  stateDir: string;
  /** Run the doctor's checks too (checks.ps1); absent or null: the passive probe of a refresh. */
  checks?: CheckSettings | null;
}

/** What the checks need: the addresses the host must reach (bounded HEAD requests) and their time limit. */
export interface CheckSettings {
  urls: { id: "reach-packages" | "reach-control-server"; url: string }[];
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
  tailscale: { installed: boolean; version: string | null };
  service: { status: string; startType: string } | null;
  /** Effective policy values (Policies key first, then "Tailscale IPN"). */
  policy: { loginUrl: string | null; unattendedMode: string | null; hostname: string | null };
  joinScriptPresent: boolean;
  /** Key files left in the state directory (should always be empty). */
  keyFiles: string[];
  /** The Tailscale adapter's addresses in 100.64.0.0/10 (and fd7a:115c:a1e0::/48). */
  tailscaleIps: string[];
  wingetAvailable: boolean;
}

// ---------------------------------------------------------------- install

/**
 * Every field of the node's `install` input but the method, as declared (provider/node/spec), null
 * when unset: version (null = latest stable), msiUrl (null = pkgs.tailscale.com for the version and
 * the host's architecture), and whatever install option is declared next. Optional here so that a
 * script reading a newer field tolerates an older sender; the provider always sends them all.
 */
export type InstallFields = { [K in Exclude<keyof InstallInput, "method">]?: InstallInput[K] | null };

export type InstallParams = InstallFields & {
  method: "msi" | "winget";
  loginServer: string | null;
  stateDir: string;
};

export type InstallResult =
  | { outcome: "installed"; version: string; exitCode: number; rebootRequired: boolean }
  | { outcome: "failed"; exitCode: number | null; message: string; logTail: string };

// ---------------------------------------------------------------- join (configure + retries + script)

export interface JoinParams {
  /** Policy values written before the service restart. null = leave unset. */
  policy: { loginUrl: string | null; hostname: string | null; unattendedMode: "always" };
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
}

export interface CleanupResult {
  removed: string[];
  loggedOut: boolean;
  uninstalled: boolean;
  messages: string[];
}

export interface StepTypes {
  probe: { params: ProbeParams; result: ProbeResult };
  install: { params: InstallParams; result: InstallResult };
  join: { params: JoinParams; result: JoinResult };
  cleanup: { params: CleanupParams; result: CleanupResult };
}
