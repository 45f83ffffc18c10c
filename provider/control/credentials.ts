/**
 * Which credential a control-server client authenticates with, checked before any request: Headscale
 * takes an API key; Tailscale takes an API access token or an OAuth client (id + secret), never both.
 */
import { MeshError } from "../common/errors";
import type { Redactor } from "../common/redact";
import { apiKeyCredential, type BearerCredential } from "./http";
import { OAuthAccessTokens } from "./oauth";
import type { ControlServerSettings } from "./types";

export interface ChosenCredential {
  credential: BearerCredential;
  /** True for a Tailscale OAuth client: its keys must carry tags it owns. */
  oauth: boolean;
}

export function chooseCredential(
  settings: ControlServerSettings,
  context: { serverLabel: string; baseUrl: URL; timeoutMs: number; redactor: Redactor },
): ChosenCredential {
  const { apiKey, oauthClientId, oauthClientSecret } = settings;
  const wantsOAuth = Boolean(oauthClientId || oauthClientSecret);
  const refuse = (summary: string, hint: string): MeshError =>
    new MeshError(summary, { kind: "invalid-input", host: context.serverLabel, step: "control server credentials", hint });

  if (settings.kind === "headscale" && wantsOAuth) {
    throw refuse(
      "Headscale has no OAuth clients",
      "remove controlServer.oauthClientId/oauthClientSecret and set controlServer.apiKey (`headscale apikeys create --expiration 90d`)",
    );
  }
  if (apiKey && wantsOAuth) {
    throw refuse("both an API key and an OAuth client are given", "keep one: controlServer.apiKey, or controlServer.oauthClientId with oauthClientSecret");
  }
  if (wantsOAuth && !(oauthClientId && oauthClientSecret)) {
    const missing = oauthClientId ? "oauthClientSecret" : "oauthClientId";
    throw refuse(`the OAuth client's ${missing} is missing`, `set controlServer.${missing}; an OAuth client needs both its id and its secret`);
  }
  if (oauthClientId && oauthClientSecret) {
    const credential = new OAuthAccessTokens({ ...context, clientId: oauthClientId, clientSecret: oauthClientSecret });
    return { credential, oauth: true };
  }
  if (!apiKey) {
    const choices = settings.kind === "tailscale" ? "controlServer.apiKey, or controlServer.oauthClientId and oauthClientSecret" : "controlServer.apiKey";
    throw refuse("no credential for the control server", `set ${choices}`);
  }
  context.redactor.add(apiKey);
  return { credential: apiKeyCredential(apiKey), oauth: false };
}
