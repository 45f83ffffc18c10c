/**
 * A stand-in for pkgs.tailscale.com on the deploying machine's side (a stable index and MSI bytes per
 * architecture, every request counted), and a plain forwarding HTTP proxy that records the absolute
 * URIs it was asked for: what the install-media tests download from and through.
 */
import { createHash } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";

export interface PackageServer {
  /** The base URL, ending in "/", to pass as packagesUrl. */
  url: string;
  /** Every request's path and query, in order. */
  requests: string[];
  /** The bytes served for a package name; setting one changes what is served from now on. */
  packages: Map<string, Buffer>;
  close(): Promise<void>;
}

/** Fake package bytes (`size` of them, different per name), and their SHA-256. */
export function packageBytes(name: string, size = 100_000): { bytes: Buffer; sha256: string } {
  const seed = createHash("sha256").update(name).digest();
  const bytes = Buffer.alloc(size, 0);
  for (let i = 0; i < size; i++) bytes[i] = seed[i % seed.length]! ^ (i & 0xff);
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** Serves `?mode=json&os=windows` (latest = `latest`) and `tailscale-setup-<v>-<arch>.msi` for each version given. */
export async function startPackageServer(latest: string, versions: string[] = [latest]): Promise<PackageServer> {
  const packages = new Map<string, Buffer>();
  for (const version of versions) {
    for (const arch of ["amd64", "arm64", "x86"]) {
      const name = `tailscale-setup-${version}-${arch}.msi`;
      packages.set(name, packageBytes(name).bytes);
    }
  }
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url!);
    const url = new URL(req.url!, "http://packages");
    if (url.pathname === "/" && url.searchParams.get("mode") === "json") {
      const msis = Object.fromEntries(["amd64", "arm64", "x86"].map((arch) => [arch, `tailscale-setup-${latest}-${arch}.msi`]));
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ MSIsVersion: latest, MSIs: msis }));
      return;
    }
    const bytes = packages.get(url.pathname.slice(1));
    if (!bytes) {
      res.statusCode = 404;
      res.end("not found");
      return;
    }
    res.setHeader("content-length", bytes.length);
    res.end(bytes);
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/`, requests, packages, close: () => closeServer(server) };
}

export interface RecordingProxy {
  /** http://127.0.0.1:<port>, for HTTP_PROXY / HTTPS_PROXY. */
  url: string;
  /** The absolute URIs of the GETs forwarded. */
  seen: string[];
  close(): Promise<void>;
}

/** A forwarding proxy for http:// URLs (absolute-URI requests), as a corporate proxy serves them. */
export async function startRecordingProxy(): Promise<RecordingProxy> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.url!);
    const target = new URL(req.url!);
    const upstream = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, seen, close: () => closeServer(server) };
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
