/**
 * The TypeScript model of provider/scripts/cleanup.ps1: removes what the provider left on the host;
 * logs out and uninstalls (through the one program model) when asked.
 */
import { TAILSCALE_EXE, type CleanupParams, type CleanupResult } from "../../../provider/scripts/catalogue";
import { findTailscaleProduct } from "../../initial-state";
import type { Script } from "./common";

/** cleanup.ps1 stops `tailscale logout` after this long, msiexec after 900 s. */
const LOGOUT_TIMEOUT_SECONDS = 60;
const UNINSTALL_TIMEOUT_SECONDS = 900;

export async function cleanup(script: Script, params: CleanupParams): Promise<CleanupResult> {
  script.requireAdmin(params.stateDir);
  const { files } = script;
  const removed: string[] = [];
  const messages: string[] = [];
  if (files.deleteFile(params.joinScriptPath) !== undefined) removed.push(params.joinScriptPath);
  for (const keyFile of script.keyFiles(params.stateDir)) {
    files.deleteFile(keyFile);
    removed.push(keyFile);
  }
  const installed = script.state.tailscale.installed;
  let loggedOut = false;
  if (params.logout && installed) {
    // Best effort: over SSH this can fail for the same reason `tailscale up` does.
    const run = await script.native(TAILSCALE_EXE, ["logout"], LOGOUT_TIMEOUT_SECONDS);
    loggedOut = run.exitCode === 0;
    if (!loggedOut) messages.push(`tailscale logout failed: ${run.output}`);
  }
  let uninstalled = false;
  if (params.uninstall && installed) {
    // The MSI's product code changes with every version: find it among the installed products.
    const productKey = findTailscaleProduct(script.state);
    if (productKey === undefined) {
      messages.push("Tailscale is installed but not as an MSI product; uninstall it by hand");
    } else {
      const productCode = productKey.slice(productKey.lastIndexOf("\\") + 1);
      const run = await script.native("msiexec.exe", ["/x", productCode, "/quiet", "/norestart", "/qn"], UNINSTALL_TIMEOUT_SECONDS);
      uninstalled = run.exitCode === 0 || run.exitCode === 3010;
      if (!uninstalled) messages.push(`msiexec /x failed (exit code ${run.exitCode}): ${run.output}`);
    }
  }
  // The state directory goes only when nothing else is in it (a log a person may want stays).
  if (files.dirExists(params.stateDir) && files.isEmptyDir(params.stateDir)) {
    files.removeDir(params.stateDir);
    removed.push(params.stateDir);
  }
  return { removed, loggedOut, uninstalled, messages };
}
