/**
 * The TypeScript model of provider/scripts/folders.ps1: the state directory is taken over (owner
 * Administrators, exactly Administrators and SYSTEM, protected) and read back before anything is
 * written into it, and the join script's folder is checked. It reads and sets security as Get-Acl
 * and Set-Acl do, through the one security model (simulator/security.ts), so the decisions and
 * messages are the script's own.
 */
import { SID_ADMINISTRATORS, SID_SYSTEM } from "../../../provider/scripts/catalogue";
import { SID_ADMINISTRATOR_USER, SID_TRUSTED_INSTALLER, applySddl, sddlOf } from "../../security";
import { normalizePath } from "../../windows-model";
import type { Script } from "./common";
import { ScriptError } from "./exec";

const ADMIN_ONLY_SDDL = "O:BAG:SYD:PAI(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)";
const TRUSTED_ACCOUNTS = ["SY", "BA", SID_SYSTEM, SID_ADMINISTRATORS, SID_TRUSTED_INSTALLER];
const READ_RIGHTS = ["FR", "FX", "FRFX", "GR", "GX", "GRGX", "0x1200a9", "0x120089", "0x1200a0", "0x120000", "0x100000"];

interface Entry {
  type: string;
  flags: string;
  rights: string;
  account: string;
}

/** Get-MeshSecurity: owner, protection and entries, from Get-Acl's SDDL. */
function securityOf(script: Script, path: string): { owner: string; protected: boolean; entries: Entry[] } {
  const sddl = sddlOf(script.state, path);
  if (sddl === undefined) throw new ScriptError(`Cannot find path '${path}' because it does not exist.`, "System.Management.Automation.ItemNotFoundException");
  const owner = /^O:(.+?)(G:|D:|S:|$)/.exec(sddl)?.[1] ?? "";
  const dacl = /D:([A-Z]*)((\([^)]*\))*)/.exec(sddl);
  const entries = [...(dacl?.[2] ?? "").matchAll(/\(([^)]*)\)/g)].map((ace) => {
    const [type, flags, rights, , , account] = ace[1].split(";");
    return { type, flags, rights, account };
  });
  return { owner, protected: dacl?.[1].includes("P") ?? false, entries };
}

/** Get-MeshAdminOnlyProblem. */
function adminOnlyProblem(script: Script, path: string): string | undefined {
  const security = securityOf(script, path);
  const described = security.entries.map((entry) => `${entry.account} ${entry.rights}`).join(", ");
  if (!["BA", SID_ADMINISTRATORS].includes(security.owner)) return `its owner is ${security.owner}, not Administrators`;
  if (!security.protected) return "it still inherits entries from its parent folder";
  const full = security.entries
    .filter((entry) => entry.type === "A" && entry.rights === "FA" && !entry.flags.includes("ID"))
    .map((entry) => entry.account)
    .sort();
  if (security.entries.length !== 2 || full.join(",") !== "BA,SY") return `its entries are ${described}, not exactly Administrators and SYSTEM`;
  return undefined;
}

/** Get-MeshUntrustedProblem. */
function untrustedProblem(script: Script, path: string, alsoTrusted: string[] = []): string | undefined {
  const trusted = [...TRUSTED_ACCOUNTS, ...alsoTrusted];
  const security = securityOf(script, path);
  if (!trusted.includes(security.owner)) return `it is owned by ${security.owner}`;
  const writer = security.entries.find(
    (entry) => entry.type === "A" && !entry.flags.includes("IO") && !trusted.includes(entry.account) && !READ_RIGHTS.includes(entry.rights),
  );
  return writer === undefined ? undefined : `${writer.account} may change it (rights ${writer.rights})`;
}

/** Assert-MeshAdminOnlyFolder: right before a key file is written. */
export function assertAdminOnlyFolder(script: Script, path: string): void {
  const problem = adminOnlyProblem(script, path);
  if (problem) throw new ScriptError(`${path} is not restricted to Administrators and SYSTEM (${problem}): nothing holding the key is written there. Run again to take the folder over.`);
}

/** Protect-MeshFolder: created when missing, taken over, read back; what another account left inside is refused. */
export function protectFolder(script: Script, dir: string): void {
  const path = dir.replace(/([^\\:])\\+$/, "$1");
  script.files.ensureDir(path);
  // The simulated host has no junctions or symbolic links: the script's link check never fires here.
  const failure = applySddl(script.state, path, ADMIN_ONLY_SDDL);
  if (failure !== undefined) throw new ScriptError(failure);
  const problem = adminOnlyProblem(script, path);
  if (problem) {
    throw new ScriptError(`${path} could not be restricted to Administrators and SYSTEM (${problem}): nothing was written into it. Check the folder's owner and permissions (icacls "${path}"), then run again.`);
  }
  for (const child of script.files.children(path)) {
    // The account running this may own what it wrote before.
    const childProblem = untrustedProblem(script, child, [SID_ADMINISTRATOR_USER]);
    if (childProblem) {
      throw new ScriptError(
        `${path} holds ${child}, which another account put there (${childProblem}): nothing was written into the folder. Delete that item as an administrator (Remove-Item -LiteralPath '${child}' -Recurse -Force), then run again.`,
      );
    }
  }
}

/** Confirm-MeshTrustedFolder: created and taken over when missing, else why another account could change it. */
export function confirmTrustedFolder(script: Script, folder: string): string | undefined {
  if (!script.files.dirExists(folder)) {
    protectFolder(script, folder);
    return undefined;
  }
  return untrustedProblem(script, folder);
}

/** Confirm-MeshScriptFolder. */
export function confirmScriptFolder(script: Script, folder: string, stateDir: string): void {
  if (normalizePath(folder).toLowerCase() === normalizePath(stateDir).toLowerCase()) return;
  const problem = confirmTrustedFolder(script, folder);
  if (problem) {
    throw new ScriptError(
      `the join script's folder ${folder} is not safe for a script an administrator runs: ${problem}, so that account could replace the script. Leave joinScriptPath at its default (in ${stateDir}) or choose a folder only Administrators can change; or delete ${folder} so that it is created anew. Its permissions were left as they are.`,
    );
  }
}

