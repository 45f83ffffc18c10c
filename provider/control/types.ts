/**
 * What the provider asks of a control server (Headscale, or Tailscale's API): is this Windows host a
 * node yet (refresh, without running the Tailscale CLI on the host), a single-use auth key for it
 * (create), and removing it (delete).
 */
import { MeshError } from "../common/errors";
import type { ControlServerInput } from "../node/types";

export type { ControlServerKind } from "../node/types";

/**
 * The fields of the resource's `controlServer` input that reach the server (declared once, in
 * provider/node/spec/control-server.ts), plus a per-request timeout.
 */
export type ControlServerSettings = Pick<
  ControlServerInput,
  "kind" | "url" | "apiKey" | "oauthClientId" | "oauthClientSecret" | "tailnet" | "user"
> & {
  /** Per HTTP request, default 10 s. */
  timeoutMs?: number;
};

export const DEFAULT_CONTROL_TIMEOUT_MS = 10_000;

export interface ControlNode {
  /** The id the server's API takes (Headscale: numeric string; Tailscale: nodeId). */
  id: string;
  /** The node's name in the tailnet (Headscale givenName; Tailscale's MagicDNS name). */
  name: string;
  /** The host name the node reported. */
  hostname?: string;
  ipAddresses: string[];
  /** Connected to the control server now; null when the server does not say. */
  online: boolean | null;
  /** RFC 3339; null when unknown (or, on Tailscale, while connected). */
  lastSeen: string | null;
  tags: string[];
  /**
   * When the node's key expires (RFC 3339); null when it never does: expiry disabled for the node
   * (Tailscale's keyExpiryDisabled, tagged nodes by default) or none set (Headscale's null or zero expiry).
   */
  keyExpiry: string | null;
}

export interface NodeQuery {
  /** Matched case-insensitively against the node's name and host name. */
  hostname: string;
  /** Tailscale addresses the host is known to have; any one matching identifies the node. */
  ips?: string[];
}

/**
 * Minted keys are always single use and never ephemeral (a Windows server must survive reboots);
 * the two fields let the call site say so.
 */
export interface AuthKeyRequest {
  tags: readonly string[];
  /** Lifetime of the unused key; keep it short (minutes), it only has to outlive the join. */
  expirySeconds: number;
  reusable: false;
  ephemeral: false;
}

export interface MintedAuthKey {
  /** Secret: already added to the client's Redactor. */
  key: string;
  /** The server's id for the key, used to expire it. */
  id: string;
}

/**
 * A key to expire: its id, and its text when the caller still has it. Headscale up to 0.27 expires a
 * key by its text; without it the client looks the text up by id.
 */
export type AuthKeyReference = Pick<MintedAuthKey, "id"> & Partial<Pick<MintedAuthKey, "key">>;

export interface ControlServerClient {
  /** e.g. "headscale https://hs.example.com"; used in errors and progress lines. */
  readonly label: string;
  /** The best match by address, then by name (online and recently seen first); null when none. */
  findNode(query: NodeQuery): Promise<ControlNode | null>;
  /** Every node of the server (of the tailnet), for callers that match them themselves. */
  listNodes(): Promise<ControlNode[]>;
  mintAuthKey(request: AuthKeyRequest): Promise<MintedAuthKey>;
  /** Makes the key unusable; expiring it again is not an error. */
  expireAuthKey(key: AuthKeyReference): Promise<void>;
  /**
   * Removes the key from the server where its API can (Tailscale; Headscale from 0.28), else expires
   * it; says which was done. A key already gone counts as removed.
   */
  removeAuthKey(key: AuthKeyReference): Promise<"removed" | "expired">;
  /** Removes the node. A node the server no longer has counts as done. */
  deleteNode(id: string): Promise<void>;
  /**
   * Makes the node's key never expire. Throws an "unsupported" MeshError naming the server's version
   * where its API cannot (Headscale before 0.29), before anything is changed.
   */
  disableKeyExpiry(id: string): Promise<void>;
  /** Whether disableKeyExpiry can work on this server (Tailscale; Headscale from 0.29); changes nothing. */
  canDisableKeyExpiry(): Promise<boolean>;
}

/** Rejects requests that would mint a useless key, before anything is sent. */
export function checkAuthKeyRequest(request: AuthKeyRequest, serverLabel: string): void {
  if (!Number.isInteger(request.expirySeconds) || request.expirySeconds < 1) {
    throw new MeshError("an auth key needs a lifetime of at least one second", {
      kind: "invalid-input",
      host: serverLabel,
      step: "mint auth key",
      seen: `expirySeconds = ${request.expirySeconds}`,
      hint: "pass a whole number of seconds, e.g. 900",
    });
  }
}
