/**
 * The control-server side of the lifecycle (Headscale or Tailscale's API, through provider/control):
 *
 *   read            lists the server's nodes while the probe runs; this host's node is then picked
 *                   by the addresses the probe found, else by name
 *   create, update  mint a single-use key for a join when no authKey is given, and revoke keys
 *                   once the node no longer needs them; disable the node's key expiry when
 *                   disableKeyExpiry asks for it
 *   delete          removes the node when onDelete.removeFromControlServer asks for it
 *
 * Every client shares the operation's Redactor: the API key (or OAuth client secret and its access
 * tokens) and every minted key are redacted from log lines, errors and warnings alike.
 */
import { MeshError } from "../common/errors";
import type { Redactor } from "../common/redact";
import { createControlClient, credentialProblem, type AuthKeyReference, type ControlNode, type ControlServerClient } from "../control";
import { pickNode } from "../control/node-match";
import type { ControlNodeOutput, ControlServerInput, DefaultedControlServer } from "../node/types";

/** What a refresh learned from the control server. */
export type ControlReading =
  | { status: "not-configured" }
  | { status: "answered"; nodes: ControlNode[]; checkedAt: string; canDisableKeyExpiry: boolean }
  | { status: "failed"; warning: string };

/** Which node is this host's: the Tailscale addresses it has, or else its name. */
export interface NodeIdentity {
  ips: readonly string[];
  hostname: string;
}

/** A key minted for one node's join. */
export interface MintedJoinKey {
  /** Secret: the client has added it to the operation's Redactor. */
  key: string;
  id: string;
  /** RFC 3339. */
  expiresAt: string;
}

export function controlClientFor(server: ControlServerInput, redactor: Redactor): ControlServerClient {
  const problem = credentialProblem(server);
  if (problem) {
    throw new MeshError(`${problem.summary} (controlServer.${problem.property})`, { kind: "invalid-input", step: "control server", hint: problem.hint });
  }
  const { kind, url, apiKey, oauthClientId, oauthClientSecret, tailnet, user } = server;
  return createControlClient({ kind, url, apiKey, oauthClientId, oauthClientSecret, tailnet, user }, redactor);
}

/**
 * Whether the control server can be asked at all: the CLI does not record its credential, so a run
 * without the API key (or the OAuth client's secret) at hand has none.
 */
export function hasCredential(server: ControlServerInput | undefined): server is ControlServerInput {
  return server !== undefined && credentialProblem(server) === null;
}

/**
 * The server's nodes, or why there are none. Never throws: a refresh must still return the host's
 * own view when the control server is down or refuses the API key. `askDisableKeyExpiry`: also
 * learn whether the server can disable a node's key expiry (asked only when disableKeyExpiry is set).
 */
export async function readControlServer(server: ControlServerInput | undefined, redactor: Redactor, askDisableKeyExpiry = false): Promise<ControlReading> {
  if (!server) return { status: "not-configured" };
  const problem = credentialProblem(server);
  if (problem) return { status: "failed", warning: `the control server was not asked: ${problem.summary}: ${problem.hint}` };
  try {
    const client = controlClientFor(server, redactor);
    const [nodes, canDisableKeyExpiry] = await Promise.all([client.listNodes(), askDisableKeyExpiry ? canDisable(client) : true]);
    return { status: "answered", nodes, checkedAt: new Date().toISOString(), canDisableKeyExpiry };
  } catch (error) {
    const warning = `the control server could not be asked about this node, so the refresh shows the host's own view and keeps the last answer in controlNode: ${oneLine(error)}`;
    return { status: "failed", warning: redactor.text(warning) };
  }
}

/** A failed probe counts as "can": the update that tries it reports what the server answers. */
function canDisable(client: ControlServerClient): Promise<boolean> {
  return client.canDisableKeyExpiry().catch(() => true);
}

/**
 * When the host has Tailscale addresses, only a node holding one of them is this host's: a node
 * elsewhere with the same name is a stale registration, or another machine. Without addresses
 * (pending, or disconnected) the name decides.
 */
export function matchNode(nodes: readonly ControlNode[], identity: NodeIdentity): ControlNode | null {
  if (identity.ips.length > 0) {
    const ips = new Set(identity.ips);
    const holders = nodes.filter((node) => node.ipAddresses.some((ip) => ips.has(ip)));
    return pickNode(holders, { hostname: identity.hostname, ips: [...identity.ips] });
  }
  return identity.hostname ? pickNode(nodes, { hostname: identity.hostname }) : null;
}

export function controlNodeOutput(node: ControlNode | null, checkedAt: string): ControlNodeOutput {
  return {
    exists: node !== null,
    id: node?.id ?? "",
    name: node?.name ?? "",
    online: node?.online === true,
    lastSeen: node?.lastSeen ?? "",
    ips: [...(node?.ipAddresses ?? [])],
    tags: [...(node?.tags ?? [])],
    keyExpiry: node?.keyExpiry ?? "",
    checkedAt,
  };
}

/**
 * A single-use, non-ephemeral key carrying the node's tags. It is minted before the join, whose
 * outcome is unknown yet, so it lives long enough for a manual join (keyExpirySeconds); an `up`
 * that sees the node join expires it at once.
 */
export async function mintJoinKey(
  client: ControlServerClient,
  server: DefaultedControlServer,
  tags: readonly string[],
  log: (message: string) => void,
): Promise<MintedJoinKey> {
  const expirySeconds = server.keyExpirySeconds;
  const minted = await client.mintAuthKey({ tags, expirySeconds, reusable: false, ephemeral: false });
  const expiresAt = new Date(Date.now() + expirySeconds * 1000).toISOString();
  log(`${client.label}: minted a single-use key for this node (id ${minted.id}, valid until ${expiresAt})`);
  return { key: minted.key, id: minted.id, expiresAt };
}

/**
 * Best effort: the key has done its job (or was never used), and if the server cannot revoke it now
 * it still runs out on its own. Removed where the server's API can (Tailscale, Headscale 0.28 and
 * later), so its key list does not fill up with spent keys; else expired. Returns a warning when it
 * could not be revoked.
 */
export async function expireKey(
  client: ControlServerClient,
  key: AuthKeyReference & { expiresAt: string },
  why: string,
  log: (message: string) => void,
): Promise<string | undefined> {
  try {
    const done = await client.removeAuthKey(key);
    log(`${client.label}: ${done} the minted key ${key.id} (${why})`);
    return undefined;
  } catch (error) {
    const warning = `the minted key ${key.id} could not be expired (${why}); it stays valid until ${key.expiresAt}: ${oneLine(error)}`;
    log(warning);
    return warning;
  }
}

/** Removes this host's node; a node the server does not have is already removed. */
export async function removeNode(client: ControlServerClient, identity: NodeIdentity, log: (message: string) => void): Promise<void> {
  const node = matchNode(await client.listNodes(), identity);
  if (!node) {
    log(`${client.label}: no node for this host; nothing to remove`);
    return;
  }
  await client.deleteNode(node.id);
  log(`${client.label}: removed node ${node.name} (id ${node.id})`);
}

/** Whether two settings name the same server (and tailnet): a key minted on one is known to the other. */
export function sameControlServer(a: ControlServerInput | undefined, b: ControlServerInput | undefined): boolean {
  if (!a || !b) return false;
  return a.kind === b.kind && (a.url ?? "") === (b.url ?? "") && (a.tailnet ?? "-") === (b.tailnet ?? "-");
}

/** An error as one line: a MeshError's summary, what was seen and what to do, joined. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join("; ");
}
