/**
 * The MSI cache on the deploying machine, so that a package is downloaded once: files named by
 * their SHA-256, and an index from a versioned package URL to the hash it held (keyed by the URL's
 * own SHA-256, so a signed mirror URL's token is never written to disk). Every file is written
 * atomically (temporary name, then rename) and hashed again on use: an entry whose bytes no longer
 * match its name is dropped, and the caller downloads the package again.
 */
import { createHash, randomBytes } from "crypto";
import { promises as fs } from "fs";
import { homedir } from "os";
import { isAbsolute, join } from "path";
import { sha256OfFile } from "./hash";
import type { LocalMsi } from "./index";

/** $XDG_CACHE_HOME/mesh-windows-node/msi, or ~/.cache/mesh-windows-node/msi. */
export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".cache");
  return join(base, "mesh-windows-node", "msi");
}

/** index.json: which hash a versioned URL held, and each cached package's own file name. */
interface CacheIndex {
  urls: Record<string, string>;
  names: Record<string, string>;
}

/** The package's name when nothing better is known (a hit by a pinned hash before any download). */
const UNNAMED = "tailscale-setup.msi";

export class MsiCache {
  constructor(readonly dir: string) {}

  /** The cached package with this hash, hashed again; undefined when absent or no longer intact. */
  async byHash(pinned: string): Promise<LocalMsi | undefined> {
    const sha256 = pinned.toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
    const path = this.packagePath(sha256);
    const stat = await fs.stat(path).catch(() => undefined);
    if (!stat?.isFile()) return undefined;
    if ((await sha256OfFile(path)) !== sha256) {
      await fs.rm(path, { force: true });
      return undefined;
    }
    const fileName = (await this.readIndex()).names[sha256] ?? UNNAMED;
    return { path, sha256, size: stat.size, fileName, origin: "cache" };
  }

  /** The hash the package at this versioned URL had when it was downloaded. */
  async hashForUrl(url: string): Promise<string | undefined> {
    return (await this.readIndex()).urls[urlKey(url)];
  }

  /** A fresh temporary path inside the cache folder (created, only the user's), for a download. */
  async temporaryPath(): Promise<string> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    return join(this.dir, `.download-${randomBytes(8).toString("hex")}.tmp`);
  }

  /** Moves a verified download into the cache; `url` (a versioned one) is remembered as holding it. */
  async add(temporary: string, entry: { sha256: string; size: number; fileName: string }, url: string | undefined): Promise<LocalMsi> {
    const path = this.packagePath(entry.sha256);
    await fs.rename(temporary, path);
    const index = await this.readIndex();
    index.names[entry.sha256] = entry.fileName;
    if (url !== undefined) index.urls[urlKey(url)] = entry.sha256;
    await this.writeAtomically("index.json", JSON.stringify(index, null, 2));
    return { path, ...entry, origin: "download" };
  }

  private packagePath(sha256: string): string {
    return join(this.dir, `${sha256}.msi`);
  }

  private async readIndex(): Promise<CacheIndex> {
    try {
      const parsed = JSON.parse(await fs.readFile(join(this.dir, "index.json"), "utf8")) as Partial<CacheIndex>;
      return { urls: { ...parsed.urls }, names: { ...parsed.names } };
    } catch {
      // No index yet, or one cut short: the packages stay, only their URLs are forgotten.
      return { urls: {}, names: {} };
    }
  }

  private async writeAtomically(name: string, text: string): Promise<void> {
    const temporary = await this.temporaryPath();
    await fs.writeFile(temporary, text, { mode: 0o600 });
    await fs.rename(temporary, join(this.dir, name));
  }
}

function urlKey(url: string): string {
  return createHash("sha256").update(url, "utf8").digest("hex");
}
