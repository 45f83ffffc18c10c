/**
 * The control server's part of a create or update once the host has converged: revoke the minted
 * keys nothing needs any more (the one minted now once the node has joined, and the one an earlier
 * manual join recorded), and apply disableKeyExpiry to a joined node. Both are best effort: the node
 * is on the mesh (or pending) whatever happens here, so what could not be done comes back as
 * warnings, and a key left behind still runs out on its own.
 */
import type { ControlNode, ControlServerClient } from "../control";
import type { DefaultedInputs, NodeOutputs } from "../node/types";
import { controlNodeOutput, expireKey, matchNode, oneLine, sameControlServer, type MintedJoinKey, type NodeIdentity } from "./control";

type Log = (message: string) => void;

export interface Converged {
  inputs: DefaultedInputs;
  previous: NodeOutputs | undefined;
  /** The key minted for this operation's join, if any. */
  minted: MintedJoinKey | undefined;
  outputs: NodeOutputs;
}

export async function settleControlServer(
  client: ControlServerClient | undefined,
  converged: Converged,
  log: Log,
): Promise<{ outputs: NodeOutputs; warnings: string[] }> {
  const { inputs, outputs } = converged;
  const warnings = await retireKeys(client, converged, log);
  if (!client || !inputs.disableKeyExpiry || outputs.state !== "joined") return { outputs, warnings };
  const identity = { ips: outputs.tailscaleIps, hostname: inputs.hostname || outputs.nodeName };
  const applied = await applyDisableKeyExpiry(client, identity, log);
  const controlNode = applied.node ? controlNodeOutput(applied.node, new Date().toISOString()) : outputs.controlNode;
  return { outputs: { ...outputs, ...(controlNode && { controlNode }) }, warnings: [...warnings, ...(applied.warning ? [applied.warning] : [])] };
}

/** Revokes the minted keys nothing needs any more; returns what could not be revoked. */
async function retireKeys(client: ControlServerClient | undefined, { inputs, previous, minted, outputs }: Converged, log: Log): Promise<string[]> {
  const why = outputs.state === "joined" ? "the node has joined" : "a new join script replaces it";
  const warnings: string[] = [];
  if (client && minted && outputs.state === "joined") {
    const warning = await expireKey(client, minted, why, log);
    if (warning) warnings.push(warning);
  }
  const old = previous?.mintedKey;
  if (!old) return warnings;
  if (client && sameControlServer(previous.controlServer, inputs.controlServer)) {
    const warning = await expireKey(client, old, why, log);
    if (warning) warnings.push(warning);
  } else {
    const warning = `the key ${old.id} minted for the earlier manual join was not expired (controlServer changed, or no credential for it is at hand); it stays valid until ${old.expiresAt}`;
    log(warning);
    warnings.push(warning);
  }
  return warnings;
}

/** What applying disableKeyExpiry did: the node as it is now (when found), or why it could not. */
export interface KeyExpiryApplied {
  node: ControlNode | null;
  warning?: string;
}

/**
 * Finds this host's node and disables its key expiry where it has one. What could not be done (no
 * node listed yet, a server before Headscale 0.29, a refusal) is a warning starting with
 * key-expiry-enabled, the drift kind the next refresh reports for it.
 */
export async function applyDisableKeyExpiry(client: ControlServerClient, identity: NodeIdentity, log: Log): Promise<KeyExpiryApplied> {
  const notDisabled = (why: string, node: ControlNode | null): KeyExpiryApplied => {
    const warning = `key-expiry-enabled: the key expiry of this host's node was not disabled: ${why}`;
    log(warning);
    return { node, warning };
  };
  let node: ControlNode | null;
  try {
    node = matchNode(await client.listNodes(), identity);
  } catch (error) {
    return notDisabled(`${oneLine(error)}; the next refresh reports it again and the next \`up\` tries again`, null);
  }
  if (!node) return notDisabled(`${client.label} lists no node for this host yet; the next refresh looks again and the next \`up\` disables it`, null);
  if (node.keyExpiry === null) {
    log(`${client.label}: the key of node ${node.name} (id ${node.id}) does not expire`);
    return { node };
  }
  try {
    await client.disableKeyExpiry(node.id);
  } catch (error) {
    return notDisabled(`node ${node.name} (id ${node.id}) still expires at ${node.keyExpiry}: ${oneLine(error)}`, node);
  }
  log(`${client.label}: disabled key expiry of node ${node.name} (id ${node.id}), which was to expire at ${node.keyExpiry}`);
  return { node: { ...node, keyExpiry: null } };
}
