/**
 * The control-server clients the lifecycle uses: node lookup during refresh, key minting at create,
 * node removal at delete, key expiry; and pure judgements of what a refresh learns (key expiry,
 * duplicate nodes).
 */
import { Redactor } from "../common/redact";
import { HeadscaleClient } from "./headscale";
import { TailscaleClient } from "./tailscale";
import type { ControlServerClient, ControlServerSettings } from "./types";

export * from "./types";
export { HeadscaleClient } from "./headscale";
export type { HeadscaleDialect } from "./headscale-dialect";
export { TailscaleClient, TAILSCALE_API_URL, DEFAULT_TAILNET } from "./tailscale";
export { keyExpiryFinding, keyExpiryOf, type KeyExpiryFinding } from "./key-expiry";
export { credentialProblem, type CredentialProblem } from "./credentials";
export { findDuplicates, type DuplicateFinding, type HostIdentity, type NodeClaim, type ClaimReason } from "./duplicates";

/**
 * Pass the operation's Redactor: the client adds the API key (or OAuth client secret and its access
 * tokens) and every key it mints to it, so whatever else the operation prints stays clean too.
 */
export function createControlClient(settings: ControlServerSettings, redactor: Redactor = new Redactor()): ControlServerClient {
  return settings.kind === "headscale" ? new HeadscaleClient(settings, redactor) : new TailscaleClient(settings, redactor);
}
