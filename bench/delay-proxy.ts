/**
 * A loopback TCP proxy that stands for a network path between the provider and one Windows host:
 * every chunk is delivered `oneWayDelayMs` after it arrived, in order, in both directions, and a
 * new connection reaches the host only one round trip after it was accepted (TCP's handshake).
 * It also counts what crosses it, so ours and the baseline are measured by the same instrument.
 */
import { once } from "events";
import * as net from "net";

export interface WireCounts {
  /** TCP connections opened through the proxy. */
  connections: number;
  /** Bytes from the provider side to the host (SSH handshake and encryption included). */
  bytesSent: number;
  /** Bytes from the host to the provider side. */
  bytesReceived: number;
}

export class DelayProxy {
  private readonly counts: WireCounts = { connections: 0, bytesSent: 0, bytesReceived: 0 };
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));

  private constructor(
    private readonly targetPort: number,
    private readonly oneWayDelayMs: number,
  ) {}

  static async start(targetPort: number, oneWayDelayMs: number): Promise<DelayProxy> {
    const proxy = new DelayProxy(targetPort, oneWayDelayMs);
    proxy.server.listen(0, "127.0.0.1");
    await once(proxy.server, "listening");
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Counts since the last reset. */
  get wire(): WireCounts {
    return { ...this.counts };
  }

  resetCounts(): void {
    Object.assign(this.counts, { connections: 0, bytesSent: 0, bytesReceived: 0 });
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.counts.connections++;
    this.track(client);
    client.setNoDelay(true);
    // Chunks the client sends before the host side is connected wait here, in order.
    const early: (Buffer | null)[] = [];
    let host: net.Socket | undefined;
    const toHost = (chunk: Buffer | null) => {
      if (!host) early.push(chunk);
      else if (chunk) host.write(chunk);
      else host.end();
    };
    client.on("data", (chunk: Buffer) => {
      this.counts.bytesSent += chunk.length;
      this.later(() => toHost(chunk));
    });
    client.on("end", () => this.later(() => toHost(null)));
    // A side that closed without ending (reset) is ended on the other side, after the data in flight.
    client.on("close", () => this.later(() => host?.end()));

    // SYN, SYN-ACK: the host sees the connection one round trip after the client started it.
    this.later(() => {
      if (client.destroyed) return;
      const upstream = net.connect({ port: this.targetPort, host: "127.0.0.1", allowHalfOpen: true });
      host = upstream;
      this.track(upstream);
      upstream.setNoDelay(true);
      upstream.on("data", (chunk: Buffer) => {
        this.counts.bytesReceived += chunk.length;
        this.later(() => client.write(chunk));
      });
      upstream.on("end", () => this.later(() => client.end()));
      upstream.on("close", () => this.later(() => client.end()));
      for (const chunk of early.splice(0)) toHost(chunk);
    }, 2 * this.oneWayDelayMs);
  }

  /** Every chunk waits the same delay, so chunks are delivered in the order they arrived. */
  private later(deliver: () => void, delayMs = this.oneWayDelayMs): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      deliver();
    }, delayMs);
    this.timers.add(timer);
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on("error", () => socket.destroy());
    socket.once("close", () => this.sockets.delete(socket));
  }
}
