/**
 * Which control-plane nodes claim this host, and whether that is a problem: several nodes with its
 * name or its addresses (stale registrations, or a cloned VM image that re-registered), its addresses
 * held by another node than the one recorded at the last operation (it joined again under a new
 * identity), or held by a node that reports another host name (another machine shares its identity,
 * e.g. cloned after joining). Pure and read-only: it names node ids and says what a person can do;
 * nothing here, nor any caller acting on it, deletes a node by itself.
 *
 * Candidates are found with the same matching as pickNode (node-match.ts).
 */
import { claimsOn, liveliestFirst } from "./node-match";
import type { ControlNode } from "./types";

export interface HostIdentity {
  /** The name the host's node should have (the hostname it reports to the control server). */
  hostname: string;
  /** Tailscale addresses found on the host. */
  ips: readonly string[];
  /** The node id recorded at the last operation, when there is one. */
  recordedNodeId?: string;
}

export type ClaimReason = "holds-address" | "same-hostname" | "recorded";

export interface NodeClaim {
  id: string;
  name: string;
  hostname?: string;
  online: boolean | null;
  lastSeen: string | null;
  reasons: ClaimReason[];
}

export type DuplicateFinding =
  /** At most one node claims the host; `nodeId` is it. */
  | { status: "clear"; nodeId: string | null }
  | { status: "duplicates"; claims: NodeClaim[]; message: string; hint: string }
  | { status: "replaced"; nodeId: string; recordedNodeId: string; message: string; hint: string }
  | { status: "shared"; nodeId: string; reportedHostname: string; message: string; hint: string };

const NEVER_AUTOMATIC = "nothing is deleted automatically";
const OWN_IDENTITY =
  "give each machine its own identity: on a clone run `tailscale logout` and join it again with its own key, and log a machine out (or delete %ProgramData%\\Tailscale\\server-state.conf) before imaging it";

export function findDuplicates(nodes: readonly ControlNode[], host: HostIdentity): DuplicateFinding {
  const claims = claimsFor(nodes, host);
  const holder = claims.find((claim) => claim.reasons.includes("holds-address"));
  const { recordedNodeId } = host;

  if (claims.length > 1) {
    const keep = holder ? ` keep node ${holder.id}, which holds this host's addresses, and` : "";
    return {
      status: "duplicates",
      claims,
      message: `${claims.length} control-plane nodes claim host ${host.hostname}: ${claims.map(describe).join("; ")}`,
      hint: `check which node is this machine:${keep} remove the stale ones in the admin console (Tailscale: Machines, Remove; Headscale: \`headscale nodes delete -i <id>\`); if a cloned image re-registered, ${OWN_IDENTITY}; ${NEVER_AUTOMATIC}`,
    };
  }
  if (holder && recordedNodeId && holder.id !== recordedNodeId) {
    return {
      status: "replaced",
      nodeId: holder.id,
      recordedNodeId,
      message: `host ${host.hostname}'s addresses belong to node ${holder.id} (${holder.name}), not to node ${recordedNodeId} recorded at the last operation, which the control server no longer has: the host joined again under a new identity`,
      hint: `check that node ${holder.id} is this machine (it re-installed, reset its state, or was restored from another machine's image); the next operation records it; ${NEVER_AUTOMATIC}`,
    };
  }
  if (holder && host.hostname && !holder.reasons.includes("same-hostname")) {
    const reportedHostname = holder.hostname ?? holder.name;
    return {
      status: "shared",
      nodeId: holder.id,
      reportedHostname,
      message: `node ${holder.id}, which holds host ${host.hostname}'s addresses, reports the host name "${reportedHostname}": another machine seems to use the same node identity (e.g. cloned from one image)`,
      hint: `${OWN_IDENTITY}; ${NEVER_AUTOMATIC}`,
    };
  }
  return { status: "clear", nodeId: claims[0]?.id ?? null };
}

/** Every node claiming the host, with why, liveliest first. */
function claimsFor(nodes: readonly ControlNode[], host: HostIdentity): NodeClaim[] {
  const { byAddress, byName } = claimsOn(nodes, { hostname: host.hostname, ips: [...host.ips] });
  const recorded = nodes.filter((node) => node.id === host.recordedNodeId);
  const reasons = new Map<ControlNode, ClaimReason[]>();
  const claim = (list: ControlNode[], reason: ClaimReason): void => {
    for (const node of list) reasons.set(node, [...(reasons.get(node) ?? []), reason]);
  };
  claim(byAddress, "holds-address");
  claim(byName, "same-hostname");
  claim(recorded, "recorded");
  return [...reasons.keys()].sort(liveliestFirst).map((node) => ({
    id: node.id,
    name: node.name,
    hostname: node.hostname,
    online: node.online,
    lastSeen: node.lastSeen,
    reasons: reasons.get(node) ?? [],
  }));
}

const REASON_TEXT: Record<ClaimReason, string> = {
  "holds-address": "holds this host's addresses",
  "same-hostname": "has this host's name",
  recorded: "recorded at the last operation",
};

function describe(claim: NodeClaim): string {
  const state = claim.online === true ? "online" : claim.lastSeen ? `offline, last seen ${claim.lastSeen}` : "offline";
  return `node ${claim.id} (${claim.name}, ${state}) ${claim.reasons.map((reason) => REASON_TEXT[reason]).join(" and ")}`;
}
