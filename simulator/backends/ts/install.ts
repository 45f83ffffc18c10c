/**
 * The TypeScript model of provider/scripts/install.ps1: installs or upgrades Tailscale from its MSI
 * (the default) or with winget. The installers themselves are the one program model's
 * (simulator/programs/msiexec.ts, winget.ts); this models what the script decides around them.
 */
import { TAILSCALE_SIGNER, type InstallParams, type InstallResult, type UploadedMsi } from "../../../provider/scripts/catalogue";
import { fileSha256, fileSize } from "../../blobs";
import { isInstalled } from "../../programs";
import { PKGS_INDEX_URL, PKGS_STABLE_URL, msiArchitectureOf, msiIndex, msiPackage, msiSignature } from "../../programs/pkgs";
import { joinPath } from "../../windows-model";
import type { NativeRun, Script } from "./common";
import { protectFolder } from "./folders";
import { webRequest } from "./web";

/** install.ps1 stops an installer after this long. */
const INSTALLER_TIMEOUT_SECONDS = 900;
/** Lines of install.log returned when msiexec fails (Get-Content -Tail 40). */
const LOG_TAIL_LINES = 40;

export async function install(script: Script, params: InstallParams): Promise<InstallResult> {
  script.requireAdmin(params.stateDir);
  protectFolder(script, params.stateDir);
  return params.method === "winget" ? installWithWinget(script, params) : installWithMsi(script, params);
}

async function installWithWinget(script: Script, params: InstallParams): Promise<InstallResult> {
  // Get-Command winget: missing over SSH or as SYSTEM more often than not.
  if (!isInstalled(script.state, "winget")) {
    return { outcome: "failed", exitCode: null, message: "winget is not available on this host; use the msi install method", logTail: "" };
  }
  const args = ["install", "--id", "Tailscale.Tailscale", "--source", "winget", "--silent", "--accept-package-agreements", "--accept-source-agreements"];
  if (params.version) args.push("--version", params.version);
  script.progress("installing Tailscale with winget");
  const run = await script.native("winget", args, INSTALLER_TIMEOUT_SECONDS, script.host.clock.durations.installMs);
  if (run.exitCode !== 0) return { outcome: "failed", exitCode: run.exitCode, message: `winget install failed (exit code ${run.exitCode})`, logTail: run.output };
  return installed(script, 0);
}

async function installWithMsi(script: Script, params: InstallParams): Promise<InstallResult> {
  const msi = joinPath(params.stateDir, "tailscale-setup.msi");
  const log = joinPath(params.stateDir, "install.log");
  const upload = params.upload ?? undefined;
  const origin = upload ? "uploaded" : "downloaded";
  const args = ["/i", msi, "/quiet", "/norestart", "/qn", "/L*v", log, "TS_UNATTENDEDMODE=always", "TS_NOLAUNCH=1"];
  if (params.loginServer) args.push(`TS_LOGINURL=${params.loginServer}`);
  let run: NativeRun;
  try {
    if (upload) {
      const problem = uploadProblem(script, upload);
      if (problem) {
        const message = `the uploaded MSI ${problem}: it was deleted without running; run the operation again to send it again`;
        return { outcome: "failed", exitCode: null, message, logTail: "" };
      }
      script.files.moveFile(upload.path, msi);
    } else {
      const url = params.msiUrl ?? msiUrl(script, params);
      script.progress(`downloading ${url}`);
      webRequest(script, "GET", url, params.proxy);
      script.files.writeFile(msi, msiPackage(url));
    }
    const refused = hashMismatch(params.sha256, fileSha256(script.state.files[script.files.fileName(msi)!]), origin);
    if (refused) return { outcome: "failed", exitCode: null, message: refused, logTail: "" };
    const unsigned = signatureProblem(script, origin);
    if (unsigned) return { outcome: "failed", exitCode: null, message: unsigned, logTail: "" };
    script.progress("running the Tailscale installer");
    run = await script.native("msiexec.exe", args, INSTALLER_TIMEOUT_SECONDS, script.host.clock.durations.installMs);
  } finally {
    // A killed process never reaches its `finally`.
    if (!script.signal.aborted) script.files.deleteFile(msi);
    if (!script.signal.aborted && upload) script.files.deleteFile(upload.path);
  }
  if (run.exitCode === 0 || run.exitCode === 3010) {
    script.files.deleteFile(log);
    return installed(script, run.exitCode);
  }
  const message =
    run.exitCode === null
      ? `msiexec did not finish within ${INSTALLER_TIMEOUT_SECONDS} s and was stopped; its log is ${log}`
      : `msiexec failed (exit code ${run.exitCode}); its log is ${log}`;
  const logText = script.files.readFile(log);
  return { outcome: "failed", exitCode: run.exitCode, message, logTail: logText === undefined ? "" : tailOf(logText, LOG_TAIL_LINES) };
}

/**
 * The MSI for the host's architecture ($env:PROCESSOR_ARCHITECTURE: ARM64, x86, else amd64), at the
 * version asked for, or the latest the stable index names (fetched through the install proxy).
 */
function msiUrl(script: Script, { version, proxy }: InstallParams): string {
  const arch = msiArchitectureOf(script.state.architecture);
  if (version) return `${PKGS_STABLE_URL}tailscale-setup-${version}-${arch}.msi`;
  webRequest(script, "GET", PKGS_INDEX_URL, proxy);
  return PKGS_STABLE_URL + msiIndex(script.host.scenario).MSIs[arch];
}

async function installed(script: Script, exitCode: number): Promise<InstallResult> {
  const version = (await script.tailscaleVersion()) ?? "";
  return { outcome: "installed", version, exitCode, rebootRequired: exitCode === 3010 };
}

/** Get-Content -Tail n, joined with "\n". */
function tailOf(text: string, lines: number): string {
  return text.replace(/\r?\n$/, "").split(/\r?\n/).slice(-lines).join("\n");
}

/** install.ps1's Get-MeshUploadProblem: why the file the provider sent is not the MSI it hashed. */
function uploadProblem(script: Script, upload: UploadedMsi): string | undefined {
  const name = script.files.fileName(upload.path);
  if (name === undefined) return `is not at ${upload.path}`;
  const file = script.state.files[name];
  const length = fileSize(file);
  if (length !== upload.size) return `has ${length} bytes, not ${upload.size}`;
  const seen = fileSha256(file);
  if (seen !== upload.sha256.toUpperCase()) return `has SHA-256 ${seen}, not ${upload.sha256} as sent`;
  return undefined;
}

/** install.ps1's check of install.sha256 (Get-FileHash, compared ignoring case as -ne does); the message when it fails. */
function hashMismatch(pinned: string | null | undefined, seen: string, origin: string): string | undefined {
  if (!pinned) return undefined;
  if (seen === pinned.toUpperCase()) return undefined;
  return `the ${origin} MSI's SHA-256 is ${seen}, not ${pinned} as install.sha256 says: it was deleted without running; check install.msiUrl and install.version, or the pinned hash`;
}

/** install.ps1's Authenticode check (Get-AuthenticodeSignature): Status Valid and Tailscale's signer, else the message. */
function signatureProblem(script: Script, origin: string): string | undefined {
  const { status, subject } = msiSignature(script.host.scenario);
  const signer = subject ?? "no signer";
  if (status === "Valid" && signer.startsWith(TAILSCALE_SIGNER)) return undefined;
  return `the ${origin} MSI's Authenticode signature is ${status} by ${signer}, not Valid by ${TAILSCALE_SIGNER}*: it was deleted without running; check install.msiUrl (a mirror must serve Tailscale's own signed MSI)`;
}
