/**
 * The Tailscale MSI on the deploying machine, for an install that uploads it to the host
 * (`install.source: "upload"`): the user's own file (`install.msiFile`), or the package for the
 * host's architecture and version, downloaded here (through HTTPS_PROXY when set) and kept in a
 * cache keyed by SHA-256 so that it is downloaded once. Whatever it returns has been hashed here;
 * the host checks that hash and Tailscale's Authenticode signature before running it.
 */
import { downloadedMsi } from "./download";
import { msiFileAsGiven } from "./msi-file";

/** The MSI architectures Tailscale publishes, as the host's probe reports them. */
export type MsiArch = "amd64" | "arm64" | "x86";

export interface MsiRequest {
  /** A path on the deploying machine (install.msiFile): used as it is, never downloaded. */
  msiFile?: string;
  /** Where to download from instead of pkgs.tailscale.com (install.msiUrl; its query is secret). */
  msiUrl?: string;
  /** The Tailscale version (install.version); unset: the latest stable. */
  version?: string;
  /** The pinned SHA-256 (install.sha256, either case): any other package is refused. */
  sha256?: string;
  arch: MsiArch;
}

export interface LocalMsi {
  /** Absolute path of the file to upload (in the cache, or the user's msiFile). */
  path: string;
  /** SHA-256 of the file, lowercase hexadecimal. */
  sha256: string;
  size: number;
  /** The package's own name, e.g. tailscale-setup-1.90.6-amd64.msi. */
  fileName: string;
  origin: "msi-file" | "cache" | "download";
}

export interface ObtainOptions {
  /** Default: $XDG_CACHE_HOME/mesh-windows-node/msi, or ~/.cache/mesh-windows-node/msi. */
  cacheDir?: string;
  /** Default: https://pkgs.tailscale.com/stable/ (the stable index and its packages). */
  packagesUrl?: string;
  /** Progress lines (what is downloaded from where, how far it got, a cache hit). */
  log?: (line: string) => void;
}

/** The MSI to upload: the user's file, or a cached or freshly downloaded package; hashed either way. */
export function obtainMsi(request: MsiRequest, options: ObtainOptions = {}): Promise<LocalMsi> {
  if (request.msiFile !== undefined) return msiFileAsGiven(request.msiFile, request.sha256);
  return downloadedMsi(request, options);
}
