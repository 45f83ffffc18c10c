/**
 * powershell.exe as a person starts it to run the join script (`-File <path>`), where it differs
 * from running the script: a path that is not there, and a console window closed before the script
 * ends. Both back ends answer a person's run with these.
 */

/** powershell.exe's exit code when its console window is closed (STATUS_CONTROL_C_EXIT). */
export const WINDOW_CLOSED_EXIT_CODE = -1073741510;

/** Windows PowerShell 5.1's answer to `-File <missing path>`, and its exit code. */
export function missingScriptFileText(path: string): string {
  return `The argument '${path}' to the -File parameter does not exist. Provide the path to an existing '.ps1' file as an argument to the -File parameter.`;
}

export const MISSING_SCRIPT_FILE_EXIT_CODE = -196608;
