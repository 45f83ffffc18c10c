/**
 * A simulated Headscale REST API at a chosen version, answering with that release's shapes (the
 * tests compare them with the release's swagger spec). Like the real server (grpc-gateway with its
 * default marshaler) it emits every field, unset messages and timestamps as null, 64-bit ids as
 * strings, errors as {code, message, details}, ignores unknown request fields, and refuses a wrong
 * key with a plain-text 401.
 *
 * Only the calls the provider makes are served: health, routes (the version probes), nodes, users,
 * pre-auth keys, and (headscale-key-routes.ts) node expiry, key deletion and the policy check. A test
 * models "the Windows host joined" with registerNode().
 */
import {
  AuthKeyRejected,
  SimulatedControlServer,
  randomHex,
  type RecordedRequest,
  type SimulatedAnswer,
} from "./control-servers";
import { GRPC, asObject, isAtLeast, ok, parseUint64, rpcError, stringList, type HeadscaleApiVersion, type Route } from "./headscale-grpc";
import { keyAndExpiryRoutes } from "./headscale-key-routes";

export { HEADSCALE_API_VERSIONS, type HeadscaleApiVersion } from "./headscale-grpc";

/** The release whose swagger spec each simulated version follows (0.25's API is 0.24's). */
export const HEADSCALE_SPEC_RELEASES: Record<HeadscaleApiVersion, string> = {
  "0.23": "0.23.0",
  "0.24": "0.24.3",
  "0.26": "0.26.1",
  "0.27": "0.27.1",
  "0.28": "0.28.0",
  "0.29": "0.29.2",
};

export interface SimulatedHeadscaleOptions {
  version: HeadscaleApiVersion;
  apiKey?: string;
  /** Users created at start, in order (ids 1, 2, ...). */
  users?: string[];
}

export interface SimulatedHeadscaleNode {
  id: string;
  hostname: string;
  ips: string[];
  /** The node's effective tags: the key's tags plus those it asked for. */
  tags: string[];
  user: string | null;
  online: boolean;
  /** When the node's key expires; null: never. */
  expiry: Date | null;
}

export interface SimulatedPreAuthKey {
  id: string;
  key: string;
  user: string | null;
  reusable: boolean;
  ephemeral: boolean;
  used: boolean;
  expiration: Date | null;
  aclTags: string[];
}

export interface NodeRegistration {
  hostname: string;
  /** Default: the next free 100.64.0.x and fd7a:115c:a1e0::x. */
  ips?: string[];
  /** Tags the host asks for (`tailscale up --advertise-tags`). */
  tags?: string[];
  /** The owner when no auth key is given; created if missing. Default: the first user. */
  user?: string;
  /** Join with this pre-auth key, as `tailscale up --auth-key` does; a key a real server would refuse throws AuthKeyRejected. */
  authKey?: string;
  /** Default true. */
  online?: boolean;
  /** When the node's key expires; default null (never), as for a node joined with a pre-auth key. */
  expiry?: Date | null;
}

interface UserRecord {
  id: number;
  name: string;
  createdAt: Date;
}

interface KeyRecord {
  id: number;
  key: string;
  user: UserRecord | null;
  reusable: boolean;
  ephemeral: boolean;
  used: boolean;
  expiration: Date | null;
  createdAt: Date;
  aclTags: string[];
}

interface NodeRecord {
  id: number;
  hostname: string;
  ips: string[];
  user: UserRecord | null;
  authKey: KeyRecord | null;
  requestedTags: string[];
  online: boolean;
  expiry: Date | null;
  lastSeen: Date;
  createdAt: Date;
  machineKey: string;
  nodeKey: string;
  discoKey: string;
}

const NEW_KEY_PREFIX = "hskey-auth-";

export class SimulatedHeadscale extends SimulatedControlServer {
  private readonly users: UserRecord[] = [];
  private readonly keys: KeyRecord[] = [];
  private readonly nodeRecords: NodeRecord[] = [];
  private nextId = { user: 1, key: 1, node: 1 };
  private readonly routes: Route[];

  private constructor(readonly version: HeadscaleApiVersion, apiKey?: string) {
    super(apiKey);
    this.routes = this.buildRoutes();
  }

  static async start(options: SimulatedHeadscaleOptions): Promise<SimulatedHeadscale> {
    const server = new SimulatedHeadscale(options.version, options.apiKey);
    for (const name of options.users ?? []) server.addUser(name);
    await server.listen();
    return server;
  }

  addUser(name: string): void {
    this.users.push({ id: this.nextId.user++, name, createdAt: new Date() });
  }

  registerNode(registration: NodeRegistration): SimulatedHeadscaleNode {
    const authKey = registration.authKey === undefined ? null : this.consumeKey(registration.authKey);
    const id = this.nextId.node++;
    const record: NodeRecord = {
      id,
      hostname: registration.hostname,
      ips: registration.ips ?? [`100.64.0.${id}`, `fd7a:115c:a1e0::${id}`],
      user: authKey ? authKey.user : this.ownerFor(registration.user),
      authKey,
      requestedTags: registration.tags ?? [],
      online: registration.online ?? true,
      expiry: registration.expiry ?? null,
      lastSeen: new Date(),
      createdAt: new Date(),
      machineKey: `mkey:${randomHex(64)}`,
      nodeKey: `nodekey:${randomHex(64)}`,
      discoKey: `discokey:${randomHex(64)}`,
    };
    this.nodeRecords.push(record);
    return this.nodeView(record);
  }

  removeNode(id: string): void {
    const index = this.nodeRecords.findIndex((node) => String(node.id) === id);
    if (index >= 0) this.nodeRecords.splice(index, 1);
  }

  nodes(): SimulatedHeadscaleNode[] {
    return this.nodeRecords.map((node) => this.nodeView(node));
  }

  preAuthKeys(): SimulatedPreAuthKey[] {
    return this.keys.map((key) => ({
      id: String(key.id),
      key: key.key,
      user: key.user?.name ?? null,
      reusable: key.reusable,
      ephemeral: key.ephemeral,
      used: key.used,
      expiration: key.expiration,
      aclTags: [...key.aclTags],
    }));
  }

  protected refusal(): SimulatedAnswer {
    return { status: 401, body: "Unauthorized" };
  }

  protected internalError(): SimulatedAnswer {
    return rpcError(GRPC.internal, "internal error");
  }

  protected malformedBody(message: string): SimulatedAnswer {
    return rpcError(GRPC.invalidArgument, message);
  }

  protected route(request: RecordedRequest): SimulatedAnswer {
    const served = this.routes.filter((route) => this.serves(route));
    const onPath = served.filter((route) => route.path.test(request.path));
    for (const route of onPath) {
      const match = route.method === request.method ? request.path.match(route.path) : null;
      if (match) return route.handle(request, match);
    }
    // grpc-gateway: a known path with another method is "Unimplemented" (501), anything else 404.
    return onPath.length > 0 ? rpcError(GRPC.unimplemented, "Method Not Allowed") : rpcError(GRPC.notFound, "Not Found");
  }

  private buildRoutes(): Route[] {
    return [
      { method: "GET", path: /^\/api\/v1\/health$/, from: "0.27", handle: () => ok({ databaseConnectivity: true }) },
      { method: "GET", path: /^\/api\/v1\/routes$/, before: "0.26", handle: () => ok({ routes: [] }) },
      { method: "GET", path: /^\/api\/v1\/node$/, handle: (request) => this.listNodes(request) },
      { method: "DELETE", path: /^\/api\/v1\/node\/([^/]+)$/, handle: (_request, match) => this.deleteNode(match[1] ?? "") },
      { method: "GET", path: /^\/api\/v1\/user$/, handle: (request) => this.listUsers(request) },
      { method: "GET", path: /^\/api\/v1\/preauthkey$/, handle: (request) => this.listKeys(request) },
      { method: "POST", path: /^\/api\/v1\/preauthkey$/, handle: (request) => this.createKey(request) },
      { method: "POST", path: /^\/api\/v1\/preauthkey\/expire$/, handle: (request) => this.expireKey(request) },
      ...keyAndExpiryRoutes({
        version: this.version,
        node: (id) => this.nodeRecords.find((node) => node.id === id),
        nodeJson: (node) => this.nodeJson(node),
        deleteKey: (id) => this.removeKey(id),
      }),
    ];
  }

  private removeKey(id: number): void {
    const index = this.keys.findIndex((key) => key.id === id);
    if (index >= 0) this.keys.splice(index, 1);
  }

  private serves(route: Route): boolean {
    return (!route.from || this.atLeast(route.from)) && (!route.before || !this.atLeast(route.before));
  }

  private atLeast(version: HeadscaleApiVersion): boolean {
    return isAtLeast(this.version, version);
  }

  private listNodes(request: RecordedRequest): SimulatedAnswer {
    const user = request.query.user;
    const nodes = this.nodeRecords.filter((node) => !user || node.user?.name === user);
    return ok({ nodes: nodes.map((node) => this.nodeJson(node)) });
  }

  private deleteNode(rawId: string): SimulatedAnswer {
    const id = parseUint64(rawId);
    if (id === "invalid") return rpcError(GRPC.invalidArgument, `type mismatch, parameter: node_id, value: ${rawId}`);
    const index = this.nodeRecords.findIndex((node) => node.id === id);
    // Headscale returns the storage error as is: gRPC Unknown, HTTP 500.
    if (index < 0) return rpcError(GRPC.unknown, "record not found");
    this.nodeRecords.splice(index, 1);
    return ok({});
  }

  private listUsers(request: RecordedRequest): SimulatedAnswer {
    // 0.23 takes no filter and lists everyone.
    const name = this.atLeast("0.24") ? request.query.name : undefined;
    const users = this.users.filter((user) => !name || user.name === name);
    return ok({ users: users.map((user) => this.userJson(user)) });
  }

  private listKeys(request: RecordedRequest): SimulatedAnswer {
    if (this.atLeast("0.28")) return ok({ preAuthKeys: this.keys.map((key) => this.keyJson(key, false)) });
    const user = this.keyOwner(request.query.user);
    if ("error" in user) return user.error;
    if (!user.record) return rpcError(GRPC.unknown, "user not found");
    const owned = this.keys.filter((key) => key.user === user.record);
    return ok({ preAuthKeys: owned.map((key) => this.keyJson(key, true)) });
  }

  private createKey(request: RecordedRequest): SimulatedAnswer {
    const body = asObject(request.body);
    const aclTags = stringList(body.aclTags);
    for (const tag of aclTags) {
      const problem = tagProblem(tag);
      if (problem) return rpcError(GRPC.invalidArgument, problem);
    }
    const owner = this.keyOwner(body.user);
    if ("error" in owner) return owner.error;
    // From 0.28 a key may be owned by its tags alone (modelled: it then needs at least one tag).
    const ownedByTags = this.atLeast("0.28") && body.user === undefined;
    if (!owner.record && !ownedByTags) return rpcError(GRPC.unknown, "user not found");
    // Headscale 0.28 returns this plain error (db.ErrPreAuthKeyNotTaggedOrOwned): gRPC Unknown, HTTP 500.
    if (ownedByTags && aclTags.length === 0) return rpcError(GRPC.unknown, "auth-key must be either tagged or owned by user");
    const expiration = typeof body.expiration === "string" ? new Date(body.expiration) : null;
    if (expiration && Number.isNaN(expiration.getTime())) {
      return rpcError(GRPC.invalidArgument, `invalid google.protobuf.Timestamp value: ${JSON.stringify(body.expiration)}`);
    }
    const key: KeyRecord = {
      id: this.nextId.key++,
      key: this.atLeast("0.28") ? `${NEW_KEY_PREFIX}${randomHex(12)}-${randomHex(64)}` : randomHex(48),
      user: owner.record,
      reusable: body.reusable === true,
      ephemeral: body.ephemeral === true,
      used: false,
      expiration,
      createdAt: new Date(),
      aclTags,
    };
    this.keys.push(key);
    return ok({ preAuthKey: this.keyJson(key, true) });
  }

  private expireKey(request: RecordedRequest): SimulatedAnswer {
    const body = asObject(request.body);
    let key: KeyRecord | undefined;
    if (this.atLeast("0.28")) {
      const id = parseUint64(body.id);
      if (id === "invalid") return rpcError(GRPC.invalidArgument, "invalid value for uint64 field id");
      key = this.keys.find((candidate) => candidate.id === id);
    } else {
      const owner = this.keyOwner(body.user);
      if ("error" in owner) return owner.error;
      key = this.keys.find((candidate) => candidate.key === body.key);
      if (key && key.user !== owner.record) {
        return rpcError(GRPC.unknown, this.atLeast("0.26") ? "preauth key does not belong to user" : "AuthKey not found");
      }
    }
    if (!key) return rpcError(GRPC.unknown, "AuthKey not found");
    key.expiration = new Date();
    return ok({});
  }

  /**
   * The user a pre-auth key request names: by name up to 0.25, by numeric id from 0.26 (a name
   * there fails to parse, as protojson does). `record` is null when no such user exists.
   */
  private keyOwner(value: unknown): { record: UserRecord | null } | { error: SimulatedAnswer } {
    if (!this.atLeast("0.26")) {
      return { record: this.users.find((user) => typeof value === "string" && user.name === value) ?? null };
    }
    const id = parseUint64(value);
    if (id === "invalid") {
      return { error: rpcError(GRPC.invalidArgument, `proto: invalid value for uint64 field user: ${JSON.stringify(value)}`) };
    }
    return { record: this.users.find((user) => user.id === id) ?? null };
  }

  private consumeKey(secret: string): KeyRecord {
    const key = this.keys.find((candidate) => candidate.key === secret);
    if (!key) throw new AuthKeyRejected("unknown");
    if (key.expiration && key.expiration.getTime() <= Date.now()) throw new AuthKeyRejected("expired");
    if (key.used && !key.reusable) throw new AuthKeyRejected("used");
    key.used = true;
    return key;
  }

  private ownerFor(name: string | undefined): UserRecord | null {
    if (name === undefined) return this.users[0] ?? null;
    if (!this.users.some((user) => user.name === name)) this.addUser(name);
    return this.users.find((user) => user.name === name) ?? null;
  }

  private nodeView(node: NodeRecord): SimulatedHeadscaleNode {
    return {
      id: String(node.id),
      hostname: node.hostname,
      ips: [...node.ips],
      tags: effectiveTags(node),
      user: node.user?.name ?? null,
      online: node.online,
      expiry: node.expiry,
    };
  }

  private userJson(user: UserRecord): Record<string, unknown> {
    const base = { id: String(user.id), name: user.name, createdAt: user.createdAt.toISOString() };
    if (!this.atLeast("0.24")) return base;
    return { ...base, displayName: "", email: "", providerId: "", provider: "", profilePicUrl: "" };
  }

  /** From 0.28 the full key is shown only when it is created; listings show its prefix. */
  private keyJson(key: KeyRecord, reveal: boolean): Record<string, unknown> {
    const newFormat = key.key.startsWith(NEW_KEY_PREFIX);
    const shown = newFormat && !reveal ? `${key.key.slice(0, NEW_KEY_PREFIX.length + 12)}-***` : key.key;
    let user: unknown = null;
    if (!this.atLeast("0.26")) user = key.user?.name ?? "";
    else if (key.user) user = this.userJson(key.user);
    return {
      user,
      id: String(key.id),
      key: shown,
      reusable: key.reusable,
      ephemeral: key.ephemeral,
      used: key.used,
      expiration: key.expiration?.toISOString() ?? null,
      createdAt: key.createdAt.toISOString(),
      aclTags: [...key.aclTags],
    };
  }

  private nodeJson(node: NodeRecord): Record<string, unknown> {
    const json: Record<string, unknown> = {
      id: String(node.id),
      machineKey: node.machineKey,
      nodeKey: node.nodeKey,
      discoKey: node.discoKey,
      ipAddresses: [...node.ips],
      name: node.hostname,
      user: node.user ? this.userJson(node.user) : null,
      lastSeen: node.lastSeen.toISOString(),
      // Up to 0.25 a node joined with a key got Go's zero time; from 0.26 no expiry is null.
      expiry: node.expiry?.toISOString() ?? (this.atLeast("0.26") ? null : "0001-01-01T00:00:00Z"),
      preAuthKey: node.authKey ? this.keyJson(node.authKey, false) : null,
      createdAt: node.createdAt.toISOString(),
      registerMethod: node.authKey ? "REGISTER_METHOD_AUTH_KEY" : "REGISTER_METHOD_CLI",
      givenName: node.hostname.toLowerCase(),
      online: node.online,
    };
    if (!this.atLeast("0.28")) {
      // A key's tags are forced on the node; requested tags count as valid (the policy allows them).
      json.forcedTags = [...(node.authKey?.aclTags ?? [])];
      json.invalidTags = [];
      json.validTags = [...node.requestedTags];
    }
    if (this.atLeast("0.26")) {
      json.approvedRoutes = [];
      json.availableRoutes = [];
      json.subnetRoutes = [];
    }
    if (this.atLeast("0.28")) json.tags = effectiveTags(node);
    return json;
  }
}

function effectiveTags(node: NodeRecord): string[] {
  return [...new Set([...(node.authKey?.aclTags ?? []), ...node.requestedTags])];
}

/** Headscale's validateTag. */
function tagProblem(tag: string): string | null {
  if (!tag.startsWith("tag:")) return "tag must start with the string 'tag:'";
  if (tag.toLowerCase() !== tag) return "tag should be lowercase";
  if (/\s/.test(tag)) return "tag should not contains space";
  return null;
}
