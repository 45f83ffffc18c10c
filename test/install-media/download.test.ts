/**
 * obtainMsi without msiFile: the package for the host's architecture and version, downloaded on the
 * deploying machine from a local stand-in for pkgs.tailscale.com (or install.msiUrl), through the
 * proxy the environment names, into a cache that answers every later request for the same package.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import { tmpdir } from "os";
import { join } from "path";
import { isMeshError } from "../../provider/common/errors";
import { obtainMsi, type MsiRequest, type ObtainOptions } from "../../provider/install-media";
import { packageBytes, startPackageServer, startRecordingProxy, type PackageServer } from "../support/package-server";

const PROXY_VARIABLES = ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"];
const saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]));

let dir: string;
let server: PackageServer;
let lines: string[];

beforeEach(async () => {
  for (const name of PROXY_VARIABLES) delete process.env[name];
  dir = mkdtempSync(join(tmpdir(), "msi-download-"));
  server = await startPackageServer("1.92.1", ["1.92.1", "1.90.6"]);
  lines = [];
});

afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  for (const name of PROXY_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

function options(): ObtainOptions {
  return { cacheDir: join(dir, "cache"), packagesUrl: server.url, log: (line) => lines.push(line) };
}

const obtain = (request: MsiRequest) => obtainMsi(request, options());
const failureOf = (request: MsiRequest) => obtain(request).catch((e: unknown) => e);

describe("obtainMsi downloads", () => {
  it("the latest package the stable index names for the architecture, into the cache", async () => {
    const expected = packageBytes("tailscale-setup-1.92.1-arm64.msi");
    const msi = await obtain({ arch: "arm64" });
    expect(msi).toMatchObject({ sha256: expected.sha256, size: expected.bytes.length, fileName: "tailscale-setup-1.92.1-arm64.msi", origin: "download" });
    expect(readFileSync(msi.path)).toEqual(expected.bytes);
    expect(msi.path).toBe(join(dir, "cache", `${expected.sha256}.msi`));
    expect(server.requests).toEqual(["/?mode=json&os=windows", "/tailscale-setup-1.92.1-arm64.msi"]);
    expect(lines[0]).toBe(`downloading ${server.url}tailscale-setup-1.92.1-arm64.msi (0.1 MB)`);
    // Nothing but the package and the index is left in the cache folder.
    expect(readdirSync(join(dir, "cache")).sort()).toEqual([`${expected.sha256}.msi`, "index.json"]);
  });

  it("with a progress line at each quarter of a large package", async () => {
    const big = packageBytes("big", 2_000_000);
    server.packages.set("tailscale-setup-1.90.6-amd64.msi", big.bytes);
    expect((await obtain({ arch: "amd64", version: "1.90.6" })).sha256).toBe(big.sha256);
    expect(lines).toEqual([
      `downloading ${server.url}tailscale-setup-1.90.6-amd64.msi (2.0 MB)`,
      expect.stringMatching(/^downloaded 0\.[5-9] MB of 2\.0 MB$/),
      expect.stringMatching(/^downloaded 1\.[0-4] MB of 2\.0 MB$/),
      expect.stringMatching(/^downloaded 1\.[5-9] MB of 2\.0 MB$/),
      "downloaded 2.0 MB",
    ]);
  });

  it("the package of a pinned version, once: a second request is answered by the cache without a request", async () => {
    const first = await obtain({ arch: "x86", version: "1.90.6" });
    const second = await obtain({ arch: "x86", version: "1.90.6" });
    expect(server.requests).toEqual(["/tailscale-setup-1.90.6-x86.msi"]);
    expect(first.origin).toBe("download");
    expect(second).toEqual({ ...first, origin: "cache" });
  });

  it("the latest package once: a second request reads only the index", async () => {
    await obtain({ arch: "amd64" });
    const again = await obtain({ arch: "amd64" });
    expect(again.origin).toBe("cache");
    expect(server.requests).toEqual(["/?mode=json&os=windows", "/tailscale-setup-1.92.1-amd64.msi", "/?mode=json&os=windows"]);
  });

  it("nothing at all when the pinned hash is cached", async () => {
    const first = await obtain({ arch: "amd64", version: "1.90.6" });
    await server.close();
    const again = await obtain({ arch: "amd64", sha256: first.sha256.toUpperCase() });
    expect(again).toEqual({ ...first, origin: "cache" });
    server = await startPackageServer("1.92.1");
  });

  it("install.msiUrl instead of the packages server, and every time when it names no version", async () => {
    const msiUrl = `${server.url}tailscale-setup-1.90.6-amd64.msi?sig=mirror-token-123`;
    await obtain({ arch: "amd64", msiUrl });
    const again = await obtain({ arch: "amd64", msiUrl });
    expect(again.origin).toBe("download");
    expect(again.fileName).toBe("tailscale-setup-1.90.6-amd64.msi");
    expect(server.requests).toEqual(["/tailscale-setup-1.90.6-amd64.msi?sig=mirror-token-123", "/tailscale-setup-1.90.6-amd64.msi?sig=mirror-token-123"]);
    // The token never reaches a progress line, nor the cache folder.
    expect(lines.join("\n")).not.toContain("mirror-token-123");
    for (const name of readdirSync(join(dir, "cache"))) expect(readFileSync(join(dir, "cache", name)).includes("mirror-token-123")).toBe(false);
  });

  it("install.msiUrl with a version once", async () => {
    const msiUrl = `${server.url}tailscale-setup-1.90.6-amd64.msi?sig=mirror-token-123`;
    await obtain({ arch: "amd64", msiUrl, version: "1.90.6" });
    expect((await obtain({ arch: "amd64", msiUrl, version: "1.90.6" })).origin).toBe("cache");
    expect(server.requests).toHaveLength(1);
  });

  it("through the proxy HTTP_PROXY names", async () => {
    const proxy = await startRecordingProxy();
    try {
      process.env.HTTP_PROXY = proxy.url;
      process.env.HTTPS_PROXY = proxy.url;
      const msi = await obtain({ arch: "amd64" });
      expect(msi.sha256).toBe(packageBytes("tailscale-setup-1.92.1-amd64.msi").sha256);
      expect(proxy.seen).toEqual([`${server.url}?mode=json&os=windows`, `${server.url}tailscale-setup-1.92.1-amd64.msi`]);
    } finally {
      await proxy.close();
    }
  });

  it("directly when NO_PROXY names the server", async () => {
    const proxy = await startRecordingProxy();
    try {
      Object.assign(process.env, { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" });
      await obtain({ arch: "amd64", version: "1.90.6" });
      expect(proxy.seen).toEqual([]);
      expect(server.requests).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });
});

describe("obtainMsi refuses", () => {
  it("a download whose hash is not the pinned one, and caches nothing", async () => {
    const pinned = "b".repeat(64);
    const failure = await failureOf({ arch: "amd64", version: "1.90.6", sha256: pinned });
    expect(isMeshError(failure, "install-failed")).toBe(true);
    expect(String(failure)).toContain(`not ${pinned}; it was deleted, not cached`);
    expect(readdirSync(join(dir, "cache"))).toEqual([]);
    // Nothing was remembered: the next request downloads again.
    await obtain({ arch: "amd64", version: "1.90.6" });
    expect(server.requests).toHaveLength(2);
  });

  it("a missing version, naming the status, the URL (its query redacted) and install.version", async () => {
    const failure = await failureOf({ arch: "amd64", msiUrl: `${server.url}tailscale-setup-9.9.9-amd64.msi?sig=mirror-token-123` });
    expect(isMeshError(failure, "install-failed")).toBe(true);
    const text = String(failure);
    expect(text).toContain(`from ${server.url}tailscale-setup-9.9.9-amd64.msi?[redacted] failed`);
    expect(text).toContain("seen: HTTP 404 Not Found");
    expect(text).toContain("install.version");
    expect(text).not.toContain("mirror-token-123");
  });

  it("a download cut short, leaving nothing in the cache", async () => {
    const cut = http.createServer((_req, res) => {
      res.writeHead(200, { "content-length": 100_000 });
      res.write(Buffer.alloc(40_000));
      setTimeout(() => res.socket?.destroy(), 50);
    });
    await new Promise<void>((resolve) => cut.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = cut.address() as AddressInfo;
      const failure = await obtainMsi({ arch: "amd64", version: "1.90.6" }, { ...options(), packagesUrl: `http://127.0.0.1:${port}/` }).catch((e: unknown) => e);
      expect(isMeshError(failure, "install-failed")).toBe(true);
      expect(String(failure)).toMatch(/seen: the download broke off after 0\.0 MB: terminated/);
      expect(readdirSync(join(dir, "cache"))).toEqual([]);
    } finally {
      cut.closeAllConnections();
      await new Promise((resolve) => cut.close(resolve));
    }
  });

  it("an unreachable server, naming the cause and the proxy settings", async () => {
    const url = server.url;
    await server.close();
    const failure = await obtainMsi({ arch: "amd64", version: "1.90.6" }, { ...options(), packagesUrl: url }).catch((e: unknown) => e);
    server = await startPackageServer("1.92.1");
    expect(isMeshError(failure, "install-failed")).toBe(true);
    expect(String(failure)).toContain("seen: fetch failed: connect ECONNREFUSED");
    expect(String(failure)).toContain("HTTPS_PROXY");
  });
});

describe("the cache", () => {
  it("drops an entry whose bytes changed, and downloads the package again", async () => {
    const first = await obtain({ arch: "amd64", version: "1.90.6" });
    writeFileSync(first.path, "corrupted");
    const again = await obtain({ arch: "amd64", version: "1.90.6" });
    expect(again).toEqual({ ...first, origin: "download" });
    expect(readFileSync(again.path)).toEqual(packageBytes("tailscale-setup-1.90.6-amd64.msi").bytes);
    expect(server.requests).toHaveLength(2);
  });

  it("drops an entry whose bytes changed before a hit by pinned hash", async () => {
    const first = await obtain({ arch: "amd64", version: "1.90.6" });
    writeFileSync(first.path, "corrupted");
    const again = await obtain({ arch: "amd64", version: "1.90.6", sha256: first.sha256 });
    expect(again.origin).toBe("download");
    expect(server.requests).toHaveLength(2);
  });

  it("survives an index cut short (the package is downloaded again)", async () => {
    await obtain({ arch: "amd64", version: "1.90.6" });
    writeFileSync(join(dir, "cache", "index.json"), '{"urls": {');
    expect((await obtain({ arch: "amd64", version: "1.90.6" })).origin).toBe("download");
  });

  it("lives under $XDG_CACHE_HOME by default", async () => {
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = join(dir, "xdg");
    try {
      const msi = await obtainMsi({ arch: "amd64", version: "1.90.6" }, { packagesUrl: server.url });
      expect(msi.path).toBe(join(dir, "xdg", "mesh-windows-node", "msi", `${msi.sha256}.msi`));
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
  });
});
