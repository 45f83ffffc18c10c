/**
 * The TypeScript model of common.ps1's daemon-environment functions: reading tailscaled-env.txt as
 * key -> SHA-256 of the value (probe), and setting or removing only the node's own keys (join, configure),
 * written only when the text changes, staged admin-only in the state directory and moved into place.
 */
import { createHash } from "node:crypto";
import type { DaemonEnvChange } from "../../../provider/scripts/catalogue";
import { joinPath, parentOf } from "../../windows-model";
import { ScriptError } from "./exec";
import type { Script } from "./common";
import { guidN } from "./join";
import { confirmTrustedFolder } from "./folders";

/** Read-MeshEnvFile: the file's lines without empty ones; none when there is no file. */
function envLines(script: Script, path: string): string[] {
  const text = script.files.readFile(path);
  return text === undefined ? [] : text.split(/\r?\n/).filter((line) => line !== "");
}

/** Get-MeshEnvKey. */
function keyOf(line: string): string {
  const at = line.indexOf("=");
  return (at < 0 ? line : line.slice(0, at)).trim();
}

/** Read-MeshEnvFile piped to Get-MeshEnvKey: the key of each line. */
export function envKeys(script: Script, path: string): string[] {
  return envLines(script, path).map(keyOf);
}

/** Get-MeshDaemonEnvironment. */
export function daemonEnvHashes(script: Script, path: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const line of envLines(script, path)) {
    const at = line.indexOf("=");
    if (at < 1) continue;
    found[keyOf(line)] = createHash("sha256").update(line.slice(at + 1), "utf8").digest("hex");
  }
  return found;
}

/** Set-MeshDaemonEnvironment: whether the file changed. */
export async function applyDaemonEnv(script: Script, change: DaemonEnvChange | null, stateDir: string): Promise<boolean> {
  if (change === null) return false;
  // PowerShell's -notcontains: case-insensitive.
  const owned = [...change.set.map((entry) => entry.name), ...change.remove].map((name) => name.toLowerCase());
  const before = envLines(script, change.path);
  const lines = before.filter((line) => !owned.includes(keyOf(line).toLowerCase()));
  for (const { name, value } of change.set) {
    if (/[\r\n]/.test(value)) throw new ScriptError(`the value of ${name} for ${change.path} contains a line break`);
    lines.push(`${name}=${value}`);
  }
  if (lines.join("\n") === before.join("\n")) return false;
  if (lines.length === 0) {
    script.files.deleteFile(change.path);
    return true;
  }
  const folder = parentOf(change.path);
  const problem = confirmTrustedFolder(script, folder);
  if (problem) {
    throw new ScriptError(
      `the daemon's folder ${folder} is not safe for its environment file, which may hold a proxy password: ${problem}. Give the folder back to Administrators and SYSTEM, then run again; its permissions were left as they are.`,
    );
  }
  const stagedPath = joinPath(stateDir, `tailscaled-env-${guidN()}.txt`);
  try {
    const staged = script.files.writeFile(stagedPath, `${lines.join("\r\n")}\r\n`);
    await script.setAdminOnlyAcl(staged);
    script.files.moveFile(staged, change.path);
  } finally {
    script.files.deleteFile(stagedPath);
  }
  return true;
}
