/**
 * A TCP proxy on loopback between the provider and a simulated host: the network, as a test can break
 * it. `reset()` cuts every connection at once (a link that dies mid-step, with the host's work half
 * done); `refuse()` answers new connections with a reset until `accept()` (a host that stays away).
 */
import { once } from "events";
import * as net from "net";

export class FaultProxy {
  /** Connections accepted so far, refused ones included. */
  connectionsSeen = 0;
  private readonly live = new Set<net.Socket>();
  private refusing = false;
  private cutAfter: { bytes: number; seen: number } | undefined;
  private readonly server: net.Server;

  private constructor(private readonly targetPort: number) {
    this.server = net.createServer((client) => this.relay(client));
  }

  static async start(targetPort: number): Promise<FaultProxy> {
    const proxy = new FaultProxy(targetPort);
    proxy.server.listen(0, "127.0.0.1");
    await once(proxy.server, "listening");
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Every connection through the proxy is cut now, both ways, without a goodbye. */
  reset(): void {
    for (const socket of this.live) socket.resetAndDestroy();
    this.live.clear();
  }

  /** Every connection is cut (as reset() does) once `bytes` more have gone from the client towards the host: a link dying mid-transfer. */
  resetAfterClientBytes(bytes: number): void {
    this.cutAfter = { bytes, seen: 0 };
  }

  /** New connections are reset as they arrive (what a rebooting host or a dropped route looks like). */
  refuse(): void {
    this.refusing = true;
  }

  accept(): void {
    this.refusing = false;
  }

  async stop(): Promise<void> {
    this.reset();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket): void {
    this.connectionsSeen++;
    client.on("error", () => undefined);
    if (this.refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.targetPort, "127.0.0.1");
    upstream.on("error", () => client.destroy());
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      this.live.add(socket);
      socket.once("close", () => this.live.delete(socket));
    }
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.on("data", (chunk: Buffer) => {
      if (this.cutAfter === undefined) return;
      this.cutAfter.seen += chunk.length;
      if (this.cutAfter.seen < this.cutAfter.bytes) return;
      this.cutAfter = undefined;
      this.reset();
    });
    client.pipe(upstream).pipe(client);
  }
}
