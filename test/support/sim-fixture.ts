/**
 * Shared set-up for transport tests against the simulated SSH server: a server with the test back
 * end, connection settings and session options pointing at it, and one place that closes
 * everything a test opened (jest must exit with no handle left).
 */
import { Redactor } from "../../provider/common/redact";
import { SimulatedSshServer, type SimulatedSshServerOptions } from "../../simulator/ssh-server";
import { openSession } from "../../provider/transport/session";
import type { ConnectionSettings, RemoteSession, SessionOptions } from "../../provider/transport/types";
import { TestBackend } from "./test-backend";

export const USER = "Administrator";
export const PASSWORD = "Tr0ub4dor&3-horse";
export const LABEL = "win-01";

export class Fixture {
  readonly logLines: string[] = [];
  private readonly closers: (() => Promise<void>)[] = [];

  /** Runs `close` at the end of the test (last registered, first run). */
  onCleanup(close: () => Promise<void>): void {
    this.closers.unshift(close);
  }

  async server(options: Partial<SimulatedSshServerOptions> = {}): Promise<{ server: SimulatedSshServer; backend: TestBackend }> {
    const backend = new TestBackend();
    const server = new SimulatedSshServer({ backend, user: { name: USER, password: PASSWORD }, ...options });
    this.onCleanup(() => server.stop());
    await server.start();
    return { server, backend };
  }

  settings(server: { port: number }, overrides: Partial<ConnectionSettings> = {}): ConnectionSettings {
    return {
      host: "127.0.0.1",
      port: server.port,
      user: USER,
      password: PASSWORD,
      dialErrorLimit: 10,
      perDialTimeoutMs: 10_000,
      connectDeadlineMs: 20_000,
      ...overrides,
    };
  }

  options(overrides: Partial<SessionOptions> = {}): SessionOptions {
    return {
      label: LABEL,
      redactor: new Redactor([PASSWORD]),
      log: (line) => this.logLines.push(line),
      stepTimeoutMs: 20_000,
      ...overrides,
    };
  }

  async session(settings: ConnectionSettings, options: SessionOptions = this.options()): Promise<RemoteSession> {
    const session = await openSession(settings, options);
    this.onCleanup(() => session.close());
    return session;
  }

  async closeAll(): Promise<void> {
    this.logLines.length = 0;
    for (const close of this.closers.splice(0)) await close();
  }
}

/** The rejection of a promise, for asserting on errors' fields and messages. */
export async function failureOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a failure, but the promise resolved");
}
