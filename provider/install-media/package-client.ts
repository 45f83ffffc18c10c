/**
 * HTTP on the deploying machine for the MSI: through the proxy its environment names (HTTPS_PROXY,
 * HTTP_PROXY, NO_PROXY, which Node's own fetch ignores), bounded in time, with every failure a
 * MeshError whose text has install.msiUrl's query (a signed URL's token) redacted.
 */
import { createHash } from "crypto";
import { promises as fs } from "fs";
import { EnvHttpProxyAgent, fetch, type Response } from "undici";
import { MeshError } from "../common/errors";
import { Redactor } from "../common/redact";
import { secretPartsOf } from "../node/secrets";
import { INSTALL } from "../node/spec/inputs";

/** The longest a server may leave a request without an answer, or a download without a byte. */
const IDLE_TIMEOUT_MS = 60_000;
/** The longest a whole download may take (an MSI is about 30 MB; slow links are common). */
const DOWNLOAD_DEADLINE_MS = 20 * 60_000;
/** Progress lines at every quarter of a package. */
const PROGRESS_STEPS = 4;

/**
 * proxyTunnel false: an http:// URL goes to the proxy as a plain GET of the absolute URI, as curl
 * sends it (many proxies allow CONNECT only to port 443); https:// always tunnels. undici 6 hands
 * these options on to the proxy agents it builds, though EnvHttpProxyAgent's type leaves it out.
 */
const AGENT_OPTIONS: EnvHttpProxyAgent.Options & { proxyTunnel: boolean } = {
  headersTimeout: IDLE_TIMEOUT_MS,
  bodyTimeout: IDLE_TIMEOUT_MS,
  proxyTunnel: false,
};

export class PackageClient {
  readonly #redactor: Redactor;
  // Read from the environment now, so that a proxy set by the program that calls us counts.
  readonly #dispatcher = new EnvHttpProxyAgent(AGENT_OPTIONS);

  /** `msiUrl`: the user's URL, whose query and user-info never appear in a message. */
  constructor(msiUrl: string | undefined) {
    this.#redactor = new Redactor(msiUrl === undefined ? [] : secretPartsOf(INSTALL.fields.msiUrl!, msiUrl));
  }

  /** The URL as messages show it. */
  shown(url: string): string {
    return this.#redactor.text(url);
  }

  async json(url: string): Promise<unknown> {
    const response = await this.get(url);
    try {
      return await response.json();
    } catch (error) {
      throw this.failure(url, `not JSON: ${causeOf(error)}`);
    }
  }

  /** Streams the body into `path` (created, only the user's), hashing it on the way. */
  async download(url: string, path: string, log: (line: string) => void): Promise<{ sha256: string; size: number }> {
    const response = await this.get(url);
    // A body sent compressed announces its compressed length: nothing to hold the package to.
    const total = response.headers.get("content-encoding") ? undefined : Number(response.headers.get("content-length")) || undefined;
    log(`downloading ${this.shown(url)}${total ? ` (${megabytes(total)})` : ""}`);
    const hash = createHash("sha256");
    const file = await fs.open(path, "wx", 0o600);
    let size = 0;
    let reported = 0;
    try {
      for await (const chunk of response.body ?? []) {
        const bytes = chunk as Uint8Array;
        hash.update(bytes);
        await file.write(bytes);
        size += bytes.length;
        const step = total ? Math.floor((size / total) * PROGRESS_STEPS) : 0;
        if (step > reported && step < PROGRESS_STEPS) log(`downloaded ${megabytes(size)} of ${megabytes(total!)}`);
        reported = Math.max(reported, step);
      }
    } catch (error) {
      throw this.failure(url, `the download broke off after ${megabytes(size)}: ${causeOf(error)}`);
    } finally {
      await file.close();
    }
    if (total !== undefined && size !== total) throw this.failure(url, `${size} bytes arrived of the ${total} announced`);
    log(`downloaded ${megabytes(size)}`);
    return { sha256: hash.digest("hex"), size };
  }

  close(): Promise<void> {
    return this.#dispatcher.close();
  }

  private async get(url: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, { dispatcher: this.#dispatcher, signal: AbortSignal.timeout(DOWNLOAD_DEADLINE_MS) });
    } catch (error) {
      throw this.failure(url, causeOf(error));
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw this.failure(url, `HTTP ${response.status} ${response.statusText}`.trim());
    }
    return response;
  }

  private failure(url: string, seen: string): MeshError {
    const notFound = /^HTTP 404\b/.test(seen);
    return new MeshError(`downloading the Tailscale MSI from ${this.shown(url)} failed`, {
      kind: "install-failed",
      step: "install",
      seen: this.#redactor.text(seen),
      hint: notFound
        ? "check install.version (Tailscale publishes x.y.z for amd64, arm64 and x86) or install.msiUrl"
        : "check this machine's network, or its HTTPS_PROXY / HTTP_PROXY / NO_PROXY; or download the MSI yourself and set install.msiFile",
    });
  }
}

/** What failed, as the network library tells it (fetch wraps the cause in "fetch failed"). */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const text = (value: unknown) => (typeof value === "object" && value !== null && "message" in value ? String(value.message) : String(value));
  return cause === undefined ? text(error) : `${text(error)}: ${text(cause)}`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
