/**
 * A simulated Tailscale API (v2): a tailnet's devices, auth keys, device removal, with the field
 * names of the published device and key objects. Errors are {"message": ...} as the real API sends
 * them. A test models "the Windows host joined" with registerDevice().
 */
import {
  AuthKeyRejected,
  SimulatedControlServer,
  randomHex,
  type RecordedRequest,
  type SimulatedAnswer,
} from "./control-servers";

export interface SimulatedTailscaleOptions {
  apiKey?: string;
  /** The tailnet's name; "-" in a path also means it. Default "example.com". */
  tailnet?: string;
}

export interface DeviceRegistration {
  hostname: string;
  /** Default: the next free 100.100.0.x and fd7a:115c:a1e0:ab12::x. */
  ips?: string[];
  tags?: string[];
  /** Join with this auth key; a key the real service would refuse throws AuthKeyRejected. */
  authKey?: string;
  /** Default true. */
  online?: boolean;
}

export interface SimulatedDevice {
  id: string;
  nodeId: string;
  hostname: string;
  name: string;
  addresses: string[];
  tags: string[];
  online: boolean;
}

export interface SimulatedAuthKey {
  id: string;
  key: string;
  reusable: boolean;
  ephemeral: boolean;
  preauthorized: boolean;
  tags: string[];
  expirySeconds: number;
  description: string;
  used: boolean;
  created: Date;
  expires: Date;
}

/** What the API accepts for expirySeconds: up to 90 days. */
const MAX_KEY_EXPIRY_SECONDS = 90 * 24 * 3600;

/** What POST /tailnet/{tailnet}/keys takes, as far as the simulator reads it. */
interface CreateKeyBody {
  capabilities?: { devices?: { create?: Record<string, unknown> } };
  expirySeconds?: unknown;
  description?: unknown;
}

interface DeviceRecord extends SimulatedDevice {
  created: Date;
  machineKey: string;
  nodeKey: string;
  tailnetLockKey: string;
}

export class SimulatedTailscaleApi extends SimulatedControlServer {
  private readonly devices: DeviceRecord[] = [];
  private readonly keys: SimulatedAuthKey[] = [];
  private nextDevice = 1;

  private constructor(readonly tailnet: string, apiKey?: string) {
    super(apiKey);
  }

  static async start(options: SimulatedTailscaleOptions = {}): Promise<SimulatedTailscaleApi> {
    const server = new SimulatedTailscaleApi(options.tailnet ?? "example.com", options.apiKey);
    await server.listen();
    return server;
  }

  registerDevice(registration: DeviceRegistration): SimulatedDevice {
    const key = registration.authKey === undefined ? undefined : this.consumeKey(registration.authKey);
    const number = this.nextDevice++;
    const device: DeviceRecord = {
      id: String(100000 + number),
      nodeId: `n${randomHex(10)}CNTRL`,
      hostname: registration.hostname,
      name: `${registration.hostname.toLowerCase()}.tail${randomHex(4)}.ts.net`,
      addresses: registration.ips ?? [`100.100.0.${number}`, `fd7a:115c:a1e0:ab12::${number}`],
      tags: [...new Set([...(key?.tags ?? []), ...(registration.tags ?? [])])],
      online: registration.online ?? true,
      created: new Date(),
      machineKey: `mkey:${randomHex(64)}`,
      nodeKey: `nodekey:${randomHex(64)}`,
      tailnetLockKey: `tlpub:${randomHex(64)}`,
    };
    this.devices.push(device);
    return deviceView(device);
  }

  removeDevice(id: string): void {
    const index = this.devices.findIndex((device) => device.nodeId === id || device.id === id);
    if (index >= 0) this.devices.splice(index, 1);
  }

  listDevices(): SimulatedDevice[] {
    return this.devices.map(deviceView);
  }

  /** Keys not revoked, oldest first. */
  authKeys(): SimulatedAuthKey[] {
    return this.keys.map((key) => ({ ...key }));
  }

  /** Also accepts the token as a Basic user name, as the real API does. */
  protected override authorized(header: string | undefined): boolean {
    const basic = `Basic ${Buffer.from(`${this.apiKey}:`).toString("base64")}`;
    return super.authorized(header) || header === basic;
  }

  protected refusal(): SimulatedAnswer {
    return { status: 401, body: { message: "API token invalid" } };
  }

  protected internalError(): SimulatedAnswer {
    return { status: 500, body: { message: "internal server error" } };
  }

  protected malformedBody(message: string): SimulatedAnswer {
    return fail(400, `invalid JSON: ${message}`);
  }

  protected route(request: RecordedRequest): SimulatedAnswer {
    const { method, path } = request;
    const inTailnet = path.match(/^\/api\/v2\/tailnet\/([^/]+)\/(devices|keys)(?:\/([^/]+))?$/);
    if (inTailnet) {
      const [, tailnet = "", collection, id] = inTailnet;
      if (tailnet !== "-" && decodeURIComponent(tailnet) !== this.tailnet) return fail(404, "tailnet not found");
      if (collection === "devices" && !id && method === "GET") return ok({ devices: this.devices.map(deviceJson) });
      if (collection === "keys" && !id && method === "POST") return this.createKey(request.body);
      if (collection === "keys" && id && method === "DELETE") return this.deleteKey(decodeURIComponent(id));
    }
    const device = path.match(/^\/api\/v2\/device\/([^/]+)$/);
    if (device && method === "DELETE") return this.deleteDevice(decodeURIComponent(device[1] ?? ""));
    return fail(404, "not found");
  }

  private createKey(body: unknown): SimulatedAnswer {
    const request = body as CreateKeyBody | undefined;
    const create = request?.capabilities?.devices?.create;
    if (!create || typeof create !== "object") return fail(400, "capabilities.devices.create is required");
    const tags = Array.isArray(create.tags) ? create.tags.filter((tag): tag is string => typeof tag === "string") : [];
    const badTags = tags.filter((tag) => !/^tag:[a-z0-9-]+$/i.test(tag));
    if (badTags.length > 0) return fail(400, `requested tags [${badTags.join(", ")}] are invalid or not permitted`);
    const expirySeconds = Number.isInteger(request?.expirySeconds) ? Number(request?.expirySeconds) : 0;
    if (expirySeconds < 1 || expirySeconds > MAX_KEY_EXPIRY_SECONDS) {
      return fail(400, `expirySeconds must be between 1 and ${MAX_KEY_EXPIRY_SECONDS}`);
    }
    const id = `k${randomHex(10)}CNTRL`;
    const created = new Date();
    const key: SimulatedAuthKey = {
      id,
      key: `tskey-auth-${id}-${randomHex(32)}`,
      reusable: create.reusable === true,
      ephemeral: create.ephemeral === true,
      preauthorized: create.preauthorized === true,
      tags,
      expirySeconds,
      description: typeof request?.description === "string" ? request.description : "",
      used: false,
      created,
      expires: new Date(created.getTime() + expirySeconds * 1000),
    };
    this.keys.push(key);
    return ok({
      id: key.id,
      key: key.key,
      description: key.description,
      created: key.created.toISOString(),
      expires: key.expires.toISOString(),
      invalid: false,
      capabilities: {
        devices: { create: { reusable: key.reusable, ephemeral: key.ephemeral, preauthorized: key.preauthorized, tags } },
      },
    });
  }

  private deleteKey(id: string): SimulatedAnswer {
    const index = this.keys.findIndex((key) => key.id === id);
    if (index < 0) return fail(404, "key not found");
    this.keys.splice(index, 1);
    return ok();
  }

  private deleteDevice(id: string): SimulatedAnswer {
    const before = this.devices.length;
    this.removeDevice(id);
    return this.devices.length < before ? ok() : fail(404, "device not found");
  }

  private consumeKey(secret: string): SimulatedAuthKey {
    const key = this.keys.find((candidate) => candidate.key === secret);
    if (!key) throw new AuthKeyRejected("unknown");
    if (key.expires.getTime() <= Date.now()) throw new AuthKeyRejected("expired");
    if (key.used && !key.reusable) throw new AuthKeyRejected("used");
    key.used = true;
    return key;
  }
}

function ok(body?: unknown): SimulatedAnswer {
  return { status: 200, body };
}

function fail(status: number, message: string): SimulatedAnswer {
  return { status, body: { message } };
}

function deviceView(device: DeviceRecord): SimulatedDevice {
  const { id, nodeId, hostname, name, addresses, tags, online } = device;
  return { id, nodeId, hostname, name, addresses: [...addresses], tags: [...tags], online };
}

/** The device object as the list call returns it with the default field set. */
function deviceJson(device: DeviceRecord): Record<string, unknown> {
  const json: Record<string, unknown> = {
    addresses: [...device.addresses],
    id: device.id,
    nodeId: device.nodeId,
    user: "admin@example.com",
    name: device.name,
    hostname: device.hostname,
    clientVersion: "1.90.6-t0123456789-gabcdef012",
    updateAvailable: false,
    os: "windows",
    created: device.created.toISOString(),
    connectedToControl: device.online,
    keyExpiryDisabled: device.tags.length > 0,
    expires: device.tags.length > 0 ? "0001-01-01T00:00:00Z" : new Date(Date.now() + 180 * 24 * 3600 * 1000).toISOString(),
    authorized: true,
    isExternal: false,
    machineKey: device.machineKey,
    nodeKey: device.nodeKey,
    blocksIncomingConnections: false,
    tags: [...device.tags],
    tailnetLockError: "",
    tailnetLockKey: device.tailnetLockKey,
  };
  // lastSeen is absent while the device is connected.
  if (!device.online) json.lastSeen = new Date(Date.now() - 3600 * 1000).toISOString();
  return json;
}
