/**
 * What the simulated Headscale and Tailscale APIs share: a node:http server on 127.0.0.1, bearer-key
 * checking, a log of the requests received (tests check them against the real API's spec), and
 * faults a test can switch on (refuse the key, fail with 500, never answer).
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ServerFault = "unauthorized" | "server-error" | "hang";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body; undefined when there was none. */
  body: unknown;
  /** Unset while the request hangs. */
  status?: number;
  /** What was sent back: JSON as parsed, text as is. */
  response?: unknown;
}

export interface SimulatedAnswer {
  status: number;
  /** Sent as JSON, or as-is when it is a string. */
  body?: unknown;
}

/** Thrown when a simulated host joins with an auth key a real server would refuse. */
export class AuthKeyRejected extends Error {
  constructor(readonly reason: "unknown" | "expired" | "used") {
    super(`auth key ${reason === "unknown" ? "not found" : reason}`);
    this.name = "AuthKeyRejected";
  }
}

export abstract class SimulatedControlServer {
  /** The requests received, oldest first, including refused and faulted ones. */
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private fault: ServerFault | null = null;
  private port = 0;

  /** A random key unless one is given; clients must send it as `Authorization: Bearer <key>`. */
  protected constructor(readonly apiKey: string = `sim-${randomBytes(16).toString("hex")}`) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** The base URL, e.g. http://127.0.0.1:41234. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** From now on every request gets this fault, until it is set back to null. */
  setFault(fault: ServerFault | null): void {
    this.fault = fault;
  }

  /** Also ends requests left hanging by the "hang" fault. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  protected async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Whether the Authorization header carries the key; Tailscale also takes it as a Basic user name. */
  protected authorized(header: string | undefined): boolean {
    return header === `Bearer ${this.apiKey}`;
  }

  /** Null when an authenticated request may go on to its route, else the refusal to send. */
  protected admit(_request: RecordedRequest, authorization: string | undefined): SimulatedAnswer | null {
    return this.authorized(authorization) ? null : this.refusal();
  }

  /** The answer to a request that needs no key (Tailscale's OAuth token endpoint); undefined for the rest. */
  protected openRoute(_request: RecordedRequest, _text: string, _headers: IncomingHttpHeaders): SimulatedAnswer | undefined {
    return undefined;
  }

  /** The answer to a request whose key was refused (each API words it its own way). */
  protected abstract refusal(): SimulatedAnswer;
  protected abstract internalError(): SimulatedAnswer;
  protected abstract malformedBody(message: string): SimulatedAnswer;
  /** Routes an authorized request. */
  protected abstract route(request: RecordedRequest): SimulatedAnswer;

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const text = await readBody(req);
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
    };
    this.requests.push(recorded);
    if (this.fault === "hang") return;
    let answer: SimulatedAnswer;
    try {
      answer = this.answer(recorded, text, req.headers);
    } catch (error) {
      // A bug in the simulator, not a modelled fault: say so plainly.
      answer = { status: 500, body: `simulator bug: ${(error as Error).stack ?? String(error)}` };
    }
    recorded.status = answer.status;
    recorded.response = answer.body;
    const isText = typeof answer.body === "string";
    const payload = answer.body === undefined ? "" : isText ? (answer.body as string) : JSON.stringify(answer.body);
    res.writeHead(answer.status, { "content-type": isText ? "text/plain; charset=utf-8" : "application/json" });
    res.end(payload);
  }

  private answer(recorded: RecordedRequest, text: string, headers: IncomingHttpHeaders): SimulatedAnswer {
    if (this.fault === "server-error") return this.internalError();
    if (this.fault === "unauthorized") return this.refusal();
    const open = this.openRoute(recorded, text, headers);
    if (open) return open;
    const refused = this.admit(recorded, headers.authorization);
    if (refused) return refused;
    if (text.trim()) {
      try {
        recorded.body = JSON.parse(text);
      } catch (error) {
        return this.malformedBody((error as Error).message);
      }
    }
    return this.route(recorded);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Random lowercase hex, for keys and machine keys. */
export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString("hex").slice(0, length);
}
