/**
 * `tailscale up` arguments except the auth key, one array element per argument (flags as defined in
 * tailscale/tailscale cmd/tailscale/cli/up.go). `--reset` makes the arguments the complete desired
 * state, so a setting removed from the inputs is removed from the node (and an option left unset
 * takes Tailscale's default). Settings `up --reset` would undo are policies (lifecycle/policies.ts). The join step adds
 * `--auth-key=file:<path>`.
 */
import type { DefaultedInputs } from "../node/types";

export function upArgs(inputs: DefaultedInputs): string[] {
  const args: string[] = [];
  if (inputs.loginServer) args.push(`--login-server=${inputs.loginServer}`);
  if (inputs.hostname) args.push(`--hostname=${inputs.hostname}`);
  if (inputs.advertiseTags.length > 0) args.push(`--advertise-tags=${inputs.advertiseTags.join(",")}`);
  if (inputs.advertiseRoutes.length > 0) args.push(`--advertise-routes=${inputs.advertiseRoutes.join(",")}`);
  if (inputs.advertiseExitNode) args.push("--advertise-exit-node");
  // Always off at `up`: with acceptRoutes the join step turns them on once it has seen that no
  // offered route covers the SSH path (JoinParams.acceptRoutes), so the join cannot cut it.
  args.push("--accept-routes=false");
  // Unset: not passed, so `--reset` leaves Tailscale's default.
  if (inputs.acceptDns !== undefined) args.push(`--accept-dns=${inputs.acceptDns}`);
  if (inputs.shieldsUp !== undefined) args.push(`--shields-up=${inputs.shieldsUp}`);
  if (inputs.exitNode) args.push(`--exit-node=${inputs.exitNode}`);
  if (inputs.exitNode && inputs.exitNodeAllowLanAccess !== undefined) args.push(`--exit-node-allow-lan-access=${inputs.exitNodeAllowLanAccess}`);
  args.push("--unattended", "--reset", `--timeout=${inputs.joinTimeoutSeconds}s`);
  return args;
}
