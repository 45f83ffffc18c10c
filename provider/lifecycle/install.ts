/**
 * The install step of create and update: Tailscale's MSI downloaded by the host (the default), or,
 * with install.source "upload", obtained on the deploying machine and sent over the operation's
 * connection first (SFTP, or the step channel), into the state directory taken over beforehand, under
 * a random name; install.ps1 then installs only the very bytes hashed here.
 */
import { randomBytes } from "crypto";
import { MeshError } from "../common/errors";
import { obtainMsi } from "../install-media";
import type { DefaultedInputs } from "../node";
import { INSTALL } from "../node/spec/inputs";
import { DEFAULT_STATE_DIR, type InstallFields, type ProbeResult, type UploadedMsi } from "../scripts/catalogue";
import type { Operation } from "./operation";

/** Every declared install option, null when unset: a new option reaches install.ps1 without a change here. */
function installFields(install: DefaultedInputs["install"]): InstallFields {
  const given = install as unknown as Record<string, unknown>;
  return Object.fromEntries(Object.keys(INSTALL.fields).filter((name) => name !== "method").map((name) => [name, given[name] ?? null]));
}

export async function install(op: Operation, inputs: DefaultedInputs, probe: ProbeResult): Promise<string> {
  const method = inputs.install.method === "winget" ? "winget" : "msi";
  op.log(`installing Tailscale ${inputs.install.version ?? "(latest)"} with ${method}`);
  const upload = method === "msi" && inputs.install.source === "upload" ? await sendMsi(op, inputs, probe) : null;
  const result = await op.step("install", { ...installFields(inputs.install), method, loginServer: inputs.loginServer ?? null, stateDir: DEFAULT_STATE_DIR, upload });
  if (result.outcome === "installed") {
    if (result.rebootRequired) op.log(`Tailscale ${result.version} installed; Windows asks for a reboot (exit code ${result.exitCode})`);
    return result.version;
  }
  throw new MeshError(`installing Tailscale with ${method} failed${result.exitCode === null ? "" : ` (exit code ${result.exitCode})`}`, {
    kind: "install-failed",
    host: op.label,
    step: "install",
    seen: [result.message, result.logTail].filter(Boolean).join("\n"),
    hint:
      method === "winget"
        ? "winget is often missing or broken over SSH; use install.method \"msi\""
        : `see ${DEFAULT_STATE_DIR}\\install.log on the host; 1603 usually means a pending reboot or a previous install in a bad state`,
  });
}

/**
 * The MSI for the host's architecture, sent into the state directory: taken over first (the stage
 * step), so that only Administrators and SYSTEM can reach or replace the file while it arrives.
 */
async function sendMsi(op: Operation, inputs: DefaultedInputs, probe: ProbeResult): Promise<UploadedMsi> {
  const { msiFile, msiUrl, version, sha256 } = inputs.install;
  const msi = await obtainMsi({ msiFile, msiUrl, version, sha256, arch: probe.arch }, { log: (line) => op.log(line) });
  const stage = await op.step("stage", { stateDir: DEFAULT_STATE_DIR });
  if (stage.removed.length > 0) op.log(`removed what an interrupted upload left: ${stage.removed.join(", ")}`);
  const path = `${DEFAULT_STATE_DIR}\\upload-${randomBytes(8).toString("hex")}.msi`;
  const sent = await op.session.upload({ name: `upload ${msi.fileName}`, localPath: msi.path, remotePath: path, size: msi.size });
  op.log(`${msi.fileName} (${msi.origin}) sent by ${sent.via}`);
  return { path, size: msi.size, sha256: msi.sha256 };
}
