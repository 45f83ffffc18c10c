/**
 * What the Windows programs the steps start would print, shared by both back ends of the simulated
 * host (the TypeScript model prints them; the pwsh back end's stand-ins for tailscale.exe, msiexec
 * and winget should print the same), so one set of FAILURE_RULES classifies both alike.
 *
 * The `tailscale up` texts are the CLI's own words (tailscale/tailscale, cmd/tailscale/cli/up.go,
 * cliconndiag.go, client/local/local.go, ipn/ipnserver/server.go) as reported from Windows hosts:
 * the CLI prints the error on stderr and exits 1 (cmd/tailscale/tailscale.go).
 */
import type { JoinBehaviour } from "../scenarios";

/** tailscaled's process id in every text that names it (any fixed number will do). */
export const TAILSCALED_PID = 4172;
/** The interactive user who holds the daemon in the "in-use" case. */
export const OTHER_SESSION_USER = "alice";
/** tailscaled's process id as the other user's session sees it. */
export const OTHER_SESSION_PID = 6388;

export interface UpContext {
  computerName: string;
  /** The key the CLI read from its file; Tailscale's control server may echo it back. */
  authKey: string;
  /** The script's per-attempt timeout; `--timeout` in the arguments normally equals it. */
  timeoutSeconds: number;
}

/** One run of `tailscale up`: it either exits, or hangs until the caller stops it. */
export type UpRun =
  | { finished: true; exitCode: number; output: string; seconds: number }
  | { finished: false };

/**
 * `tailscale up` over SSH, per scenario behaviour. `seconds` is how long the real CLI takes to get
 * there (the model reports it in each Attempt; nothing sleeps that long).
 */
export function tailscaleUpRun(behaviour: JoinBehaviour, context: UpContext): UpRun {
  switch (behaviour) {
    case "joined":
      // With an auth key the CLI prints no login URL, hence no "Success." either.
      return { finished: true, exitCode: 0, output: "", seconds: 4 };
    case "daemon-unreachable":
      // tailscale/tailscale#14077: the CLI's LocalAPI call over the named pipe never answers from
      // the SSH session; cliconndiag finds tailscaled.exe running and wraps the error.
      return {
        finished: true,
        exitCode: 1,
        output:
          `failed to connect to local tailscaled (which appears to be running as tailscaled.exe, pid ${TAILSCALED_PID}). ` +
          `Got error: Get "http://local-tailscaled.sock/localapi/v0/status": context deadline exceeded`,
        seconds: 10,
      };
    case "in-use":
      // ipnserver answers 401 with inUseOtherUserError; runUp passes the Status error through cliconndiag.
      return {
        finished: true,
        exitCode: 1,
        output:
          `failed to connect to local tailscaled (which appears to be running as tailscaled.exe, pid ${TAILSCALED_PID}). ` +
          `Got error: 401 Unauthorized: Tailscale already in use by ${context.computerName}\\${OTHER_SESSION_USER}, pid ${OTHER_SESSION_PID}`,
        seconds: 1,
      };
    case "auth-rejected":
      // The control server's refusal arrives on the IPN bus; up.go prints it with fatalf. The
      // coordination server echoes the key (tailscale/tailscale#9715), so the text carries a secret.
      return {
        finished: true,
        exitCode: 1,
        output: `backend error: invalid key: API key ${context.authKey} not valid`,
        seconds: 2,
      };
    case "timeout":
      return {
        finished: true,
        exitCode: 1,
        output: `timeout waiting for Tailscale service to enter a Running state; check health with "tailscale status"`,
        seconds: context.timeoutSeconds,
      };
    case "hang":
      return { finished: false };
  }
}

/** The line common.ps1's Invoke-MeshNative adds when it stops a program at its deadline. */
export function stoppedProgramText(filePath: string, seconds: number): string {
  return `stopped: ${filePath} timed out after ${seconds} s`;
}

/**
 * The node's name on the tailnet for a requested host name: the first label of its DNS name, which
 * Tailscale derives by lower-casing and turning anything outside [a-z0-9-] into "-" (at most 63).
 */
export function tailnetNodeName(hostname: string): string {
  const label = hostname.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63);
  return label || "node";
}

/** What Restart-Service throws when the service does not start. */
export const SERVICE_START_FAILED_TEXT = "Failed to start service 'Tailscale (Tailscale)'.";
/** What Set-Service throws when there is no such service. */
export const SERVICE_MISSING_TEXT = "Service Tailscale was not found on computer '.'.";

/** `tailscale logout` when the daemon is reachable: silent success. Unreachable: the up text. */
export function tailscaleLogoutRun(behaviour: JoinBehaviour, context: UpContext): UpRun {
  if (behaviour === "daemon-unreachable" || behaviour === "in-use" || behaviour === "hang") {
    return tailscaleUpRun(behaviour, context);
  }
  return { finished: true, exitCode: 0, output: "", seconds: 1 };
}

// ---------------------------------------------------------------- addresses

/**
 * The tailnet addresses a host gets when it joins: deterministic per computer name, so both back
 * ends (and any simulated control server) agree. n = FNV-1a 32-bit of the UTF-8 bytes of the
 * upper-cased computer name, modulo 254, plus 1; the addresses are 100.64.0.n and fd7a:115c:a1e0::n
 * (n in hex), the shapes Headscale hands out.
 *
 * PowerShell (every operand [uint64], so no step turns into a Double):
 *   $h = [uint64]2166136261
 *   foreach ($b in [Text.Encoding]::UTF8.GetBytes($name.ToUpperInvariant())) {
 *     $h = (([uint64]($h -bxor [uint64]$b)) * [uint64]16777619) % [uint64]4294967296 }
 *   $n = ($h % [uint64]254) + 1
 */
export function tailnetAddressesFor(computerName: string): string[] {
  const n = tailnetHostNumber(computerName);
  return [`100.64.0.${n}`, `fd7a:115c:a1e0::${n.toString(16)}`];
}

export function tailnetHostNumber(computerName: string): number {
  let hash = 2166136261;
  for (const byte of Buffer.from(computerName.toUpperCase(), "utf8")) {
    hash = Math.imul(hash ^ byte, 16777619) >>> 0;
  }
  return (hash % 254) + 1;
}

// ---------------------------------------------------------------- installers

/** Where Windows Installer registers products; cleanup finds Tailscale's product code here. */
export const UNINSTALL_KEY_ROOT = "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
/** The simulated MSI's product code (real ones change with every version; one will do here). */
export const SIMULATED_PRODUCT_CODE = "{5A4E1E38-1C1D-4E22-9C2A-0B1F6C3D7E90}";

/** The Uninstall entry an install of Tailscale leaves (registry key and values). */
export function tailscaleUninstallEntry(version: string): { key: string; values: Record<string, string> } {
  return {
    key: `${UNINSTALL_KEY_ROOT}\\${SIMULATED_PRODUCT_CODE}`,
    values: { DisplayName: "Tailscale", DisplayVersion: version, Publisher: "Tailscale Inc." },
  };
}

/** winget's exit code when the installer it ran failed (winget-cli returnCodes.md). */
export const WINGET_INSTALL_FAILED = -1978335226; // 0x8A150006 APPINSTALLER_CLI_ERROR_SHELLEXEC_INSTALL_FAILED

/** Lines of install.log the install step returns when msiexec fails (install.ps1: Get-Content -Tail 40). */
export const LOG_TAIL_LINES = 40;

/** winget's words when the installer it ran fails. */
export function wingetInstallerFailedText(installerExitCode: number): string {
  return `Found Tailscale [Tailscale.Tailscale]\nStarting package install...\nInstaller failed with exit code: ${installerExitCode}`;
}

const MSI_ERROR_TEXT: Record<number, string> = {
  1602: "User cancelled installation.",
  1603: "Fatal error during installation.",
  1618: "Another installation is already in progress.",
  1625: "This installation is forbidden by system policy.",
};

export function msiErrorText(exitCode: number): string {
  return MSI_ERROR_TEXT[exitCode] ?? `Installation failed with error code ${exitCode}.`;
}

/**
 * The end of the verbose log msiexec leaves at `/L*v <log>` (fixed timestamps: both back ends write
 * the same bytes). The log is kept only when the install fails.
 */
export function msiexecLogText(exitCode: number, version: string): string {
  const succeeded = exitCode === 0 || exitCode === 3010;
  const lines = [
    "=== Verbose logging started: 1/1/2025  12:00:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===",
    "MSI (c) (2C:30) [12:00:00:101]: Resetting cached policy values",
    "MSI (c) (2C:30) [12:00:00:102]: Machine policy value 'Debug' is 0",
    "MSI (s) (A4:E0) [12:00:01:250]: Doing action: InstallInitialize",
    "Action start 12:00:01: InstallInitialize.",
    succeeded
      ? "MSI (s) (A4:E0) [12:00:09:870]: Product: Tailscale -- Installation completed successfully."
      : "MSI (s) (A4:E0) [12:00:09:870]: Product: Tailscale -- Installation operation failed.",
    `MSI (s) (A4:E0) [12:00:09:871]: Windows Installer installed the product. Product Name: Tailscale. Product Version: ${version}. Product Language: 1033. Manufacturer: Tailscale Inc.. Installation success or error status: ${exitCode}.`,
    succeeded ? "Action ended 12:00:09: INSTALL. Return value 1." : "Action ended 12:00:09: INSTALL. Return value 3.",
    `MSI (c) (2C:30) [12:00:09:900]: MainEngineThread is returning ${exitCode}`,
    "=== Verbose logging stopped: 1/1/2025  12:00:09 ===",
  ];
  return lines.join("\r\n") + "\r\n";
}

// ---------------------------------------------------------------- the interactive join

/** powershell.exe's exit code when its console window is closed (STATUS_CONTROL_C_EXIT). */
export const WINDOW_CLOSED_EXIT_CODE = -1073741510;

/** Windows PowerShell 5.1's answer to `-File <missing path>`, and its exit code. */
export function missingScriptFileText(path: string): string {
  return `The argument '${path}' to the -File parameter does not exist. Provide the path to an existing '.ps1' file as an argument to the -File parameter.`;
}

export const MISSING_SCRIPT_FILE_EXIT_CODE = -196608;
