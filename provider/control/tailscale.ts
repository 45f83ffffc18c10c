/**
 * Tailscale's API (v2): devices of a tailnet, auth keys, device removal. Field names follow the
 * published device and key objects (tailscale/tailscale publicapi/device.md, tailscale-client-go-v2):
 * a device has `nodeId` (preferred) and a legacy numeric `id`, `name` is its MagicDNS FQDN,
 * `hostname` what the machine reported, `connectedToControl` whether it is connected now, and
 * `lastSeen` is absent while it is.
 */
import { z } from "zod";
import { MeshError } from "../common/errors";
import { Redactor } from "../common/redact";
import { ControlApi, isSuccess, parseBaseUrl, type ApiRequest } from "./http";
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
});
type DeviceAnswer = z.infer<typeof DeviceAnswer>;

const ListDevicesAnswer = z.object({ devices: z.array(DeviceAnswer).nullish() });
const CreateKeyAnswer = z.object({ id: z.string(), key: z.string() });

const TAILSCALE_AUTH_HINTS = {
  unauthorized:
    "the API access token is wrong, expired or revoked: create one at https://login.tailscale.com/admin/settings/keys (or use an OAuth client's token) and set controlServer.apiKey",
  forbidden:
    "the token lacks a permission: an OAuth client needs the devices:core and auth_keys scopes (and the tags it mints keys for); a personal token needs an Owner, Admin, IT admin or Network admin",
};

/** Shown in the admin console next to each minted key. */
const KEY_DESCRIPTION = "mesh-windows-node";

export class TailscaleClient implements ControlServerClient {
  readonly label: string;
  private readonly api: ControlApi;
  private readonly tailnetPath: string;

  constructor(
    settings: ControlServerSettings,
    private readonly redactor: Redactor = new Redactor(),
  ) {
    const url = settings.url ?? TAILSCALE_API_URL;
    const tailnet = settings.tailnet ?? DEFAULT_TAILNET;
    this.label = `tailscale ${url} (tailnet ${tailnet})`;
    this.tailnetPath = `/api/v2/tailnet/${encodeURIComponent(tailnet)}`;
    redactor.add(settings.apiKey);
    this.api = new ControlApi({
      serverLabel: this.label,
      baseUrl: parseBaseUrl(url, this.label),
      apiKey: settings.apiKey,
      timeoutMs: settings.timeoutMs ?? DEFAULT_CONTROL_TIMEOUT_MS,
      redactor,
      authHints: TAILSCALE_AUTH_HINTS,
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
    const body = {
      capabilities: {
        devices: {
          // Preauthorized: the node is usable without an admin approving it in the console.
          create: { reusable: request.reusable, ephemeral: request.ephemeral, preauthorized: true, tags: request.tags },
        },
      },
      expirySeconds: request.expirySeconds,
      description: KEY_DESCRIPTION,
    };
    const answer = await this.api.call(
      { purpose: "mint auth key", method: "POST", path: `${this.tailnetPath}/keys`, body },
      CreateKeyAnswer,
    );
    this.redactor.add(answer.key);
    return { key: answer.key, id: answer.id };
  }

  async expireAuthKey(key: AuthKeyReference): Promise<void> {
    await this.deleteIfPresent({
      purpose: "expire auth key",
      method: "DELETE",
      path: `${this.tailnetPath}/keys/${encodeURIComponent(key.id)}`,
    });
  }

  async deleteNode(id: string): Promise<void> {
    if (!id) {
      throw new MeshError("no device id to delete", {
        kind: "invalid-input",
        host: this.label,
        step: "delete node",
        hint: "pass the id findNode returned",
      });
    }
    await this.deleteIfPresent({ purpose: "delete node", method: "DELETE", path: `/api/v2/device/${encodeURIComponent(id)}` });
  }

  private async devices(purpose: string): Promise<ControlNode[]> {
    const request: ApiRequest = { purpose, method: "GET", path: `${this.tailnetPath}/devices` };
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
    },
  ];
}
