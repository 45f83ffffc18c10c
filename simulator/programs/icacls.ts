/**
 * icacls.exe on the simulated host: changes an item's explicit entries and protection as the real
 * one does (simulator/security.ts keeps who may read in step). Accounts by SID only: this host
 * answers names as a localized Windows would ("Administratoren"), so a script using English names
 * fails here as it would there.
 */
import type { SecurityEntry } from "../host-state";
import { securityOf, setSecurity } from "../security";
import { findName, normalizePath } from "../windows-model";
import { checkExposure, exit, type ProgramAnswer, type ProgramRun } from "./program";

const SIMPLE_RIGHTS: SecurityEntry["rights"][] = ["F", "M", "RX", "R", "W"];

/** icacls' rights text ("F", "RX", "(R,W)") as the model's simple rights: reading or not is what matters. */
function simpleRights(text: string): SecurityEntry["rights"] {
  const known = SIMPLE_RIGHTS.find((rights) => rights === text.toUpperCase());
  if (known !== undefined) return known;
  return /\bR|GR|GA/i.test(text) ? "R" : "W";
}

/**
 * icacls <path> [/inheritance:r|d|e] [/grant[:r] *SID:perm ...] [/remove[:g] *SID ...].
 * /inheritance:r drops inherited entries only (explicit ones stay); /grant:r replaces the named
 * accounts' explicit entries only; the owner is never changed.
 */
export function icacls(argv: string[], run: ProgramRun): ProgramAnswer {
  const [target, ...switches] = argv;
  const host = run.state;
  const summary = (ok: boolean) => `Successfully processed ${ok ? 1 : 0} files; Failed processing ${ok ? 0 : 1} files`;
  const file = findName(host.files, normalizePath(target ?? ""));
  const dir = findName(host.dirs, normalizePath(target ?? ""));
  if (target === undefined || (file === undefined && dir === undefined)) {
    return exit(2, summary(false), `${target}: The system cannot find the file specified.`);
  }
  const name = (file ?? dir) as string;
  const security = securityOf(host, name);
  for (let i = 0; i < switches.length; i++) {
    const option = switches[i].toLowerCase();
    if (option === "/inheritance:r") {
      security.protected = true;
    } else if (option === "/inheritance:d") {
      // Copies what was inherited as explicit entries, then stops inheriting.
      const inherited = (file !== undefined ? host.files[file].readers : host.dirs[name]).filter((sid) => !security.entries.some((entry) => entry.sid === sid));
      security.entries.push(...inherited.map((sid) => ({ sid, rights: "RX" as const, inherit: dir !== undefined })));
      security.protected = true;
    } else if (option === "/inheritance:e") {
      security.protected = false;
    } else if (option === "/grant" || option === "/grant:r" || option === "/remove" || option === "/remove:g") {
      while (i + 1 < switches.length && !switches[i + 1].startsWith("/")) {
        const entry = switches[++i];
        const match = /^\*(S-1-[0-9-]+)(?::((?:\([A-Z]+\))*)([A-Z,()]+))?$/i.exec(entry);
        if (!match) {
          return exit(1332, summary(false), `${entry.split(":")[0]}: No mapping between account names and security IDs was done.`);
        }
        const [, sid, flags, rights] = match;
        security.entries = security.entries.filter((existing) => existing.sid !== sid);
        if (option.startsWith("/grant") && rights !== undefined) {
          security.entries.push({ sid, rights: simpleRights(rights.replace(/[()]/g, "")), inherit: /\((OI|CI)\)/i.test(flags ?? "") });
        }
      }
    } else {
      return exit(87, "", `Invalid parameter "${switches[i]}"`);
    }
  }
  setSecurity(host, name, security);
  if (file !== undefined) checkExposure(run, file);
  return exit(0, `processed file: ${target}\n${summary(true)}`);
}
