/**
 * The install steps' contract (part of the step catalogue, catalogue.ts, which re-exports it): the
 * MSI install or winget, and the two steps that bring an uploaded MSI into the state directory
 * first (install.source "upload"). Their effects on the host, which both simulator back ends follow
 * (paths under the step's `stateDir`, the default C:\ProgramData\MeshWindowsNode):
 *
 * stage    takes <stateDir> over, as join does (step 1), and removes every <stateDir>\upload-*.msi (what an
 *          interrupted upload left): the provider then sends a file into <stateDir> (SFTP or the step channel).
 * append   one chunk of a file sent over the step channel (the server offers no SFTP): at offset 0 creates
 *          or empties <path>; fails unless <path> holds exactly <offset> bytes; appends the chunk's bytes.
 * install  takes <stateDir> over first, as join does (step 1). msi: downloads to <stateDir>\tailscale-setup.msi
 *          (the index and the MSI through install.proxy when given: -Proxy, and -ProxyCredential built on the host),
 *          or, with `upload`, checks the file the provider sent (present, its size, its SHA-256; otherwise
 *          failed, that file deleted unrun) and moves it to <stateDir>\tailscale-setup.msi;
 *          refuses it (failed, the MSI deleted) when install.sha256 is given and differs, or when its
 *          Authenticode signature is not Valid by TAILSCALE_SIGNER; then runs
 *          `msiexec.exe /i <msi> /quiet /norestart /qn /L*v <stateDir>\install.log TS_UNATTENDEDMODE=always
 *          TS_NOLAUNCH=1 [TS_LOGINURL=<url>]`; exit 0 or 3010 = installed (service Running, Automatic),
 *          then the MSI and the log are deleted; any other exit code = failed, the MSI is deleted and the
 *          log kept (its tail is returned). winget: `winget install --id Tailscale.Tailscale --source winget
 *          --silent --accept-package-agreements --accept-source-agreements [--version <v>]`; no winget = failed.
 */
import type { InstallInput } from "../node/types";

/**
 * Every field of the node's `install` input but the method, as declared (provider/node/spec), null
 * when unset: version (null = latest stable), msiUrl (null = pkgs.tailscale.com for the version and
 * the host's architecture), and whatever install option is declared next. Optional here so that a
 * script reading a newer field tolerates an older sender; the provider always sends them all.
 */
export type InstallFields = { [K in Exclude<keyof InstallInput, "method">]?: InstallInput[K] | null };

/** An MSI the provider sent into the state directory (install.source "upload"): where, and what it must be. */
export interface UploadedMsi {
  /** <stateDir>\upload-<random>.msi */
  path: string;
  size: number;
  /** SHA-256 as the provider computed it (hex, either case). */
  sha256: string;
}

export type InstallParams = InstallFields & {
  method: "msi" | "winget";
  loginServer: string | null;
  stateDir: string;
  /** Set when the provider sent the MSI; null or absent: it is downloaded on the host. */
  upload?: UploadedMsi | null;
};

// ---------------------------------------------------------------- stage

export interface StageParams {
  stateDir: string;
}

export interface StageResult {
  /** Files an interrupted upload had left, now removed. */
  removed: string[];
}

// ---------------------------------------------------------------- append

export interface AppendParams {
  path: string;
  /** Where the chunk goes: the bytes the file must already hold. */
  offset: number;
  /** The chunk's bytes, base64. */
  data: string;
}

export interface AppendResult {
  /** The file's length after the chunk. */
  length: number;
}

export type InstallResult =
  | { outcome: "installed"; version: string; exitCode: number; rebootRequired: boolean }
  | { outcome: "failed"; exitCode: number | null; message: string; logTail: string };
