/**
 * A Tailscale OAuth client as the credential of API calls: its id and secret are exchanged for a
 * short-lived access token (OAuth 2.0 client credentials grant, POST {api}/api/v2/oauth/token, form
 * fields client_id, client_secret, grant_type; answer {access_token, token_type, expires_in, scope}).
 * The token lives only in this object's memory, is renewed before it runs out or when the API refuses
 * it, and is never returned to callers: only the Authorization header carries it. The secret and every
 * token are added to the operation's Redactor before anything can print them, and are held in private
 * fields, which neither JSON.stringify nor util.inspect shows.
 */
import { z } from "zod";
import type { Redactor } from "../common/redact";
import { ControlApi, type BearerCredential } from "./http";

export const OAUTH_TOKEN_PATH = "/api/v2/oauth/token";

/** A token is renewed this long before it expires (at most half its life), so none expires in flight. */
const RENEW_MARGIN_MS = 60_000;

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
});

export interface OAuthClientOptions {
  serverLabel: string;
  baseUrl: URL;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  redactor: Redactor;
  /** The clock, for tests; default Date.now. */
  now?: () => number;
}

const TOKEN_ENDPOINT_HINTS = {
  unauthorized:
    "the OAuth client id or secret is wrong, or the client was deleted: check controlServer.oauthClientId and controlServer.oauthClientSecret (the secret starts with tskey-client-), or create a client at https://login.tailscale.com/admin/settings/trust-credentials with the auth_keys and devices:core scopes and the node's tags",
  forbidden: "the token endpoint refused this OAuth client: check that it is not disabled in the admin console, or create a new one",
};

export class OAuthAccessTokens implements BearerCredential {
  readonly name = "OAuth client's access token";
  private readonly tokenEndpoint: ControlApi;
  private readonly clientId: string;
  private readonly redactor: Redactor;
  private readonly now: () => number;
  readonly #clientSecret: string;
  #current?: { token: string; renewAt: number };
  #pending?: Promise<string>;

  constructor(options: OAuthClientOptions) {
    options.redactor.add(options.clientSecret);
    this.#clientSecret = options.clientSecret;
    this.clientId = options.clientId;
    this.redactor = options.redactor;
    this.now = options.now ?? Date.now;
    this.tokenEndpoint = new ControlApi({
      serverLabel: options.serverLabel,
      baseUrl: options.baseUrl,
      // The token request authenticates with the form fields, not with a bearer token.
      credential: { name: "OAuth client secret", bearer: async () => undefined },
      timeoutMs: options.timeoutMs,
      redactor: options.redactor,
      authHints: TOKEN_ENDPOINT_HINTS,
    });
  }

  async bearer(): Promise<string> {
    if (this.#current && this.now() < this.#current.renewAt) return this.#current.token;
    // Concurrent calls share one exchange.
    this.#pending ??= this.exchange().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  refused(token: string): boolean {
    if (this.#current?.token !== token) return false;
    this.#current = undefined;
    return true;
  }

  private async exchange(): Promise<string> {
    const answer = await this.tokenEndpoint.call(
      {
        purpose: "get an OAuth access token",
        method: "POST",
        path: OAUTH_TOKEN_PATH,
        form: { client_id: this.clientId, client_secret: this.#clientSecret, grant_type: "client_credentials" },
      },
      TokenAnswer,
    );
    this.redactor.add(answer.access_token);
    const lifetimeMs = answer.expires_in * 1000;
    this.#current = { token: answer.access_token, renewAt: this.now() + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 2) };
    return answer.access_token;
  }
}
