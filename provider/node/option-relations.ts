/**
 * Check rules between the node's Tailscale options (spec/node-options.ts) and the rest: an option
 * that needs another, an update policy that contradicts a pinned version, and an exit node that
 * would cut the SSH path the provider manages the host through. Values unknown during preview
 * count as given, so nothing is refused for what is not known yet.
 */
import type { CheckFailure } from "./check";
import { isTailnetAddress } from "./rules/network";
import { isRecord, isUnknown } from "./unknown";

export function nodeOptionFailures(raw: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (raw.exitNodeAllowLanAccess !== undefined && raw.exitNode === undefined) {
    failures.push({
      property: "exitNodeAllowLanAccess",
      reason: "is only used with exitNode (it keeps the LAN reachable while the host uses an exit node): set exitNode, or remove exitNodeAllowLanAccess",
    });
  }
  const pinned = isRecord(raw.install) && raw.install.version !== undefined;
  if (raw.autoUpdate === true && pinned) {
    failures.push({
      property: "autoUpdate",
      reason:
        "cannot be true together with install.version: Tailscale would update itself away from the pinned version, and the next update would install the pinned one again; remove install.version (and keep autoUpdate), or set autoUpdate to false",
    });
  }
  const lanAccess = raw.exitNodeAllowLanAccess === true || isUnknown(raw.exitNodeAllowLanAccess);
  if (raw.exitNode !== undefined && !lanAccess && !reachedThroughTailnet(raw.connection)) {
    failures.push({
      property: "exitNode",
      reason:
        "would cut the SSH connection this provider manages the host through: with an exit node and without LAN access, the host sends everything but tailnet traffic to the exit node, so its replies to connection.host's LAN stop arriving; set exitNodeAllowLanAccess to true, or reach the host at its tailnet address (connection.host in 100.64.0.0/10 or fd7a:115c:a1e0::/48)",
    });
  }
  return failures;
}

/** Whether the provider reaches the host at a tailnet address (unknown during preview: assume so, refuse nothing yet). */
function reachedThroughTailnet(connection: unknown): boolean {
  if (!isRecord(connection)) return true;
  const host = connection.host;
  if (isUnknown(host) || typeof host !== "string") return true;
  return isTailnetAddress(host);
}
