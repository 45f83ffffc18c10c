/**
 * The OAuth side of the simulated Tailscale API: OAuth clients (id, secret, scopes, tags they own),
 * the client-credentials token endpoint, and what an access token may do. Modelled on what public
 * sources show of the real service:
 *   - POST /api/v2/oauth/token, form client_id + client_secret (or HTTP Basic) and optional
 *     grant_type=client_credentials, answers {access_token, token_type: "Bearer", expires_in: 3600,
 *     scope, tags} (tailscale#15456; scope/tags asked for in the form did not narrow the token there,
 *     so they are ignored here too)
 *   - a wrong secret: 401 {"message":"API token invalid"} (tailscale/gitops-acl-action#33)
 *   - a token lacking the call's scope: 403 {"message":"calling actor does not have enough
 *     permissions to perform this function"} (tailscale#15969)
 *   - keys minted with a token belong to the tailnet and must carry exactly the client's tags, or tags
 *     those tags own (publicapi/tailnet.md "Create auth key"); else 400 "requested tags [...] are
 *     invalid or not permitted" (terraform-provider-tailscale#437). The answer to a request with no
 *     tags at all is not documented anywhere found; it is modelled with the same message.
 * Scopes follow Tailscale's trust-credentials table: `x` grants `x:read`; `all` grants everything,
 * `all:read` every read; the legacy `devices` scope covered devices and auth keys.
 */
import type { IncomingHttpHeaders } from "node:http";
import { randomHex, type SimulatedAnswer } from "./control-servers";

export const OAUTH_TOKEN_PATH = "/api/v2/oauth/token";
export const TOKEN_REFUSED = "API token invalid";
export const NOT_PERMITTED = "calling actor does not have enough permissions to perform this function";

export interface OAuthClientSpec {
  /** The scopes granted, e.g. ["auth_keys", "devices:core"]. */
  scopes: string[];
  /** The tags the client owns (what keys it mints must carry). */
  tags: string[];
  /** Default: `tskey-client-<id>-<random>`, like the real secrets. */
  secret?: string;
}

export interface SimulatedOAuthClient extends OAuthClientSpec {
  id: string;
  secret: string;
}

/** What an API request carries: a scope it needs, read or write. */
export interface ScopeNeed {
  scope: "devices:core" | "auth_keys";
  write: boolean;
}

interface TokenRecord {
  token: string;
  client: SimulatedOAuthClient;
  expiresAt: number;
}

export class SimulatedOAuth {
  /** Seconds a new token lives; the real service gives 3600. */
  tokenLifetimeSeconds = 3600;
  private readonly clients: SimulatedOAuthClient[] = [];
  private readonly tokens: TokenRecord[] = [];

  /** `tagOwners`: for each tag, the tags that own it (the tailnet policy's tagOwners). */
  constructor(private readonly tagOwners: Record<string, string[]> = {}) {}

  addClient(spec: OAuthClientSpec): SimulatedOAuthClient {
    const id = `k${randomHex(10)}CNTRL`;
    const client = { id, secret: spec.secret ?? `tskey-client-${id}-${randomHex(32)}`, scopes: [...spec.scopes], tags: [...spec.tags] };
    this.clients.push(client);
    return client;
  }

  /** Access tokens handed out so far, oldest first. */
  issuedTokens(): string[] {
    return this.tokens.map((record) => record.token);
  }

  /** Makes every token handed out so far expire now (an hour passing, or a revocation). */
  expireTokens(): void {
    for (const record of this.tokens) record.expiresAt = Date.now();
  }

  /** POST /api/v2/oauth/token. */
  tokenAnswer(text: string, headers: IncomingHttpHeaders): SimulatedAnswer {
    const form = new URLSearchParams(text);
    const basic = /^Basic (.+)$/.exec(headers.authorization ?? "")?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, "base64").toString("utf8").split(":") : [];
    const id = form.get("client_id") ?? basicId;
    const secret = form.get("client_secret") ?? basicSecret;
    const grant = form.get("grant_type");
    if (grant !== null && grant !== "client_credentials") return fail(400, `unsupported grant_type: ${grant}`);
    const client = this.clients.find((candidate) => candidate.secret === secret && candidate.id === id);
    if (!client) return fail(401, TOKEN_REFUSED);
    // Like a real access token: its own key id, then the secret part.
    const token = `tskey-api-k${randomHex(10)}CNTRL-${randomHex(32)}`;
    this.tokens.push({ token, client, expiresAt: Date.now() + this.tokenLifetimeSeconds * 1000 });
    return {
      status: 200,
      body: {
        access_token: token,
        token_type: "Bearer",
        expires_in: this.tokenLifetimeSeconds,
        scope: client.scopes.join(" "),
        tags: client.tags.join(" "),
      },
    };
  }

  /** The client behind a live bearer token; null for a token that is unknown or expired. */
  clientFor(authorization: string | undefined): SimulatedOAuthClient | null {
    const record = this.tokens.find((candidate) => authorization === `Bearer ${candidate.token}`);
    return record && record.expiresAt > Date.now() ? record.client : null;
  }

  /** Null when the client's scopes cover `need`, else the 403. */
  checkScope(client: SimulatedOAuthClient, need: ScopeNeed): SimulatedAnswer | null {
    const granted = new Set(client.scopes);
    const legacy = granted.has("devices");
    const ok =
      granted.has("all") ||
      (!need.write && granted.has("all:read")) ||
      granted.has(need.scope) ||
      (!need.write && granted.has(`${need.scope}:read`)) ||
      legacy;
    return ok ? null : fail(403, NOT_PERMITTED);
  }

  /** Null when `client` may mint a key with `tags`, else the 400. */
  checkTags(client: SimulatedOAuthClient, tags: string[]): SimulatedAnswer | null {
    const exact = tags.length === client.tags.length && tags.every((tag) => client.tags.includes(tag));
    const owned = tags.every((tag) => (this.tagOwners[tag] ?? []).some((owner) => client.tags.includes(owner)));
    return tags.length > 0 && (exact || owned) ? null : tagsRefused(tags);
  }
}

/** How the API refuses tags, with the requested list formatted as Go prints a []string. */
export function tagsRefused(tags: readonly string[]): SimulatedAnswer {
  return fail(400, `requested tags [${tags.join(" ")}] are invalid or not permitted`);
}

function fail(status: number, message: string): SimulatedAnswer {
  return { status, body: { message } };
}
