/**
 * A simulated Tailscale API (v2): a tailnet's devices, auth keys, device removal and key expiry,
 * with the field names of the published device and key objects. Errors are {"message": ...} as the
 * real API sends them. It takes the API access token (`apiKey`, full access) or access tokens of
 * OAuth clients a test adds (`oauth.addClient`, see tailscale-oauth.ts: scopes, tags, expiry).
 * A test models "the Windows host joined" with registerDevice().
 */
import type { IncomingHttpHeaders } from "node:http";
import {
  AuthKeyRejected,
  SimulatedControlServer,
  randomHex,
  type RecordedRequest,
  type SimulatedAnswer,
} from "./control-servers";
import { deviceJson, deviceView, newDevice, type DeviceRecord, type DeviceRegistration, type SimulatedDevice } from "./tailscale-devices";
import { OAUTH_TOKEN_PATH, SimulatedOAuth, TOKEN_REFUSED, tagsRefused, type ScopeNeed, type SimulatedOAuthClient } from "./tailscale-oauth";

export type { DeviceRegistration, SimulatedDevice } from "./tailscale-devices";

export interface SimulatedTailscaleOptions {
  apiKey?: string;
  /** The tailnet's name; "-" in a path also means it. Default "example.com". */
  tailnet?: string;
  /** The policy's tagOwners: for each tag, the tags that own it (an OAuth client may mint those). */
  tagOwners?: Record<string, string[]>;
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

export class SimulatedTailscaleApi extends SimulatedControlServer {
  /** OAuth clients and their access tokens. */
  readonly oauth: SimulatedOAuth;
  private readonly devices: DeviceRecord[] = [];
  private readonly keys: SimulatedAuthKey[] = [];
  private nextDevice = 1;
  /**
   * The OAuth client of the request being answered (null for the API access token). Set by admit()
   * and read by the route in the same synchronous turn.
   */
  private caller: SimulatedOAuthClient | null = null;

  private constructor(readonly tailnet: string, options: SimulatedTailscaleOptions) {
    super(options.apiKey);
    this.oauth = new SimulatedOAuth(options.tagOwners);
  }

  static async start(options: SimulatedTailscaleOptions = {}): Promise<SimulatedTailscaleApi> {
    const server = new SimulatedTailscaleApi(options.tailnet ?? "example.com", options);
    await server.listen();
    return server;
  }

  registerDevice(registration: DeviceRegistration): SimulatedDevice {
    const key = registration.authKey === undefined ? undefined : this.consumeKey(registration.authKey);
    const device = newDevice(this.nextDevice++, registration, key?.tags ?? []);
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

  /** The API access token may do everything; an OAuth access token what its client's scopes allow. */
  protected override admit(request: RecordedRequest, authorization: string | undefined): SimulatedAnswer | null {
    this.caller = null;
    if (this.authorized(authorization)) return null;
    const client = this.oauth.clientFor(authorization);
    if (!client) return this.refusal();
    this.caller = client;
    return this.oauth.checkScope(client, scopeNeeded(request));
  }

  protected override openRoute(request: RecordedRequest, text: string, headers: IncomingHttpHeaders): SimulatedAnswer | undefined {
    if (request.path !== OAUTH_TOKEN_PATH || request.method !== "POST") return undefined;
    // Recorded without the secret: the request log is for checking shapes, not for holding secrets.
    const form = Object.fromEntries(new URLSearchParams(text));
    if (form.client_secret !== undefined) form.client_secret = "(given)";
    request.body = form;
    return this.oauth.tokenAnswer(text, headers);
  }

  protected refusal(): SimulatedAnswer {
    return { status: 401, body: { message: TOKEN_REFUSED } };
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
    const device = path.match(/^\/api\/v2\/device\/([^/]+)(\/key)?$/);
    const deviceId = decodeURIComponent(device?.[1] ?? "");
    if (device && !device[2] && method === "DELETE") return this.deleteDevice(deviceId);
    if (device?.[2] && method === "POST") return this.setDeviceKey(deviceId, request.body);
    return fail(404, "not found");
  }

  private createKey(body: unknown): SimulatedAnswer {
    const request = body as CreateKeyBody | undefined;
    const create = request?.capabilities?.devices?.create;
    if (!create || typeof create !== "object") return fail(400, "capabilities.devices.create is required");
    const tags = Array.isArray(create.tags) ? create.tags.filter((tag): tag is string => typeof tag === "string") : [];
    if (tags.some((tag) => !/^tag:[a-z0-9-]+$/i.test(tag))) return tagsRefused(tags);
    const refused = this.caller ? this.oauth.checkTags(this.caller, tags) : null;
    if (refused) return refused;
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

  /** POST /device/{id}/key: keyExpiryDisabled true or false; absent changes nothing. */
  private setDeviceKey(id: string, body: unknown): SimulatedAnswer {
    const device = this.devices.find((candidate) => candidate.nodeId === id || candidate.id === id);
    if (!device) return fail(404, "device not found");
    const disabled = (body as { keyExpiryDisabled?: unknown } | undefined)?.keyExpiryDisabled;
    if (typeof disabled === "boolean") device.keyExpiryDisabled = disabled;
    return ok({});
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

/** Which scope a call needs, by the trust-credentials table. */
function scopeNeeded(request: RecordedRequest): ScopeNeed {
  const write = request.method !== "GET";
  return /\/keys(\/|$)/.test(request.path) ? { scope: "auth_keys", write } : { scope: "devices:core", write };
}
