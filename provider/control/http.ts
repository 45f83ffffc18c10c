/**
 * One HTTP exchange with a control server's API: bearer auth (a fixed API key, or an access token a
 * credential fetches and renews), a deadline, and the one place where a failed exchange becomes a
 * MeshError saying which server, which call, what came back (redacted) and what to do.
 */
import { MeshError } from "../common/errors";
import type { Redactor } from "../common/redact";
import type { z } from "zod";

export interface ApiRequest {
  /** What the provider was doing, e.g. "find node"; shown in errors. */
  purpose: string;
  method: "GET" | "POST" | "DELETE";
  /** Below the base URL, e.g. "/api/v1/node". */
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent form-encoded instead of `body` (an OAuth token request). */
  form?: Record<string, string>;
  /** The OAuth scope the call needs, named when the server answers 403. */
  scope?: string;
}

export interface ApiResponse {
  status: number;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  json: unknown;
  text: string;
}

/** What to tell the user when the server refuses the credential; differs between servers and credentials. */
export interface AuthHints {
  unauthorized: string;
  forbidden: string;
}

/** Where the Authorization header comes from. */
export interface BearerCredential {
  /** What the server refuses on a 401, for messages: "API key", "OAuth client secret", ... */
  readonly name: string;
  /** The token for the next request; undefined sends no Authorization header. */
  bearer(): Promise<string | undefined>;
  /**
   * The server refused `token` (401). True when a fresh token may be accepted, which earns the
   * request one more try (an access token that expired or was revoked early).
   */
  refused?(token: string): boolean;
}

/** A fixed API key (Headscale's, or a Tailscale API access token). */
export function apiKeyCredential(apiKey: string): BearerCredential {
  return { name: "API key", bearer: async () => apiKey };
}

export interface ControlApiOptions {
  serverLabel: string;
  baseUrl: URL;
  credential: BearerCredential;
  timeoutMs: number;
  redactor: Redactor;
  authHints: AuthHints;
}

/** Longest part of a response body quoted in an error. */
const SEEN_BODY_LIMIT = 200;

export class ControlApi {
  constructor(private readonly options: ControlApiOptions) {}

  /** Any HTTP answer is returned; only an unreachable server, a timeout or a failed token fetch throws. */
  async send(request: ApiRequest): Promise<ApiResponse> {
    const { credential } = this.options;
    const token = await credential.bearer();
    const response = await this.exchange(request, token);
    if (response.status === 401 && token !== undefined && credential.refused?.(token)) {
      return this.exchange(request, await credential.bearer());
    }
    return response;
  }

  private async exchange(request: ApiRequest, token: string | undefined): Promise<ApiResponse> {
    const { timeoutMs } = this.options;
    const controller = new AbortController();
    // The deadline covers the body too: a server can send headers and then stall.
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const headers: Record<string, string> = { accept: "application/json" };
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (request.form !== undefined) {
        headers["content-type"] = "application/x-www-form-urlencoded";
        body = new URLSearchParams(request.form).toString();
      } else if (request.body !== undefined) {
        headers["content-type"] = "application/json";
        body = JSON.stringify(request.body);
      }
      const response = await fetch(this.url(request), { method: request.method, headers, body, signal: controller.signal });
      const text = await response.text();
      return { status: response.status, json: parseJson(text), text };
    } catch (error) {
      if (controller.signal.aborted) {
        throw this.error(request, "control-server", `no answer from the control server within ${timeoutMs} ms`, {
          seen: "timed out",
          hint: "check that the server is up and not overloaded, and reachable from this machine; then run again",
        });
      }
      throw this.error(request, "control-server", "could not reach the control server", {
        seen: describeNetworkError(error),
        hint: "check controlServer.url (scheme, host, port) and that the server is running and reachable from this machine (DNS, proxy, firewall)",
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Returns the body of a 2xx answer, checked against `schema`; any other answer throws. */
  async call<T>(request: ApiRequest, schema: z.ZodType<T>): Promise<T> {
    const response = await this.send(request);
    if (!isSuccess(response)) throw this.failure(request, response);
    return this.parse(request, response, schema);
  }

  /** The body of a 2xx answer checked against `schema`, or the error saying it is not what this API returns. */
  parse<T>(request: ApiRequest, response: ApiResponse, schema: z.ZodType<T>): T {
    const parsed = schema.safeParse(response.json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw this.unexpected(request, response, `${where}${issue?.message ?? "malformed body"}`);
  }

  /** The error for a non-2xx answer; `hint` replaces the generic advice for a 4xx the caller understands. */
  failure(request: ApiRequest, response: ApiResponse, hint?: string): MeshError {
    const seen = this.seen(response);
    const { status } = response;
    const { authHints, credential } = this.options;
    if (status === 401) {
      return this.error(request, "control-auth", `the control server refused the ${credential.name} (HTTP 401)`, {
        seen,
        hint: hint ?? authHints.unauthorized,
      });
    }
    if (status === 403) {
      const needs = request.scope ? ` (${request.purpose} needs the ${request.scope} scope)` : "";
      return this.error(request, "control-auth", `the ${credential.name} may not do this (HTTP 403)`, {
        seen,
        hint: hint ?? `${authHints.forbidden}${needs}`,
      });
    }
    if (status === 404) {
      return this.error(request, "control-server", `the control server has no ${request.method} ${request.path} (HTTP 404)`, {
        seen,
        hint: "check that controlServer.url is the server's own URL (for Headscale its server_url, without /api) and that tailnet and ids are right",
      });
    }
    if (status >= 500) {
      return this.error(request, "control-server", `the control server failed (HTTP ${status})`, {
        seen,
        hint: "the server may be restarting, overloaded or misconfigured: check its logs and run again",
      });
    }
    return this.error(request, "control-server", `the control server rejected the request (HTTP ${status})`, {
      seen,
      hint: hint ?? "fix what the server's message names (e.g. tags must start with \"tag:\" and be allowed by the policy) and run again",
    });
  }

  /**
   * The error for a 2xx answer whose body is not what this API returns. The body is not quoted: a
   * successful answer may carry a fresh auth key the Redactor does not know yet.
   */
  unexpected(request: ApiRequest, response: ApiResponse, problem: string): MeshError {
    return this.error(request, "control-server", "unexpected answer from the control server", {
      seen: `HTTP ${response.status}: ${problem}`,
      hint: "check that controlServer.kind and url point at a supported server (Headscale 0.23 to 0.29, or Tailscale's API)",
    });
  }

  private error(
    request: ApiRequest,
    kind: "control-server" | "control-auth",
    summary: string,
    details: { seen: string; hint: string },
  ): MeshError {
    const { redactor, serverLabel } = this.options;
    return new MeshError(redactor.text(summary), {
      kind,
      host: serverLabel,
      step: redactor.text(`${request.purpose} (${request.method} ${request.path})`),
      seen: redactor.text(details.seen),
      hint: details.hint,
    });
  }

  /** Status and a short piece of the body: the server's own message when it gives one. */
  private seen(response: ApiResponse): string {
    const message = messageOf(response.json) ?? response.text;
    const oneLine = this.options.redactor.text(message).replace(/\s+/g, " ").trim();
    const short = oneLine.length > SEEN_BODY_LIMIT ? `${oneLine.slice(0, SEEN_BODY_LIMIT)}...` : oneLine;
    return short ? `HTTP ${response.status}: ${short}` : `HTTP ${response.status}`;
  }

  private url(request: ApiRequest): URL {
    const { baseUrl } = this.options;
    // Keeps a base path (a server behind https://example.com/headscale/).
    const url = new URL(baseUrl.pathname.replace(/\/+$/, "") + request.path, baseUrl);
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
    return url;
  }
}

export function isSuccess(response: ApiResponse): boolean {
  return response.status >= 200 && response.status < 300;
}

/** Validates a configured URL once, so a typo fails with a clear message instead of a fetch error. */
export function parseBaseUrl(url: string, serverLabel: string): URL {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "https:" && parsed.protocol !== "http:")) {
    throw new MeshError("the control server URL is not an http(s) URL", {
      kind: "invalid-input",
      host: serverLabel,
      seen: url,
      hint: "set controlServer.url to e.g. https://headscale.example.com",
    });
  }
  return parsed;
}

function parseJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Headscale (grpc-gateway) and Tailscale both put a readable `message` in error bodies. */
function messageOf(json: unknown): string | undefined {
  if (json && typeof json === "object" && "message" in json && typeof json.message === "string") return json.message;
  return undefined;
}

/**
 * fetch() reports "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND, a TLS error) is in
 * `cause`. Read by shape, not instanceof: the error may come from another realm (e.g. under jest).
 */
function describeNetworkError(error: unknown): string {
  const cause = fieldOf(error, "cause");
  const source = cause ?? error;
  const message = fieldOf(source, "message");
  const code = fieldOf(source, "code");
  const text = typeof message === "string" ? message : String(source);
  return typeof code === "string" ? `${code}: ${text}` : text;
}

function fieldOf(value: unknown, name: string): unknown {
  return value !== null && typeof value === "object" && name in value ? (value as Record<string, unknown>)[name] : undefined;
}
