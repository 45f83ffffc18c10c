/**
 * The TypeScript model of provider/scripts/cleanup.ps1: removes what the provider left on the host
 * (and on delete the policies and daemon environment keys the node wrote, restarting the service
 * when the file changed); logs out and uninstalls (through the one program model) when asked.
 */
import { POLICY_KEYS, TAILSCALE_EXE, TAILSCALE_SERVICE, type CleanupParams, type CleanupResult } from "../../../provider/scripts/catalogue";
import { findTailscaleProduct } from "../../initial-state";
import type { Script } from "./common";
import { applyDaemonEnv, envKeys } from "./daemon-env";
import { protectFolder } from "./folders";

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
  // On delete, what the node wrote besides: its own policies and its keys of the daemon's environment file.
  for (const name of params.writtenPolicies ?? []) {
    if (script.registry.getValue(POLICY_KEYS[0], name) === undefined) continue;
    script.registry.removeValue(POLICY_KEYS[0], name);
    removed.push(`${POLICY_KEYS[0]}\\${name}`);
  }
  const envChanged = await removeDaemonEnvKeys(script, params, removed);
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
  // tailscaled reads its environment at start only: without a restart it would keep the removed keys.
  if (envChanged && installed && !uninstalled) {
    const problem = await script.restartService();
    if (problem) messages.push(`the daemon's environment changed, but the ${TAILSCALE_SERVICE} service did not restart: ${problem}`);
  }
  // The state directory goes only when nothing else is in it (a log a person may want stays).
  if (files.dirExists(params.stateDir) && files.isEmptyDir(params.stateDir)) {
    files.removeDir(params.stateDir);
    removed.push(params.stateDir);
  }
  return { removed, loggedOut, uninstalled, messages };
}

/** The node's keys of the environment file, when it holds one: the file rewritten as the join writes it; whether it changed. */
async function removeDaemonEnvKeys(script: Script, params: CleanupParams, removed: string[]): Promise<boolean> {
  const change = params.daemonEnv;
  if (!change) return false;
  const remove = change.remove.map((name) => name.toLowerCase());
  const ours = envKeys(script, change.path).filter((key) => remove.includes(key.toLowerCase()));
  if (ours.length === 0) return false;
  protectFolder(script, params.stateDir);
  await applyDaemonEnv(script, change, params.stateDir);
  removed.push(`${change.path}: ${ours.join(", ")}`);
  return true;
}
