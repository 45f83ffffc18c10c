/** Outside programs some tests need (sshd, pwsh, ssh-agent): found, or skipped loudly (failed in CI). */
import { accessSync, constants } from "fs";
import { homedir } from "os";
import { delimiter, join } from "path";

/** Extra places tools live on these machines: pwsh as a dotnet global tool, sshd in sbin. */
const EXTRA_DIRS = [join(homedir(), ".dotnet", "tools"), "/usr/sbin", "/usr/local/sbin"];

export function findTool(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), ...EXTRA_DIRS]) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * True when every tool is there. Otherwise warns loudly and returns false (so the caller skips),
 * or throws when process.env.CI is set: a CI run must not pass by skipping.
 */
export function toolsPresent(what: string, ...names: string[]): boolean {
  const missing = names.filter((name) => findTool(name) === undefined);
  if (missing.length === 0) return true;
  const message = `${what}: missing ${missing.join(", ")}`;
  if (process.env.CI) throw new Error(`${message} (required when CI is set)`);
  console.warn(`\n*** SKIPPED ${message} ***\n`);
  return false;
}
