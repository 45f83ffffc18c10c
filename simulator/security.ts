/**
 * Owners and DACLs on the simulated host, modelled once for both back ends (icacls, Get-Acl and
 * Set-Acl all go through here). Windows' rules that matter for a folder someone else made first:
 * its creator owns it and may always rewrite its DACL; `icacls /inheritance:r` drops only inherited
 * entries and `/grant:r` replaces only the named accounts' entries, so other explicit entries stay;
 * a new item inherits its folder's inheritable entries; setting a folder's DACL reaches every child
 * that does not protect its own (as SetNamedSecurityInfo propagates).
 *
 * HostState.security holds an item's owner, protection and explicit entries once they differ from
 * an item an administrator created (owner Administrators, inheriting, no explicit entry); `readers`
 * (host-state.ts) stays the effective list of who may read, inherited and explicit alike.
 */
import { SID_ADMINISTRATORS, SID_SYSTEM, SID_USERS } from "../provider/scripts/catalogue";
import type { HostState, ItemSecurity, SecurityEntry } from "./host-state";
import { findName, isInside, normalizePath, parentOf } from "./windows-model";

/** TrustedInstaller, which owns Windows' own folders. */
export const SID_TRUSTED_INSTALLER = "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464";
/** A local account without administrator rights (the one that creates folders first in the tests). */
export const SID_LOCAL_USER = "S-1-5-21-1004336348-1177238915-682003330-1001";
/** The administrator account the steps and the person's run use ([Security.Principal.WindowsIdentity]::GetCurrent().User). */
export const SID_ADMINISTRATOR_USER = "S-1-5-21-1004336348-1177238915-682003330-500";
/** Accounts that may own or change what the product trusts. */
export const TRUSTED_SIDS = [SID_ADMINISTRATORS, SID_SYSTEM, SID_TRUSTED_INSTALLER];

/** SDDL's aliases for the well-known accounts Windows writes by alias. */
const SID_ALIASES: Record<string, string> = { BA: SID_ADMINISTRATORS, SY: SID_SYSTEM, BU: SID_USERS, AU: "S-1-5-11", CO: "S-1-3-0" };
/** icacls' simple rights and how Get-Acl's SDDL writes them. */
const RIGHTS_SDDL: Record<SecurityEntry["rights"], string> = { F: "FA", M: "0x1301bf", RX: "0x1200a9", R: "FR", W: "FW" };
const READ_RIGHTS: SecurityEntry["rights"][] = ["F", "M", "RX", "R"];

const ADMIN_CREATED: ItemSecurity = { owner: SID_ADMINISTRATORS, protected: false, entries: [] };

function table(host: HostState): Record<string, ItemSecurity> {
  host.security ??= {};
  return host.security;
}

/** An item's owner, protection and explicit entries. */
export function securityOf(host: HostState, path: string): ItemSecurity {
  const key = findName(host.security ?? {}, normalizePath(path));
  return structuredClone(key === undefined ? ADMIN_CREATED : (host.security as Record<string, ItemSecurity>)[key]);
}

/** Who may read an item (its effective readers), and whether it is a folder. */
function itemOf(host: HostState, path: string): { name: string; readers: string[]; dir: boolean } | undefined {
  const file = findName(host.files, normalizePath(path));
  if (file !== undefined) return { name: file, readers: host.files[file].readers, dir: false };
  const dir = findName(host.dirs, normalizePath(path));
  return dir === undefined ? undefined : { name: dir, readers: host.dirs[dir], dir: true };
}

function setReaders(host: HostState, name: string, readers: string[]): void {
  if (findName(host.files, name) === name) host.files[name].readers = readers;
  else host.dirs[name] = readers;
}

function explicitReaders(security: ItemSecurity): string[] {
  return security.entries.filter((entry) => READ_RIGHTS.includes(entry.rights)).map((entry) => entry.sid);
}

/**
 * Stores an item's security and recomputes who may read it and every unprotected item inside it
 * (inherited readers come from the folder, explicit ones from the item's own entries).
 */
export function setSecurity(host: HostState, path: string, security: ItemSecurity): void {
  const item = itemOf(host, path);
  if (item === undefined) throw new Error(`Could not find a part of the path '${path}'.`);
  const records = table(host);
  const stored = findName(records, item.name);
  if (stored !== undefined) delete records[stored];
  if (security.owner !== SID_ADMINISTRATORS || security.protected || security.entries.length > 0) records[item.name] = structuredClone(security);
  recomputeReaders(host, item.name);
}

function recomputeReaders(host: HostState, name: string): void {
  const security = securityOf(host, name);
  const parent = parentOf(name);
  const inherited = security.protected || parent === name ? [] : (itemOf(host, parent)?.readers ?? []);
  setReaders(host, name, [...new Set([...inherited, ...explicitReaders(security)])]);
  if (!itemOf(host, name)?.dir) return;
  for (const child of [...Object.keys(host.dirs), ...Object.keys(host.files)]) {
    if (parentOf(child).toLowerCase() === name.toLowerCase() && child.toLowerCase() !== name.toLowerCase() && !securityOf(host, child).protected) {
      recomputeReaders(host, child);
    }
  }
}

/** Forgets the security of an item that is gone (and of everything that was inside it). */
export function forgetSecurity(host: HostState, path: string): void {
  const records = host.security ?? {};
  for (const key of Object.keys(records)) {
    if (key.toLowerCase() === normalizePath(path).toLowerCase() || isInside(key, path)) delete records[key];
  }
}

/** A move keeps the item's security descriptor. */
export function moveSecurity(host: HostState, from: string, to: string): void {
  const security = securityOf(host, from);
  forgetSecurity(host, from);
  forgetSecurity(host, to);
  if (security.owner !== SID_ADMINISTRATORS || security.protected || security.entries.length > 0) table(host)[normalizePath(to)] = security;
}

const alias = (sid: string) => Object.keys(SID_ALIASES).find((key) => SID_ALIASES[key] === sid) ?? sid;

/** Get-Acl's Sddl: owner, group, DACL flags, explicit entries, then the inherited ones (ID). */
export function sddlOf(host: HostState, path: string): string | undefined {
  const item = itemOf(host, path);
  if (item === undefined) return undefined;
  const security = securityOf(host, item.name);
  const flags = item.dir ? "OICI" : "";
  const explicit = security.entries.map((entry) => `(A;${entry.inherit && item.dir ? "OICI" : ""};${RIGHTS_SDDL[entry.rights]};;;${alias(entry.sid)})`);
  const explicitSids = security.entries.map((entry) => entry.sid);
  const inherited = item.readers
    .filter((sid) => !explicitSids.includes(sid))
    .map((sid) => `(A;${flags}ID;${sid === SID_ADMINISTRATORS || sid === SID_SYSTEM ? "FA" : "0x1200a9"};;;${alias(sid)})`);
  return `O:${alias(security.owner)}G:SYD:${security.protected ? "P" : ""}AI${[...explicit, ...inherited].join("")}`;
}

/**
 * Set-Acl with a security descriptor given as SDDL (owner, protection and explicit entries; an
 * inherited entry in it is ignored, as Windows recomputes those). Returns an error message for an
 * SDDL the model does not know.
 */
export function applySddl(host: HostState, path: string, sddl: string): string | undefined {
  const match = /^O:([A-Z]{2}|S-1-[0-9-]+)G:(?:[A-Z]{2}|S-1-[0-9-]+)D:([A-Z]*)((?:\([^)]*\))*)$/.exec(sddl);
  if (match === null) return `simulator: SDDL ${sddl} is not modelled`;
  const sid = (text: string) => SID_ALIASES[text] ?? text;
  const entries: SecurityEntry[] = [];
  for (const [, body] of match[3].matchAll(/\(([^)]*)\)/g)) {
    const [type, flags, rights, , , who] = body.split(";");
    if (flags.includes("ID")) continue;
    const simple = (Object.keys(RIGHTS_SDDL) as SecurityEntry["rights"][]).find((key) => RIGHTS_SDDL[key] === rights);
    if (type !== "A" || simple === undefined) return `simulator: ACE ${body} is not modelled`;
    entries.push({ sid: sid(who), rights: simple, inherit: flags.includes("OI") || flags.includes("CI") });
  }
  setSecurity(host, path, { owner: sid(match[1]), protected: match[2].includes("P"), entries });
  return undefined;
}

/** Whether someone other than SYSTEM, Administrators or TrustedInstaller can read the item or change its DACL. */
export function untrustedAccess(host: HostState, path: string): string | undefined {
  const item = itemOf(host, path);
  if (item === undefined) return undefined;
  const security = securityOf(host, item.name);
  if (!TRUSTED_SIDS.includes(security.owner)) return `owned by ${security.owner}`;
  const reader = item.readers.find((sid) => !TRUSTED_SIDS.includes(sid));
  return reader === undefined ? undefined : `readable by ${reader}`;
}

/** Whether someone other than SYSTEM, Administrators or TrustedInstaller owns the folder or may change what is in it. */
export function untrustedFolder(host: HostState, path: string): string | undefined {
  const security = securityOf(host, path);
  if (!TRUSTED_SIDS.includes(security.owner)) return `owned by ${security.owner}`;
  const writer = security.entries.find((entry) => !TRUSTED_SIDS.includes(entry.sid) && entry.rights !== "RX" && entry.rights !== "R");
  return writer === undefined ? undefined : `changeable by ${writer.sid}`;
}
