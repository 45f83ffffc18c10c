/**
 * msiexec.exe on the simulated host, for Tailscale's MSI: `/i <package>` installs the version the
 * package holds (or the one the scenario's installer says it leaves) and exits with the scenario's
 * exit code, writing its verbose log at `/L*v <log>`; `/x <product code>` uninstalls. What a
 * completed install leaves (installTailscale) is shared with winget, which runs the same MSI.
 */
import type { HostState } from "../host-state";
import { LATEST_TAILSCALE } from "../scenarios";
import { fileSha256, fileSize } from "../blobs";
import { WindowsRegistry, findName, normalizePath } from "../windows-model";
import { packageVersion } from "./pkgs";
import { exit, readFile, writeFile, type ProgramAnswer, type ProgramRun } from "./program";
import { forgetLogin } from "./tailscale";

/** Where Windows Installer registers products; cleanup finds Tailscale's product code here. */
export const UNINSTALL_KEY_ROOT = "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
/** The simulated MSI's product code (real ones change with every version; one will do here). */
export const SIMULATED_PRODUCT_CODE = "{5A4E1E38-1C1D-4E22-9C2A-0B1F6C3D7E90}";
/** How long a real install takes (modelled time). */
export const INSTALL_SECONDS = 25;

export function msiexec(argv: string[], run: ProgramRun): ProgramAnswer {
  const option = (name: string) => {
    const index = argv.findIndex((arg) => arg.toLowerCase() === name);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const install = option("/i");
  const remove = option("/x");
  if (install !== undefined) return installPackage(install, option("/l*v"), run);
  if (remove !== undefined) return uninstallProduct(remove, run.state);
  // 1639: invalid command line argument.
  return exit(1639);
}

function installPackage(path: string, log: string | undefined, run: ProgramRun): ProgramAnswer {
  const { state, scenario } = run;
  const content = readFile(state, path);
  // 1619: the package could not be opened.
  if (content === undefined) return exit(1619);
  const file = state.files[findName(state.files, normalizePath(path))!];
  (run.record.msiRuns ??= []).push({ path, sha256: fileSha256(file), bytes: fileSize(file) });
  const exitCode = scenario.installer?.msiExitCode ?? 0;
  const version = scenario.installer?.installsVersion ?? packageVersion(content) ?? LATEST_TAILSCALE;
  if (log !== undefined) writeFile(state, log, msiexecLogText(exitCode, version));
  const answer = exit(exitCode, "", "", INSTALL_SECONDS);
  if (exitCode === 0 || exitCode === 3010) answer.finish = () => installTailscale(state, version);
  return answer;
}

function uninstallProduct(productCode: string, state: HostState): ProgramAnswer {
  const key = findName(state.registry, `${UNINSTALL_KEY_ROOT}\\${productCode}`);
  // 1605: this action is only valid for products that are currently installed.
  if (key === undefined || new WindowsRegistry(state).getValue(key, "DisplayName") !== "Tailscale") return exit(1605);
  delete state.registry[key];
  forgetLogin(state);
  Object.assign(state.tailscale, { installed: false, version: null, service: null, backendState: "NoState" });
  return exit(0);
}

/** What a completed install leaves: the program, its Uninstall entry, the service running and automatic. */
export function installTailscale(state: HostState, version: string): void {
  Object.assign(state.tailscale, { installed: true, version, service: { status: "Running", startType: "Automatic" } });
  const entry = tailscaleUninstallEntry(version);
  const registry = new WindowsRegistry(state);
  for (const [name, value] of Object.entries(entry.values)) registry.setValue(entry.key, name, value);
}

/** The Uninstall entry an install of Tailscale leaves (registry key and values). */
export function tailscaleUninstallEntry(version: string): { key: string; values: Record<string, string> } {
  return {
    key: `${UNINSTALL_KEY_ROOT}\\${SIMULATED_PRODUCT_CODE}`,
    values: { DisplayName: "Tailscale", DisplayVersion: version, Publisher: "Tailscale Inc." },
  };
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
