/**
 * icacls.exe on the simulated host: who may read a file or folder (HostState readers), changed as
 * the real one changes the ACL. Accounts by SID only: this host answers names as a localized Windows
 * would ("Administratoren"), so a script using English names fails here as it would there.
 */
import { findName, normalizePath } from "../windows-model";
import { checkExposure, exit, type ProgramAnswer, type ProgramRun } from "./program";

/** Rights that include reading the file or folder. */
const READ_RIGHTS = /^(F|M|RX|R|GR|GA)$/i;

/**
 * icacls <path> [/inheritance:r|d|e] [/grant[:r] *SID:perm ...] [/remove[:g] *SID ...].
 * /inheritance:r drops what was inherited, which, for items the steps create, is everything not
 * granted explicitly in the same call.
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
  let readers = [...(file !== undefined ? host.files[file].readers : host.dirs[dir as string])];
  for (let i = 0; i < switches.length; i++) {
    const option = switches[i].toLowerCase();
    if (option === "/inheritance:r") {
      readers = [];
    } else if (option === "/inheritance:d" || option === "/inheritance:e") {
      // Copies or restores inherited entries; the readers stay as they are.
    } else if (option === "/grant" || option === "/grant:r" || option === "/remove" || option === "/remove:g") {
      while (i + 1 < switches.length && !switches[i + 1].startsWith("/")) {
        const entry = switches[++i];
        const match = /^\*(S-1-[0-9-]+)(?::((?:\([A-Z]+\))*)([A-Z,()]+))?$/i.exec(entry);
        if (!match) {
          return exit(1332, summary(false), `${entry.split(":")[0]}: No mapping between account names and security IDs was done.`);
        }
        const [, sid, , rights] = match;
        readers = readers.filter((reader) => reader !== sid);
        if (option.startsWith("/grant") && rights !== undefined && rights.split(",").some((right) => READ_RIGHTS.test(right.replace(/[()]/g, "")))) {
          readers.push(sid);
        }
      }
    } else {
      return exit(87, "", `Invalid parameter "${switches[i]}"`);
    }
  }
  if (file !== undefined) {
    host.files[file].readers = readers;
    checkExposure(run, file);
  } else {
    host.dirs[dir as string] = readers;
  }
  return exit(0, `processed file: ${target}\n${summary(true)}`);
}
