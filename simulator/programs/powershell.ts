/**
 * powershell.exe as a person starts it to run the join script (`-File <path>`, or the manual
 * command), where it differs from running the script: a path that is not there, a file that is not
 * the one the provider wrote, and a console window closed before the script ends. Both back ends
 * answer a person's run with these.
 */

/** powershell.exe's exit code when its console window is closed (STATUS_CONTROL_C_EXIT). */
export const WINDOW_CLOSED_EXIT_CODE = -1073741510;

/** Windows PowerShell 5.1's answer to `-File <missing path>`, and its exit code. */
export function missingScriptFileText(path: string): string {
  return `The argument '${path}' to the -File parameter does not exist. Provide the path to an existing '.ps1' file as an argument to the -File parameter.`;
}

export const MISSING_SCRIPT_FILE_EXIT_CODE = -196608;

/** The manual command's parts (provider/scripts/index.ts manualCommand), or undefined for another line. */
export interface ManualCommand {
  /** What powershell.exe runs: the -Command text. */
  body: string;
  path: string;
  sha256: string;
}

export function parseManualCommand(command: string): ManualCommand | undefined {
  const match = /^powershell\.exe -NoProfile -Command "(Set-Variable j \(Get-Content -LiteralPath '([^']+)' -Encoding Byte -Raw\); .*-ne '([0-9A-F]{64})'.*)"$/.exec(command);
  return match === null ? undefined : { body: match[1], path: match[2], sha256: match[3] };
}

/** What the manual command prints when the file is not the script the provider wrote (and runs nothing). */
export const MANUAL_COMMAND_REFUSAL = "Not run: not the join script the deployment wrote.";
