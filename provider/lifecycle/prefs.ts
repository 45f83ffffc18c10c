/**
 * The node's Tailscale options as the daemon holds them (the probe reads them from its state file,
 * passively) against what the node set: which of them a person or another tool has changed since,
 * e.g. with `tailscale set --shields-up=false`. A refresh reports each as the drift
 * `pref-changed:<input>`, and the next `up` joins again with `--reset`, which sets them all back.
 * Only what can be compared honestly is compared; an option a system policy forces is the policy's
 * (policies.ts), not drift. Pure functions.
 */
import { isIP } from "node:net";
import type { NodeInputs } from "../node/types";
import type { ProbeResult, TailscalePrefs } from "../scripts/catalogue";
import { forcedInputs } from "./policies";

export type PrefInput = keyof TailscalePrefs;

/** What the node asked for: its inputs (acceptRoutes with its default) and the route guard's last decision. */
export interface WantedPrefs extends Pick<NodeInputs, "acceptDns" | "shieldsUp" | "exitNode" | "exitNodeAllowLanAccess"> {
  acceptRoutes: boolean;
  /** routesNote of the last join over SSH ("" = routes as asked); undefined when no join recorded the guard's decision. */
  routesNote?: string;
}

/** The options whose value on the host differs from what the node set, in the order of TailscalePrefs. */
export function prefsDrift(wanted: WantedPrefs, probe: Pick<ProbeResult, "prefs" | "systemPolicies">): PrefInput[] {
  const seen = probe.prefs;
  if (!seen) return [];
  const forced = forcedInputs(probe.systemPolicies);
  const differs = (given: boolean | undefined, held: boolean | null) => given !== undefined && held !== null && given !== held;
  const drift: PrefInput[] = [];
  if (differs(wanted.acceptDns, seen.acceptDns)) drift.push("acceptDns");
  if (differs(wanted.shieldsUp, seen.shieldsUp)) drift.push("shieldsUp");
  // The guard may have left routes off on purpose; a join that did not run it (a person's) decided nothing.
  if (wanted.routesNote !== undefined && differs(wanted.acceptRoutes && wanted.routesNote === "", seen.acceptRoutes)) drift.push("acceptRoutes");
  if (wanted.exitNode && !sameExitNode(wanted.exitNode, seen.exitNode)) drift.push("exitNode");
  if (wanted.exitNode && differs(wanted.exitNodeAllowLanAccess, seen.exitNodeAllowLanAccess)) drift.push("exitNodeAllowLanAccess");
  return drift.filter((input) => !forced.includes(input));
}

/**
 * Whether the exit node the daemon holds can be the one asked for. `auto:` expressions and addresses
 * compare as text; once the daemon has found the peer it keeps only its stable node ID, which cannot
 * be compared with an address or a MagicDNS name without the tailnet's node list: any node ID then
 * counts as the same (a different one is not seen), while none at all, or `auto:` instead of a peer, is.
 */
function sameExitNode(wanted: string, held: string | null): boolean {
  if (held === null) return false;
  const auto = (value: string) => value.toLowerCase().startsWith("auto:");
  if (auto(wanted) || auto(held)) return wanted === held;
  if (isIP(held) !== 0) return isIP(wanted) === 0 || canonical(wanted) === canonical(held);
  return true;
}

/** An address as Go's netip prints it (IPv6 compressed, lower case). */
function canonical(address: string): string {
  return isIP(address) === 6 ? new URL(`http://[${address}]`).hostname.slice(1, -1) : address;
}
