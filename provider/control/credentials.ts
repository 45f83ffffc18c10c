/**
 * Which credential a control-server client authenticates with, checked before any request: Headscale
 * takes an API key; Tailscale takes an API access token or an OAuth client (id + secret), never both,
 * and keys an OAuth client mints must carry tags. The checks are pure, so input validation can use
 * the same rules the clients enforce.
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

export interface CredentialProblem {
  summary: string;
  hint: string;
  /** The input property to fix: a field of controlServer, or the node's advertiseTags. */
  property: "apiKey" | "oauthClientId" | "oauthClientSecret" | "advertiseTags";
}

type CredentialFields = Pick<ControlServerSettings, "kind" | "apiKey" | "oauthClientId" | "oauthClientSecret">;

/** What is wrong with the credential fields, or null. `tags`: the node's tags, when a key will be minted. */
export function credentialProblem(settings: CredentialFields, tags?: readonly string[]): CredentialProblem | null {
  const { apiKey, oauthClientId, oauthClientSecret } = settings;
  const wantsOAuth = Boolean(oauthClientId || oauthClientSecret);
  if (settings.kind === "headscale" && wantsOAuth) {
    return {
      summary: "Headscale has no OAuth clients",
      property: oauthClientId ? "oauthClientId" : "oauthClientSecret",
      hint: "remove controlServer.oauthClientId/oauthClientSecret and set controlServer.apiKey (`headscale apikeys create --expiration 90d`)",
    };
  }
  if (apiKey && wantsOAuth) {
    return { summary: "both an API key and an OAuth client are given", property: "apiKey", hint: "keep one: controlServer.apiKey, or controlServer.oauthClientId with oauthClientSecret" };
  }
  if (wantsOAuth && !(oauthClientId && oauthClientSecret)) {
    const missing = oauthClientId ? "oauthClientSecret" : "oauthClientId";
    return { summary: `the OAuth client's ${missing} is missing`, property: missing, hint: `set controlServer.${missing}; an OAuth client needs both its id and its secret` };
  }
  if (wantsOAuth && tags !== undefined) {
    const tagless = oauthTagsProblem(tags);
    if (tagless) return tagless;
  }
  if (!apiKey && !wantsOAuth) {
    const choices = settings.kind === "tailscale" ? "controlServer.apiKey, or controlServer.oauthClientId and oauthClientSecret" : "controlServer.apiKey";
    return { summary: "no credential for the control server", property: "apiKey", hint: `set ${choices}` };
  }
  return null;
}

/** Keys an OAuth client mints belong to the tailnet and must carry tags (publicapi/tailnet.md); null when there are some. */
export function oauthTagsProblem(tags: readonly string[]): CredentialProblem | null {
  if (tags.length > 0) return null;
  return {
    summary: "an OAuth client can only mint keys that carry tags",
    property: "advertiseTags",
    hint: "set advertiseTags to the OAuth client's tags (or tags they own in tagOwners); Tailscale's own CLI refuses the same way (\"oauth authkeys require --advertise-tags\")",
  };
}

export function chooseCredential(
  settings: ControlServerSettings,
  context: { serverLabel: string; baseUrl: URL; timeoutMs: number; redactor: Redactor },
): ChosenCredential {
  const problem = credentialProblem(settings);
  if (problem) {
    throw new MeshError(problem.summary, { kind: "invalid-input", host: context.serverLabel, step: "control server credentials", hint: problem.hint });
  }
  const { apiKey, oauthClientId, oauthClientSecret } = settings;
  if (oauthClientId && oauthClientSecret) {
    const credential = new OAuthAccessTokens({ ...context, clientId: oauthClientId, clientSecret: oauthClientSecret });
    return { credential, oauth: true };
  }
  context.redactor.add(apiKey);
  return { credential: apiKeyCredential(apiKey ?? ""), oauth: false };
}
