/**
 * The control-server clients the lifecycle uses: node lookup during refresh, key minting at create,
 * node removal at delete.
 */
import { Redactor } from "../common/redact";
import { HeadscaleClient } from "./headscale";
import { TailscaleClient } from "./tailscale";
import type { ControlServerClient, ControlServerSettings } from "./types";

export * from "./types";
export { HeadscaleClient, type HeadscaleDialect } from "./headscale";
export { TailscaleClient, TAILSCALE_API_URL, DEFAULT_TAILNET } from "./tailscale";

/**
 * Pass the operation's Redactor: the client adds the API key and every key it mints to it, so
 * whatever else the operation prints stays clean too.
 */
export function createControlClient(settings: ControlServerSettings, redactor: Redactor = new Redactor()): ControlServerClient {
  return settings.kind === "headscale" ? new HeadscaleClient(settings, redactor) : new TailscaleClient(settings, redactor);
}
