/**
 * Headscale's REST API (0.23 to 0.29), checked against each release's swagger spec. The API changed
 * in ways a client must follow, and the server does not state its version, so the client learns the
 * generation from read-only calls that behave differently (see detectApi) and adapts:
 *
 *   pre-auth key `user`       a user name up to 0.25, the numeric id (as a string) from 0.26
 *   expiring a key            {user, key} up to 0.27, {id} from 0.28
 *   a node's tags             forcedTags + validTags up to 0.27, one `tags` list from 0.28
 *
 * Responses are parsed for both shapes where they differ (tags), so finding and deleting nodes
 * needs no detection at all.
 */
import { z } from "zod";
import { MeshError } from "../common/errors";
import { Redactor } from "../common/redact";
import { ControlApi, isSuccess, parseBaseUrl, type ApiRequest, type ApiResponse } from "./http";
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

/** What differs between Headscale API generations. */
export interface HeadscaleDialect {
  /** The releases this behaviour belongs to, for messages. */
  versions: "0.23 to 0.25" | "0.26 to 0.27" | "0.28 or later";
  /** How a pre-auth key names its user. */
  keyUser: "name" | "id";
  /** What expiring a pre-auth key takes. */
  expireBy: "user-and-key" | "id";
}

const DIALECT_UP_TO_0_25: HeadscaleDialect = { versions: "0.23 to 0.25", keyUser: "name", expireBy: "user-and-key" };
const DIALECT_0_26_TO_0_27: HeadscaleDialect = { versions: "0.26 to 0.27", keyUser: "id", expireBy: "user-and-key" };
const DIALECT_FROM_0_28: HeadscaleDialect = { versions: "0.28 or later", keyUser: "id", expireBy: "id" };

const TagList = z.array(z.string()).nullish();

const NodeAnswer = z.object({
  id: z.string(),
  name: z.string(),
  givenName: z.string().nullish(),
  ipAddresses: z.array(z.string()).nullish(),
  online: z.boolean().nullish(),
  lastSeen: z.string().nullish(),
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
  private dialect?: Promise<HeadscaleDialect>;

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
    redactor.add(settings.apiKey);
    this.api = new ControlApi({
      serverLabel: this.label,
      baseUrl: parseBaseUrl(settings.url, this.label),
      apiKey: settings.apiKey,
      timeoutMs: settings.timeoutMs ?? DEFAULT_CONTROL_TIMEOUT_MS,
      redactor,
      authHints: HEADSCALE_AUTH_HINTS,
    });
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
    const user = await this.keyUser(dialect, purpose);
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
      const user = await this.keyUser(dialect, purpose);
      const text = key.key ?? (await this.keyText(user, key.id, purpose));
      // The server no longer lists the key: nothing left to expire.
      if (text === undefined) return;
      body = { user, key: text };
    }
    await this.api.call({ purpose, method: "POST", path: "/api/v1/preauthkey/expire", body }, AnyAnswer);
  }

  async deleteNode(id: string): Promise<void> {
    const purpose = "delete node";
    if (!/^\d+$/.test(id)) {
      throw new MeshError("a Headscale node id is a number", {
        kind: "invalid-input",
        host: this.label,
        step: purpose,
        seen: id,
        hint: "pass the id findNode returned",
      });
    }
    const request: ApiRequest = { purpose, method: "DELETE", path: `/api/v1/node/${id}` };
    const response = await this.api.send(request);
    if (isSuccess(response)) return;
    if (response.status === 401 || response.status === 403) throw this.api.failure(request, response);
    // A missing node is answered with 404 by some versions and 500 "record not found" by others: look.
    const nodes = await this.nodes(purpose);
    if (nodes.some((node) => node.id === id)) throw this.api.failure(request, response);
  }

  /**
   * Which API generation the server speaks, learned once per client from read-only calls that the
   * swagger specs tell apart:
   *   GET /api/v1/health      exists from 0.27
   *   GET /api/v1/routes      exists up to 0.25 (routes moved onto nodes in 0.26)
   *   GET /api/v1/preauthkey  takes no user from 0.28; 0.27 fails the call for the missing user
   */
  detectApi(): Promise<HeadscaleDialect> {
    if (!this.dialect) {
      this.dialect = this.probeDialect();
      // A failed probe (server down) is not remembered: the next call probes again.
      this.dialect.catch(() => (this.dialect = undefined));
    }
    return this.dialect;
  }

  private async probeDialect(): Promise<HeadscaleDialect> {
    const purpose = "detect the Headscale API version";
    if (!(await this.exists({ purpose, method: "GET", path: "/api/v1/health" }))) {
      return (await this.exists({ purpose, method: "GET", path: "/api/v1/routes" })) ? DIALECT_UP_TO_0_25 : DIALECT_0_26_TO_0_27;
    }
    const request: ApiRequest = { purpose, method: "GET", path: "/api/v1/preauthkey" };
    const response = await this.api.send(request);
    if (isSuccess(response)) {
      if (z.object({ preAuthKeys: z.array(z.unknown()) }).safeParse(response.json).success) return DIALECT_FROM_0_28;
      throw this.api.unexpected(request, response, "no preAuthKeys list");
    }
    if (isLookupError(response)) return DIALECT_0_26_TO_0_27;
    throw this.api.failure(request, response);
  }

  /** True for a 2xx answer, false for 404 (no such route); anything else throws. */
  private async exists(request: ApiRequest): Promise<boolean> {
    const response = await this.api.send(request);
    if (isSuccess(response)) return true;
    if (response.status === 404) return false;
    throw this.api.failure(request, response);
  }

  /** The value of a pre-auth key's `user` field; undefined when the key may be owned by its tags. */
  private async keyUser(dialect: HeadscaleDialect, purpose: string): Promise<string | undefined> {
    const name = this.settings.user;
    if (!name) {
      if (dialect.expireBy === "id") return undefined;
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
      hint: `create it with \`headscale users create ${name}\`, or set controlServer.user to an existing user`,
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

/** Headscale up to 0.27 answers a lookup of a missing user with a gRPC status (HTTP 500 or 404). */
function isLookupError(response: ApiResponse): boolean {
  const rpcStatus = z.object({ code: z.number(), message: z.string() });
  return (response.status === 500 || response.status === 404) && rpcStatus.safeParse(response.json).success;
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
  };
}
