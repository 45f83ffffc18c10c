/**
 * One SSH dial to one hop (the target, or a jump host): node-ssh's connect with ssh2 options, the
 * host-key decision, and the sorting of failures into "try again" (network) and "stop now"
 * (authentication, host key, unreadable private key). Retries and deadlines live in connect.ts.
 */
import type { Duplex } from "stream";
import { NodeSSH, type Config } from "node-ssh";
import { utils, type Client } from "ssh2";
import { MeshError } from "../common/errors";
import type { Redactor } from "../common/redact";
import { fingerprintOf, type HostKeyTrust } from "./host-key";
import type { SshEndpoint } from "./types";

export interface Hop extends SshEndpoint {
  /** How messages name this hop: "target" is the Windows host, "jump host" the proxy. */
  role: "target" | "jump host";
  perDialTimeoutMs: number;
  /** Failed dials of this hop before giving up; -1 = only the deadline limits them. */
  dialErrorLimit: number;
  trust: HostKeyTrust;
}

/** What the error messages of one session need to know. */
export interface DialContext {
  label: string;
  redactor: Redactor;
  log?: (line: string) => void;
}

/** A dial that failed in a way another attempt may fix (refused, timed out, reset, unreachable). */
export class RetryableDialError extends Error {
  constructor(
    readonly hop: Hop,
    message: string,
  ) {
    super(message);
  }
}

export function hopAddress(hop: Hop): string {
  return `${hop.host}:${hop.port}`;
}

/**
 * Fails at once, before any network traffic, when the private key cannot be read with the given
 * passphrase. The parser's message names the problem, never the key or the passphrase.
 */
export function checkPrivateKey(hop: Hop, context: DialContext): void {
  if (hop.privateKey === undefined) return;
  const parsed = utils.parseKey(hop.privateKey, hop.privateKeyPassword);
  if (!(parsed instanceof Error)) return;
  const encrypted = /passphrase/i.test(parsed.message);
  throw new MeshError(`the private key for ${hop.role} ${hopAddress(hop)} cannot be used`, {
    kind: "ssh-auth",
    host: context.label,
    step: "connect",
    seen: context.redactor.text(parsed.message),
    hint: encrypted
      ? "the key is encrypted: set privateKeyPassword to its passphrase (check it with ssh-keygen -y -f <key file>)"
      : "give the private key's text (OpenSSH or PEM format), not its path or its public half",
  });
}

function authMethods(hop: Hop): string {
  const methods = [
    hop.password !== undefined && "password",
    hop.privateKey !== undefined && "private key",
    hop.agentSocketPath !== undefined && "ssh-agent",
  ].filter(Boolean);
  return methods.length ? methods.join(", ") : "none (no password, private key or agent was given)";
}

function classifyDialFailure(error: unknown, hop: Hop, context: DialContext, hostKey: { seen?: string; expected?: string }): Error {
  const message = context.redactor.text(error instanceof Error ? error.message : String(error));
  const level = (error as { level?: string } | null)?.level;
  if (hostKey.expected !== undefined) {
    const how = hop.trust.pinned ? "does not match the pinned key" : "changed since this operation first connected";
    return new MeshError(`the host key of ${hop.role} ${hopAddress(hop)} ${how}; not connecting`, {
      kind: "ssh-host-key",
      host: context.label,
      step: "connect",
      seen: `expected ${hostKey.expected}, the host presented ${hostKey.seen}`,
      hint: hop.trust.pinned
        ? "if the host was rebuilt, read its key on the host (ssh-keygen -lf C:\\ProgramData\\ssh\\ssh_host_ed25519_key.pub) " +
          "and update hostKey; otherwise the connection may be intercepted"
        : "the machine answering at this address is not the one seen at the start of this operation (replaced VM or " +
          "interception); check the host, then pin its key with hostKey",
    });
  }
  if (level === "client-authentication") {
    return new MeshError(`authentication failed for user "${hop.user}" at ${hop.role} ${hopAddress(hop)}`, {
      kind: "ssh-auth",
      host: context.label,
      step: "connect",
      seen: `${message} (tried: ${authMethods(hop)})`,
      hint:
        "check the user name and password or key; for an administrator, Windows OpenSSH reads public keys from " +
        "C:\\ProgramData\\ssh\\administrators_authorized_keys, not the user's own authorized_keys",
    });
  }
  if (level === "handshake") {
    return new MeshError(`SSH negotiation with ${hop.role} ${hopAddress(hop)} failed`, {
      kind: "ssh-unreachable",
      host: context.label,
      step: "connect",
      seen: message,
      hint: "the server offers no key-exchange, cipher or host-key algorithm this client supports; update OpenSSH on the host",
    });
  }
  return new RetryableDialError(hop, message);
}

/**
 * The methods to try, in ssh2's own order, without its opening `none` request: that request only
 * asks the server which methods it takes, and costs a round trip when the method is known anyway.
 */
function authOrder(hop: Hop): ("password" | "publickey" | "agent")[] | undefined {
  const methods = [
    hop.password !== undefined && ("password" as const),
    hop.privateKey !== undefined && ("publickey" as const),
    hop.agentSocketPath !== undefined && ("agent" as const),
  ].filter((method) => method !== false);
  return methods.length > 0 ? methods : undefined;
}

/**
 * Dials one hop, directly or through `via` (a channel forwarded by a jump host). Resolves with a
 * ready connection; rejects with a MeshError (do not retry) or a RetryableDialError.
 */
export async function dialHop(hop: Hop, readyTimeoutMs: number, context: DialContext, via?: Duplex): Promise<Client> {
  const ssh = new NodeSSH();
  const hostKey: { seen?: string; expected?: string } = {};
  const config: Config = {
    ...(via ? { sock: via } : { host: hop.host }),
    port: hop.port,
    username: hop.user,
    password: hop.password,
    privateKey: hop.privateKey,
    passphrase: hop.privateKeyPassword,
    agent: hop.agentSocketPath,
    readyTimeout: readyTimeoutMs,
    authHandler: authOrder(hop),
    hostVerifier: (key: Buffer) => {
      hostKey.seen = fingerprintOf(key);
      const verdict = hop.trust.check(hostKey.seen);
      if (!verdict.accepted) hostKey.expected = verdict.expected;
      return verdict.accepted;
    },
  };
  const connecting = ssh.connect(config);
  // node-ssh creates the client synchronously; keep it to close a failed attempt's socket.
  const client = ssh.connection;
  try {
    await connecting;
  } catch (error) {
    client?.destroy();
    throw classifyDialFailure(error, hop, context, hostKey);
  }
  const ready = client as Client; // connect() resolved, so it did create the client
  // node-ssh stops listening for 'error' once connected, and an unheard error event crashes the
  // process. A lost link is seen through 'close' (LiveConnection); the error itself adds nothing.
  ready.on("error", () => undefined);
  // Without it every exec stalls ~43 ms on Nagle + delayed ACK (field notes §5). Steps exec on the
  // ssh2 client directly: node-ssh's execCommand/mkdir emit Unix shell syntax.
  ready.setNoDelay(true);
  return ready;
}

/**
 * A connected session to the target (possibly through a jump host). Tracks whether the link is
 * still up so a step can tell "the connection dropped" from "the step ended".
 */
export class LiveConnection {
  private up = true;
  private readonly hops: { client: Client; closed: Promise<void> }[];

  constructor(
    readonly client: Client,
    jumpClient?: Client,
  ) {
    this.hops = [client, jumpClient]
      .filter((c): c is Client => c !== undefined)
      .map((c) => ({ client: c, closed: new Promise<void>((resolve) => c.once("close", () => resolve())) }));
    client.on("error", () => this.markDown()).on("end", () => this.markDown()).on("close", () => this.markDown());
  }

  get alive(): boolean {
    return this.up;
  }

  private markDown(): void {
    this.up = false;
  }

  /**
   * Ends both hops without waiting for the peer's half of the close handshake (a round trip that
   * changes nothing once every result has arrived); a peer that never closes its side is cut off
   * after a grace period.
   */
  async close(): Promise<void> {
    this.markDown();
    for (const { client, closed } of this.hops) {
      client.end();
      const cutOff = setTimeout(() => client.destroy(), CLOSE_GRACE_MS);
      cutOff.unref();
      void closed.then(() => clearTimeout(cutOff));
    }
  }
}

const CLOSE_GRACE_MS = 2000;
