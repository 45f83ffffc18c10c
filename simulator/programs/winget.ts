/**
 * winget on the simulated host, for `winget install --id Tailscale.Tailscale`: it runs Tailscale's
 * MSI (at `--version`, or the one the scenario's installer leaves, else the latest) and reports the
 * installer's failure with winget's own exit code.
 */
import { LATEST_TAILSCALE } from "../scenarios";
import { INSTALL_SECONDS, installTailscale } from "./msiexec";
import { exit, type ProgramAnswer, type ProgramRun } from "./program";

/** winget's exit code when the installer it ran failed (winget-cli returnCodes.md). */
export const WINGET_INSTALL_FAILED = -1978335226; // 0x8A150006 APPINSTALLER_CLI_ERROR_SHELLEXEC_INSTALL_FAILED

export function winget(argv: string[], run: ProgramRun): ProgramAnswer {
  const { state, scenario } = run;
  const id = argv[argv.indexOf("--id") + 1];
  if (argv[0] !== "install" || id !== "Tailscale.Tailscale") {
    return exit(WINGET_INSTALL_FAILED, "", "simulator: only `winget install --id Tailscale.Tailscale` is simulated");
  }
  const versionIndex = argv.indexOf("--version");
  const version = scenario.installer?.installsVersion ?? (versionIndex >= 0 ? argv[versionIndex + 1] : LATEST_TAILSCALE);
  const installerExitCode = scenario.installer?.msiExitCode ?? 0;
  if (installerExitCode !== 0 && installerExitCode !== 3010) {
    return exit(WINGET_INSTALL_FAILED, wingetInstallerFailedText(installerExitCode), "", INSTALL_SECONDS);
  }
  const answer = exit(0, `Found Tailscale [Tailscale.Tailscale] Version ${version}\nStarting package install...\nSuccessfully installed`, "", INSTALL_SECONDS);
  answer.finish = () => installTailscale(state, version);
  return answer;
}

/** winget's words when the installer it ran fails. */
function wingetInstallerFailedText(installerExitCode: number): string {
  return `Found Tailscale [Tailscale.Tailscale]\nStarting package install...\nInstaller failed with exit code: ${installerExitCode}`;
}
