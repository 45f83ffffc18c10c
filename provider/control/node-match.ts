/**
 * Which of a control server's nodes is the Windows host. The same rules for Headscale and Tailscale:
 * a known Tailscale address identifies the node outright; otherwise the host name is compared with the
 * node's names, case-insensitively (Windows reports "WIN-01", Headscale 0.27+ stores "win-01").
 * A host that re-registered leaves stale nodes with the same name, so the online and most recently
 * seen one wins.
 */
import type { ControlNode, NodeQuery } from "./types";

export function pickNode(nodes: readonly ControlNode[], query: NodeQuery): ControlNode | null {
  const { byAddress, byName } = claimsOn(nodes, query);
  const candidates = byAddress.length > 0 ? byAddress : byName;
  return [...candidates].sort(liveliestFirst)[0] ?? null;
}

/** Every node that could be the host: those holding one of its addresses, and those bearing its name. */
export function claimsOn(nodes: readonly ControlNode[], query: NodeQuery): { byAddress: ControlNode[]; byName: ControlNode[] } {
  const ips = new Set(query.ips ?? []);
  const byAddress = nodes.filter((node) => node.ipAddresses.some((ip) => ips.has(ip)));
  const wanted = query.hostname.toLowerCase();
  const byName = wanted ? nodes.filter((node) => namesOf(node).includes(wanted)) : [];
  return { byAddress, byName };
}

/** The node's name, its first DNS label (Tailscale names are FQDNs) and its reported host name. */
function namesOf(node: ControlNode): string[] {
  const name = node.name.toLowerCase();
  const names = [name, name.split(".")[0] ?? name];
  if (node.hostname) names.push(node.hostname.toLowerCase());
  return names;
}

/** Online first, then the most recently seen. */
export function liveliestFirst(a: ControlNode, b: ControlNode): number {
  const online = Number(b.online === true) - Number(a.online === true);
  if (online !== 0) return online;
  return seenAt(b) - seenAt(a);
}

function seenAt(node: ControlNode): number {
  // A Tailscale device that is connected has no lastSeen: it is seen now.
  if (node.online === true && node.lastSeen === null) return Number.MAX_SAFE_INTEGER;
  const time = node.lastSeen ? Date.parse(node.lastSeen) : NaN;
  return Number.isNaN(time) ? 0 : time;
}
