/**
 * A joined node whose only changes are its own policies or the daemon's environment (plan.ts) gets
 * them from the configure step, without a new `tailscale up`: no auth key is minted or sent (a
 * single-use one is spent by then) and a working node is not re-joined. The service restarts only
 * when the host's policies or environment file really changed, and must come back with the node.
 */
import { DAEMON_WAIT_SECONDS, DEFAULT_STATE_DIR, type ConfigureResult } from "../scripts/catalogue";
import type { DefaultedInputs } from "../node";
import type { NodeInputs } from "../node/types";
import type { DriftKind } from "./inspect";
import type { Operation } from "./operation";
import { daemonEnvChange } from "./daemon-env";
import { joinPolicy } from "./join-script";

/** What the host showed after the step: the node's addresses, and what its restart check found. */
export interface HostView {
  tailscaleIps: string[];
  warnings?: string[];
  drift?: DriftKind[];
}

/** `previous`: the inputs of the last operation, whose own policies and environment keys are removed once unset. */
export async function configure(op: Operation, inputs: DefaultedInputs, previous: Partial<NodeInputs>): Promise<HostView> {
  const result = await op.step("configure", {
    policy: joinPolicy(inputs, previous),
    daemonEnv: daemonEnvChange(inputs, previous),
    daemonWaitSeconds: DAEMON_WAIT_SECONDS,
    stateDir: DEFAULT_STATE_DIR,
  });
  op.log(configuredLine(result));
  return { tailscaleIps: result.tailscaleIps, ...restartFindings(result.restart) };
}

function configuredLine({ changed, restart }: ConfigureResult): string {
  if (!restart) return "configured: the host already had these policies and daemon environment; the service was not restarted";
  return `configured: ${changed.join(", ")} changed; the service was restarted once (${restart.seen})`;
}

/**
 * A node that did not come back after a service restart (tailscale#3186): said plainly, and
 * repaired by the next up (plan.ts joins again on this drift).
 */
export function restartFindings(restart: { verified: boolean; seen: string } | null): Pick<HostView, "warnings" | "drift"> {
  if (!restart || restart.verified) return {};
  return {
    warnings: [`restart-check: the node did not come back after a restart of the Tailscale service: ${restart.seen}`],
    drift: ["lost-after-restart"],
  };
}
