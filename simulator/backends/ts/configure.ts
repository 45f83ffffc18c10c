/**
 * The TypeScript model of provider/scripts/configure.ps1: a joined node's own policies and daemon
 * environment written as the join step writes them, with no `tailscale up`; the service restarted
 * once (with the restart check) only when one of them changed.
 */
import type { ConfigureParams, ConfigureResult } from "../../../provider/scripts/catalogue";
import type { Script } from "./common";
import { applyDaemonEnv } from "./daemon-env";
import { protectFolder } from "./folders";
import { restartCheck } from "./restart-check";

export async function configure(script: Script, params: ConfigureParams): Promise<ConfigureResult> {
  script.requireAdmin(params.stateDir);
  protectFolder(script, params.stateDir);
  const before = [...script.state.adapterIps];
  const changed = script.writePolicy(params.policy);
  if (await applyDaemonEnv(script, params.daemonEnv, params.stateDir)) changed.push("daemon environment file");
  if (changed.length === 0) return { outcome: "configured", changed, restart: null, tailscaleIps: before };
  const check = await restartCheck(script, before, params.daemonWaitSeconds, `to apply what changed: ${changed.join(", ")}`);
  return { outcome: "configured", changed, restart: { verified: check.verified, seen: check.seen }, tailscaleIps: check.addresses };
}
