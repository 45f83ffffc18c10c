/**
 * Headscale's REST API (0.23 to 0.29), checked against each release's swagger spec. The API changed
 * in ways a client must follow, and the server does not state its version, so the client learns the
 * generation from calls that behave differently (headscale-dialect.ts) and adapts:
 *
 *   pre-auth key `user`       a user name up to 0.25, the numeric id (as a string) from 0.26;
 *                             optional from 0.28 when the key has tags (the tags own the node)
 *   expiring a key            {user, key} up to 0.27, {id} from 0.28
 *   removing a key            DELETE /api/v1/preauthkey?id= from 0.28; before, it can only expire
 *   a node's tags             forcedTags + validTags up to 0.27, one `tags` list from 0.28
 *   disabling node expiry     ExpireNode's disableExpiry from 0.29 only
 *
 * Responses are parsed for both shapes where they differ (tags), so finding and deleting nodes
 * needs no detection at all.
 */
import { z } from "zod";
import { MeshError } from "../common/errors";
import { Redactor } from "../common/redact";
import { chooseCredential } from "./credentials";
import { HeadscaleProbe, type HeadscaleDialect } from "./headscale-dialect";
import { ControlApi, isSuccess, parseBaseUrl, type ApiRequest } from "./http";
import { keyExpiryOf } from "./key-expiry";
import { pickNode } from "./node-match";
import {
  DEFAULT_CONTROL_TIMEOUT_MS,
  checkAuthKeyRequest,
  type AuthKeyReference,
  type AuthKeyRequest,
  type ControlNode,
  type ControlServerClient,
  type ControlServerSettings,
  type MintedAuthKey,
  type NodeQuery,
} from "./types";

const TagList = z.array(z.string()).nullish();

const NodeAnswer = z.object({
  id: z.string(),
  name: z.string(),
  givenName: z.string().nullish(),
  ipAddresses: z.array(z.string()).nullish(),
  online: z.boolean().nullish(),
  lastSeen: z.string().nullish(),
  expiry: z.string().nullish(),
  tags: TagList,
  forcedTags: TagList,
  validTags: TagList,
});
type NodeAnswer = z.infer<typeof NodeAnswer>;

const ListNodesAnswer = z.object({ nodes: z.array(NodeAnswer).nullish() });
const ListUsersAnswer = z.object({ users: z.array(z.object({ id: z.string(), name: z.string() })).nullish() });
const CreateKeyAnswer = z.object({ preAuthKey: z.object({ id: z.string(), key: z.string() }) });
const ListKeysAnswer = z.object({ preAuthKeys: z.array(z.object({ id: z.string(), key: z.string() })).nullish() });
const AnyAnswer = z.unknown();
const ExpireNodeAnswer = z.object({ node: NodeAnswer });

const HEADSCALE_AUTH_HINTS = {
  unauthorized:
    "the API key is wrong, expired or revoked: create one on the server with `headscale apikeys create --expiration 90d` and set controlServer.apiKey",
  forbidden: "Headscale API keys have no scopes, so a proxy in front of the server refused: check its access rules",
};

/** Users shown when the configured one is missing. */
const USERS_SHOWN = 5;

export class HeadscaleClient implements ControlServerClient {
  readonly label: string;
  private readonly api: ControlApi;
  private readonly probe: HeadscaleProbe;

  constructor(
    private readonly settings: ControlServerSettings,
    private readonly redactor: Redactor = new Redactor(),
  ) {
    this.label = `headscale ${settings.url ?? "(no url)"}`;
    if (!settings.url) {
      throw new MeshError("a Headscale control server needs its URL", {
        kind: "invalid-input",
        host: this.label,
        hint: "set controlServer.url to the server's server_url, e.g. https://headscale.example.com",
      });
    }
    const baseUrl = parseBaseUrl(settings.url, this.label);
    const timeoutMs = settings.timeoutMs ?? DEFAULT_CONTROL_TIMEOUT_MS;
    const { credential } = chooseCredential(settings, { serverLabel: this.label, baseUrl, timeoutMs, redactor });
    this.api = new ControlApi({ serverLabel: this.label, baseUrl, credential, timeoutMs, redactor, authHints: HEADSCALE_AUTH_HINTS });
    this.probe = new HeadscaleProbe(this.api);
  }

  /** Which API generation the server speaks, learned once per client. */
  detectApi(): Promise<HeadscaleDialect> {
    return this.probe.detectApi();
  }

  async findNode(query: NodeQuery): Promise<ControlNode | null> {
    return pickNode(await this.nodes("find node"), query);
  }

  listNodes(): Promise<ControlNode[]> {
    return this.nodes("list nodes");
  }

  async mintAuthKey(request: AuthKeyRequest): Promise<MintedAuthKey> {
    checkAuthKeyRequest(request, this.label);
    const purpose = "mint auth key";
    const dialect = await this.detectApi();
    const user = await this.keyUser(dialect, purpose, request.tags);
    const body = {
      ...(user === undefined ? {} : { user }),
      reusable: request.reusable,
      ephemeral: request.ephemeral,
      expiration: new Date(Date.now() + request.expirySeconds * 1000).toISOString(),
      aclTags: request.tags,
    };
    const answer = await this.api.call({ purpose, method: "POST", path: "/api/v1/preauthkey", body }, CreateKeyAnswer);
    this.redactor.add(answer.preAuthKey.key);
    return { key: answer.preAuthKey.key, id: answer.preAuthKey.id };
  }

  async expireAuthKey(key: AuthKeyReference): Promise<void> {
    const purpose = "expire auth key";
    const dialect = await this.detectApi();
    let body: Record<string, unknown> = { id: key.id };
    if (dialect.expireBy === "user-and-key") {
      const user = await this.keyUser(dialect, purpose, []);
      const text = key.key ?? (await this.keyText(user, key.id, purpose));
      // The server no longer lists the key: nothing left to expire.
      if (text === undefined) return;
      body = { user, key: text };
    }
    await this.api.call({ purpose, method: "POST", path: "/api/v1/preauthkey/expire", body }, AnyAnswer);
  }

  async removeAuthKey(key: AuthKeyReference): Promise<"removed" | "expired"> {
    if ((await this.detectApi()).expireBy !== "id") {
      await this.expireAuthKey(key);
      return "expired";
    }
    // Deleting a key the server no longer has succeeds: Headscale deletes by id without a lookup.
    const query = { id: key.id };
    await this.api.call({ purpose: "remove auth key", method: "DELETE", path: "/api/v1/preauthkey", query }, AnyAnswer);
    return "removed";
  }

  async deleteNode(id: string): Promise<void> {
    const purpose = "delete node";
    this.requireNodeId(id, purpose);
    const request: ApiRequest = { purpose, method: "DELETE", path: `/api/v1/node/${id}` };
    const response = await this.api.send(request);
    if (isSuccess(response)) return;
    if (response.status === 401 || response.status === 403) throw this.api.failure(request, response);
    // A missing node is answered with 404 by some versions and 500 "record not found" by others: look.
    const nodes = await this.nodes(purpose);
    if (nodes.some((node) => node.id === id)) throw this.api.failure(request, response);
  }

  /**
   * From 0.29, ExpireNode with disableExpiry=true sets the node's expiry to null. Older versions would
   * ignore the parameter and expire the node at once, so they are refused before anything is sent.
   */
  async disableKeyExpiry(id: string): Promise<void> {
    const purpose = "disable key expiry";
    this.requireNodeId(id, purpose);
    if (!(await this.probe.canDisableExpiry())) {
      const { versions } = await this.detectApi();
      const release = versions === "0.28 or later" ? "0.28" : versions;
      throw new MeshError(`Headscale ${release} cannot disable a node's key expiry`, {
        kind: "unsupported",
        host: this.label,
        step: purpose,
        seen: `node ${id}; ExpireNode takes disableExpiry from Headscale 0.29 on`,
        hint: "upgrade the server to Headscale 0.29 or later; until then a node joined with a pre-auth key has no expiry unless its client or an admin set one",
      });
    }
    const request: ApiRequest = { purpose, method: "POST", path: `/api/v1/node/${id}/expire`, query: { disableExpiry: "true" } };
    const response = await this.api.send(request);
    if (!isSuccess(response)) throw this.api.failure(request, response);
    const left = keyExpiryOf(this.api.parse(request, response, ExpireNodeAnswer).node.expiry);
    if (left === null) return;
    // The server took the call as a plain expire: it did not read disableExpiry where 0.29 takes it.
    throw new MeshError("the server set an expiry instead of disabling it", {
      kind: "control-server",
      host: this.label,
      step: `${purpose} (POST /api/v1/node/${id}/expire)`,
      seen: `node ${id} now expires at ${left}`,
      hint: `run \`headscale nodes expire -i ${id} --disable\` on the server at once; this server behaves like no released version up to 0.29.2 (a newer build may take disableExpiry elsewhere)`,
    });
  }

  canDisableKeyExpiry(): Promise<boolean> {
    return this.probe.canDisableExpiry();
  }

  private requireNodeId(id: string, purpose: string): void {
    if (/^\d+$/.test(id)) return;
    throw new MeshError("a Headscale node id is a number", {
      kind: "invalid-input",
      host: this.label,
      step: purpose,
      seen: id,
      hint: "pass the id findNode returned",
    });
  }

  /** The value of a pre-auth key's `user` field; undefined when the key is owned by its tags. */
  private async keyUser(dialect: HeadscaleDialect, purpose: string, tags: readonly string[]): Promise<string | undefined> {
    const name = this.settings.user;
    if (!name) {
      if (dialect.expireBy === "id" && tags.length > 0) return undefined;
      if (dialect.expireBy === "id") {
        // The server refuses it too: "auth-key must be either tagged or owned by user".
        throw new MeshError("a Headscale pre-auth key needs a user or tags", {
          kind: "invalid-input",
          host: this.label,
          step: purpose,
          hint: "set advertiseTags (from 0.28 a tagged key needs no user: its tags own the node), or set controlServer.user",
        });
      }
      throw new MeshError(`Headscale ${dialect.versions} needs a user to own pre-auth keys`, {
        kind: "invalid-input",
        host: this.label,
        step: purpose,
        hint: "set controlServer.user to an existing Headscale user (`headscale users list` shows them)",
      });
    }
    // Looked up even where the name is sent, so a missing user gets a clear message, not a 500.
    const user = await this.findUser(name, dialect, purpose);
    return dialect.keyUser === "name" ? user.name : user.id;
  }

  private async findUser(name: string, dialect: HeadscaleDialect, purpose: string): Promise<{ id: string; name: string }> {
    // The name filter exists from 0.24; 0.23 lists every user. Filter on the server only where every
    // version of the dialect has it, and match here either way.
    const query = dialect.keyUser === "id" ? { name } : undefined;
    const answer = await this.api.call({ purpose, method: "GET", path: "/api/v1/user", query }, ListUsersAnswer);
    const users = answer.users ?? [];
    const user = users.find((candidate) => candidate.name === name);
    if (user) return user;
    const known = users.slice(0, USERS_SHOWN).map((candidate) => candidate.name);
    throw new MeshError(`Headscale has no user "${name}"`, {
      kind: "invalid-input",
      host: this.label,
      step: purpose,
      seen: known.length > 0 ? `users include: ${known.join(", ")}` : "no users match",
      hint: `create it with \`headscale users create ${shellWord(name)}\`, or set controlServer.user to an existing user`,
    });
  }

  /** Up to 0.27 the user's key listing shows each key whole; undefined when the id is not among them. */
  private async keyText(user: string | undefined, id: string, purpose: string): Promise<string | undefined> {
    const query = user === undefined ? undefined : { user };
    const answer = await this.api.call({ purpose, method: "GET", path: "/api/v1/preauthkey", query }, ListKeysAnswer);
    const text = (answer.preAuthKeys ?? []).find((candidate) => candidate.id === id)?.key;
    this.redactor.add(text);
    return text;
  }

  private async nodes(purpose: string): Promise<ControlNode[]> {
    const answer = await this.api.call({ purpose, method: "GET", path: "/api/v1/node" }, ListNodesAnswer);
    return (answer.nodes ?? []).map(toControlNode);
  }
}

function toControlNode(node: NodeAnswer): ControlNode {
  // Up to 0.27 a node's tags are the forced ones (from the key or an admin) plus the valid requested ones.
  const tags = node.tags ?? [...(node.forcedTags ?? []), ...(node.validTags ?? [])];
  return {
    id: node.id,
    name: node.givenName || node.name,
    hostname: node.name,
    ipAddresses: node.ipAddresses ?? [],
    online: node.online ?? null,
    lastSeen: node.lastSeen || null,
    tags: [...new Set(tags)],
    keyExpiry: keyExpiryOf(node.expiry),
  };
}

/** One word for a POSIX shell, whatever the text: a suggested command must run as shown, never as something else. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9._@%+=:,/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
