/**
 * Tailscale's API (v2): devices of a tailnet, auth keys, device removal, a device's key expiry. Field
 * names follow the published device and key objects (tailscale/tailscale publicapi/device.md,
 * tailscale-client-go-v2): a device has `nodeId` (preferred) and a legacy numeric `id`, `name` is its
 * MagicDNS FQDN, `hostname` what the machine reported, `connectedToControl` whether it is connected
 * now, `lastSeen` is absent while it is, and `expires` + `keyExpiryDisabled` say when its key expires.
 *
 * The client authenticates with an API access token or an OAuth client (see credentials.ts). Keys an
 * OAuth client mints belong to the tailnet and must carry tags the client owns (publicapi/tailnet.md,
 * "Create auth key"), so a tagless request is refused here before anything is sent.
 */
import { z } from "zod";
import { MeshError } from "../common/errors";
import { Redactor } from "../common/redact";
import { chooseCredential, oauthTagsProblem } from "./credentials";
import { ControlApi, isSuccess, parseBaseUrl, type ApiRequest, type ApiResponse, type AuthHints } from "./http";
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

export const TAILSCALE_API_URL = "https://api.tailscale.com";
/** The tailnet of the API token. */
export const DEFAULT_TAILNET = "-";

const DeviceAnswer = z.object({
  id: z.string().nullish(),
  nodeId: z.string().nullish(),
  name: z.string(),
  hostname: z.string().nullish(),
  addresses: z.array(z.string()).nullish(),
  connectedToControl: z.boolean().nullish(),
  lastSeen: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  expires: z.string().nullish(),
  keyExpiryDisabled: z.boolean().nullish(),
});
type DeviceAnswer = z.infer<typeof DeviceAnswer>;

const ListDevicesAnswer = z.object({ devices: z.array(DeviceAnswer).nullish() });
const CreateKeyAnswer = z.object({ id: z.string(), key: z.string() });

const API_TOKEN_HINTS: AuthHints = {
  unauthorized:
    "the API access token is wrong, expired or revoked: create one at https://login.tailscale.com/admin/settings/keys and set controlServer.apiKey, or use an OAuth client (controlServer.oauthClientId and oauthClientSecret), which does not expire",
  forbidden: "the token's owner lacks a permission: an API access token must belong to an Owner, Admin, IT admin or Network admin",
};

const OAUTH_HINTS: AuthHints = {
  unauthorized:
    "the API refused a fresh access token of the OAuth client: the client may have been revoked; check it under https://login.tailscale.com/admin/settings/trust-credentials",
  forbidden:
    "the OAuth client lacks a scope: give it auth_keys (to mint keys) and devices:core (to list, remove and change devices), or create a new client with both",
};

/** The scopes Tailscale's trust credentials define for what this client does. */
const SCOPE = { keys: "auth_keys", devices: "devices:core" } as const;

/** How the API words a refusal of the requested tags. */
const TAGS_REFUSED = /invalid or not permitted/i;

/** Shown in the admin console next to each minted key. */
const KEY_DESCRIPTION = "mesh-windows-node";

export class TailscaleClient implements ControlServerClient {
  readonly label: string;
  private readonly api: ControlApi;
  private readonly tailnetPath: string;
  private readonly oauth: boolean;

  constructor(
    settings: ControlServerSettings,
    private readonly redactor: Redactor = new Redactor(),
  ) {
    const url = settings.url ?? TAILSCALE_API_URL;
    const tailnet = settings.tailnet ?? DEFAULT_TAILNET;
    this.label = `tailscale ${url} (tailnet ${tailnet})`;
    this.tailnetPath = `/api/v2/tailnet/${encodeURIComponent(tailnet)}`;
    const baseUrl = parseBaseUrl(url, this.label);
    const timeoutMs = settings.timeoutMs ?? DEFAULT_CONTROL_TIMEOUT_MS;
    const { credential, oauth } = chooseCredential(settings, { serverLabel: this.label, baseUrl, timeoutMs, redactor });
    this.oauth = oauth;
    this.api = new ControlApi({
      serverLabel: this.label,
      baseUrl,
      credential,
      timeoutMs,
      redactor,
      authHints: oauth ? OAUTH_HINTS : API_TOKEN_HINTS,
    });
  }

  async findNode(query: NodeQuery): Promise<ControlNode | null> {
    return pickNode(await this.devices("find node"), query);
  }

  listNodes(): Promise<ControlNode[]> {
    return this.devices("list nodes");
  }

  async mintAuthKey(request: AuthKeyRequest): Promise<MintedAuthKey> {
    checkAuthKeyRequest(request, this.label);
    const purpose = "mint auth key";
    const tagless = this.oauth ? oauthTagsProblem(request.tags) : null;
    if (tagless) {
      throw new MeshError(tagless.summary, { kind: "invalid-input", host: this.label, step: purpose, seen: "no tags were asked for this node", hint: tagless.hint });
    }
    const body = {
      capabilities: {
        devices: {
          // Preauthorized: usable without an admin approving it. Ephemeral is always sent, as false:
          // Tailscale's CLI makes OAuth-minted keys ephemeral unless told otherwise, wrong for a server.
          create: { reusable: request.reusable, ephemeral: request.ephemeral, preauthorized: true, tags: request.tags },
        },
      },
      expirySeconds: request.expirySeconds,
      description: KEY_DESCRIPTION,
    };
    const apiRequest: ApiRequest = { purpose, method: "POST", path: `${this.tailnetPath}/keys`, body, scope: SCOPE.keys };
    const response = await this.api.send(apiRequest);
    if (!isSuccess(response)) throw this.mintFailure(apiRequest, response);
    const answer = this.api.parse(apiRequest, response, CreateKeyAnswer);
    this.redactor.add(answer.key);
    return { key: answer.key, id: answer.id };
  }

  async expireAuthKey(key: AuthKeyReference): Promise<void> {
    await this.removeAuthKey(key);
  }

  /** Tailscale has no separate expiry: deleting a key revokes it. */
  async removeAuthKey(key: AuthKeyReference): Promise<"removed"> {
    await this.deleteIfPresent({
      purpose: "remove auth key",
      method: "DELETE",
      path: `${this.tailnetPath}/keys/${encodeURIComponent(key.id)}`,
      scope: SCOPE.keys,
    });
    return "removed";
  }

  async disableKeyExpiry(id: string): Promise<void> {
    const purpose = "disable key expiry";
    this.requireId(id, purpose);
    const path = `/api/v2/device/${encodeURIComponent(id)}/key`;
    await this.api.call({ purpose, method: "POST", path, body: { keyExpiryDisabled: true }, scope: SCOPE.devices }, z.unknown());
  }

  /** Every tailnet's devices can have key expiry disabled (with the devices:core scope). */
  async canDisableKeyExpiry(): Promise<boolean> {
    return true;
  }

  async deleteNode(id: string): Promise<void> {
    const purpose = "delete node";
    this.requireId(id, purpose);
    await this.deleteIfPresent({ purpose, method: "DELETE", path: `/api/v2/device/${encodeURIComponent(id)}`, scope: SCOPE.devices });
  }

  private requireId(id: string, purpose: string): void {
    if (id) return;
    throw new MeshError("no device id given", { kind: "invalid-input", host: this.label, step: purpose, hint: "pass the id findNode returned" });
  }

  /** A refusal of the tags, with an OAuth client, is about which tags the client may mint. */
  private mintFailure(request: ApiRequest, response: ApiResponse): MeshError {
    const refusedTags = response.status === 400 && TAGS_REFUSED.test(response.text);
    if (!this.oauth || !refusedTags) return this.api.failure(request, response);
    return this.api.failure(
      request,
      response,
      "an OAuth client may only mint keys whose tags are exactly its own tags, or tags those tags own (tagOwners in the policy): set advertiseTags to match the client's tags, or give the client these tags",
    );
  }

  private async devices(purpose: string): Promise<ControlNode[]> {
    const request: ApiRequest = { purpose, method: "GET", path: `${this.tailnetPath}/devices`, scope: SCOPE.devices };
    const answer = await this.api.call(request, ListDevicesAnswer);
    return (answer.devices ?? []).flatMap(toControlNode);
  }

  /** A 404 means it is already gone, which is what the caller wants. */
  private async deleteIfPresent(request: ApiRequest): Promise<void> {
    const response = await this.api.send(request);
    if (isSuccess(response) || response.status === 404) return;
    throw this.api.failure(request, response);
  }
}

/** A device without any id cannot be acted on; such an entry is skipped. */
function toControlNode(device: DeviceAnswer): ControlNode[] {
  const id = device.nodeId || device.id;
  if (!id) return [];
  return [
    {
      id,
      name: device.name,
      hostname: device.hostname ?? undefined,
      ipAddresses: device.addresses ?? [],
      online: device.connectedToControl ?? null,
      lastSeen: device.lastSeen || null,
      tags: device.tags ?? [],
      keyExpiry: device.keyExpiryDisabled ? null : keyExpiryOf(device.expires),
    },
  ];
}
