/**
 * The MSI downloaded on the deploying machine, from the same places install.ps1 downloads it on the
 * host: install.msiUrl, or pkgs.tailscale.com's package for the version and the host's architecture,
 * or the one its stable index names as the latest. A package is downloaded once: a pinned hash
 * that is cached needs no network at all, and a versioned URL seen before is answered from the cache.
 */
import { promises as fs } from "fs";
import { posix } from "path";
import { MeshError } from "../common/errors";
import { MsiCache, defaultCacheDir } from "./cache";
import { sameHash } from "./hash";
import type { LocalMsi, MsiRequest, ObtainOptions } from "./index";
import type { PackageClient } from "./package-client";

const PACKAGES_URL = "https://pkgs.tailscale.com/stable/";

export async function downloadedMsi(request: MsiRequest, options: ObtainOptions): Promise<LocalMsi> {
  const log = options.log ?? (() => undefined);
  const cache = new MsiCache(options.cacheDir ?? defaultCacheDir());
  const pinnedHit = request.sha256 === undefined ? undefined : await cache.byHash(request.sha256);
  if (pinnedHit) return fromCache(pinnedHit, log);

  // Loaded only to download: undici adds some 24 MB to every provider process that would load it.
  const { PackageClient } = await import("./package-client");
  const client = new PackageClient(request.msiUrl);
  try {
    const url = await packageUrl(request, withSlash(options.packagesUrl ?? PACKAGES_URL), client);
    // A URL names one package only when its version is known: msiUrl alone may serve a newer one tomorrow.
    const versioned = request.msiUrl === undefined || request.version !== undefined;
    const known = versioned ? await cache.hashForUrl(url) : undefined;
    const hit = known === undefined ? undefined : await cache.byHash(known);
    if (hit) return fromCache(hit, log);

    const temporary = await cache.temporaryPath();
    try {
      const { sha256, size } = await client.download(url, temporary, log);
      if (request.sha256 !== undefined && !sameHash(request.sha256, sha256)) {
        throw new MeshError(`the MSI downloaded from ${client.shown(url)} is not the package install.sha256 pins`, {
          kind: "install-failed",
          step: "install",
          seen: `SHA-256 ${sha256}, not ${request.sha256.toLowerCase()}; it was deleted, not cached`,
          hint: "check install.msiUrl and install.version, or the pinned hash",
        });
      }
      return await cache.add(temporary, { sha256, size, fileName: packageName(url) }, versioned ? url : undefined);
    } finally {
      await fs.rm(temporary, { force: true });
    }
  } finally {
    await client.close();
  }
}

function fromCache(hit: LocalMsi, log: (line: string) => void): LocalMsi {
  log(`using ${hit.fileName} from the cache (SHA-256 ${hit.sha256})`);
  return hit;
}

/** install.msiUrl, the versioned package, or the latest the stable index names for the architecture. */
async function packageUrl(request: MsiRequest, packagesUrl: string, client: PackageClient): Promise<string> {
  if (request.msiUrl !== undefined) return request.msiUrl;
  if (request.version !== undefined) return `${packagesUrl}tailscale-setup-${request.version}-${request.arch}.msi`;
  const indexUrl = `${packagesUrl}?mode=json&os=windows`;
  const index = (await client.json(indexUrl)) as { MSIs?: Record<string, unknown> } | null;
  const name = index?.MSIs?.[request.arch];
  if (typeof name !== "string" || !/^[\w.+-]+\.msi$/i.test(name)) {
    throw new MeshError(`the stable index at ${indexUrl} names no MSI for ${request.arch}`, {
      kind: "install-failed",
      step: "install",
      seen: `MSIs.${request.arch} is ${JSON.stringify(name) ?? "missing"}`,
      hint: "set install.version to the Tailscale version to install, or install.msiFile to a package downloaded beforehand",
    });
  }
  return packagesUrl + name;
}

/** The package's own file name from its URL, when it is a plain MSI name. */
function packageName(url: string): string {
  const name = decodeURIComponent(posix.basename(new URL(url).pathname));
  return /^[\w.+-]+\.msi$/i.test(name) ? name : "tailscale-setup.msi";
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
