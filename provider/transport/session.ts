/**
 * One SSH session to one Windows host for the length of an operation: connects (with retries),
 * holds the host key it is bound to, runs its steps in one step loop (one powershell.exe), and
 * reconnects when the link drops (re-running a step, in a new loop, only when the caller says that
 * is safe).
 */
import { MeshError } from "../common/errors";
import { connectWithRetry, type ConnectPlan } from "./connect";
import { checkPrivateKey, type DialContext, type Hop, type LiveConnection } from "./dial";
import { HostKeyTrust } from "./host-key";
import { ConnectionDropped, StepLoop, type StepContext } from "./loop";
import type { ConnectionSettings, RemoteSession, SessionOptions, StepRequest, TransportStats, UploadRequest, UploadResult } from "./types";
import { sftpUpload } from "./upload";

export async function openSession(settings: ConnectionSettings, options: SessionOptions): Promise<RemoteSession> {
  const session = new SshSession(settings, options);
  await session.connect();
  return session;
}

function planFor(settings: ConnectionSettings, context: DialContext): ConnectPlan {
  const target: Hop = {
    role: "target",
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    privateKey: settings.privateKey,
    privateKeyPassword: settings.privateKeyPassword,
    agentSocketPath: settings.agentSocketPath,
    perDialTimeoutMs: settings.perDialTimeoutMs,
    dialErrorLimit: settings.dialErrorLimit,
    trust: new HostKeyTrust(settings.hostKey),
  };
  const proxy = settings.proxy;
  const jump: Hop | undefined = proxy && {
    role: "jump host",
    host: proxy.host,
    port: proxy.port,
    user: proxy.user,
    password: proxy.password,
    privateKey: proxy.privateKey,
    privateKeyPassword: proxy.privateKeyPassword,
    agentSocketPath: proxy.agentSocketPath,
    perDialTimeoutMs: proxy.perDialTimeoutMs ?? settings.perDialTimeoutMs,
    dialErrorLimit: proxy.dialErrorLimit ?? settings.dialErrorLimit,
    trust: new HostKeyTrust(proxy.hostKey),
  };
  for (const hop of [target, jump]) if (hop) checkPrivateKey(hop, context);
  return { target, jump, connectDeadlineMs: settings.connectDeadlineMs };
}

class SshSession implements RemoteSession {
  readonly label: string;
  readonly stats: TransportStats = { connections: 0, roundTrips: 0, bytesSent: 0, bytesReceived: 0 };
  private readonly plan: ConnectPlan;
  private readonly stepContext: StepContext;
  private connection: LiveConnection | undefined;
  private connecting: Promise<LiveConnection> | undefined;
  private loop: StepLoop | undefined;
  private closed = false;

  constructor(
    settings: ConnectionSettings,
    private readonly options: SessionOptions,
  ) {
    this.label = options.label;
    this.plan = planFor(settings, options);
    this.stepContext = { label: options.label, redactor: options.redactor, log: options.log, stats: this.stats };
  }

  get hostKeyFingerprint(): string {
    // Set by the first successful connection, which openSession awaits.
    return this.plan.target.trust.fingerprint ?? "";
  }

  /** The live connection, or a new one (same host key, same deadline rules) when there is none. */
  connect(): Promise<LiveConnection> {
    if (this.closed) {
      return Promise.reject(new MeshError("the session is closed", { kind: "ssh-dropped", host: this.label, hint: "open a new session" }));
    }
    if (this.connection?.alive) return Promise.resolve(this.connection);
    this.connecting ??= connectWithRetry(this.plan, this.options)
      .then((connection) => {
        this.stats.connections++;
        this.connection = connection;
        return connection;
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  async run<T>(request: StepRequest): Promise<T> {
    const timeoutMs = request.timeoutMs ?? this.options.stepTimeoutMs;
    try {
      return (await this.runInLoop(request, timeoutMs)) as T;
    } catch (error) {
      if (!(error instanceof ConnectionDropped)) throw error;
      if (!request.idempotent) throw this.dropped(request, error, "it may or may not have taken effect on the host");
      this.options.log?.(`[${this.label}] ${request.name}: the connection dropped; reconnecting to run the step again`);
    }
    try {
      return (await this.runInLoop(request, timeoutMs)) as T;
    } catch (error) {
      if (error instanceof ConnectionDropped) throw this.dropped(request, error, "it dropped again after one reconnection");
      throw error;
    }
  }

  /** The loop of the live connection, or a new one when it ended (timeout, dropped link, closed channel). */
  private async runInLoop(request: StepRequest, timeoutMs: number): Promise<unknown> {
    const connection = await this.connect();
    if (!this.loop?.usable || this.loop.connection !== connection) this.loop = new StepLoop(connection, this.stepContext);
    return this.loop.run(request, timeoutMs);
  }

  async upload(request: UploadRequest): Promise<UploadResult> {
    try {
      return await this.uploadOnce(request);
    } catch (error) {
      if (!(error instanceof ConnectionDropped)) throw error;
      this.options.log?.(`[${this.label}] ${request.name}: the connection dropped; reconnecting to send the file again from its start`);
    }
    try {
      return await this.uploadOnce(request);
    } catch (error) {
      if (error instanceof ConnectionDropped) throw this.dropped(request, error, "it dropped again after one reconnection");
      throw error;
    }
  }

  private async uploadOnce(request: UploadRequest): Promise<UploadResult> {
    const connection = await this.connect();
    const result = await sftpUpload(connection, request, this.options);
    this.stats.bytesSent += result.bytes;
    return result;
  }

  private dropped(request: { name: string }, error: ConnectionDropped, detail: string): MeshError {
    return new MeshError(`the SSH connection dropped during the step; ${detail}`, {
      kind: "ssh-dropped",
      host: this.label,
      step: request.name,
      seen: error.message,
      hint: "check the network path to the host and run the operation again: it probes the host first and continues from what it finds",
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection ?? (await this.connecting?.catch(() => undefined));
    this.connection = undefined;
    // End of stdin ends the loop; every result has arrived, so nothing waits for the channel's close.
    this.loop?.end();
    this.loop = undefined;
    await connection?.close();
  }
}
