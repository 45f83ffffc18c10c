/**
 * The Windows programs of the simulated host, modelled once for both back ends: tailscale.exe,
 * msiexec.exe, icacls.exe and winget (and, in services.ts, the service manager). A program sees its
 * arguments as Windows PowerShell 5.1 would have delivered them (command-line.ts), prints what the
 * real one prints, changes the HostState as the real one would, and its command line goes to
 * processLog. The TypeScript back end starts them where a step script would; the pwsh back end
 * answers its program stand-ins (native-program.ps1) from here.
 */
import { TAILSCALE_EXE } from "../../provider/scripts/catalogue";
import type { HostState } from "../host-state";
import { legacyCommandLine, parseCommandLine } from "./command-line";
import { icacls } from "./icacls";
import { msiexec } from "./msiexec";
import type { ProgramAnswer, ProgramHost, Session } from "./program";
import { tailscale } from "./tailscale";
import { winget } from "./winget";

export { emptyRecord, type ProgramAnswer, type ProgramHost, type Session, type SimRecord } from "./program";

export const PROGRAMS = ["tailscale", "msiexec", "icacls", "winget"] as const;
export type ProgramName = (typeof PROGRAMS)[number];

/** Where each program lives on Windows (the path Get-Command finds, which 5.1 puts at the head of the command line). */
export const PROGRAM_PATHS: Record<ProgramName, string> = {
  tailscale: TAILSCALE_EXE,
  msiexec: "C:\\Windows\\system32\\msiexec.exe",
  icacls: "C:\\Windows\\system32\\icacls.exe",
  winget: "C:\\Users\\Administrator\\AppData\\Local\\Microsoft\\WindowsApps\\winget.exe",
};

export interface ProgramStart {
  program: ProgramName;
  /** The arguments as the caller passed them, before Windows' command line. */
  argv: readonly string[];
  session: Session;
  /** The program as the command line names it; default PROGRAM_PATHS. */
  path?: string;
}

/** Runs one program start against the host (its state changed in place) and returns what it does. */
export function runProgram(start: ProgramStart, host: ProgramHost): ProgramAnswer {
  const commandLine = legacyCommandLine(start.path ?? PROGRAM_PATHS[start.program], start.argv);
  const argv = parseCommandLine(commandLine);
  host.state.processLog.push(commandLine);
  host.record.calls.push({ program: start.program, argv, session: start.session });
  const run = { ...host, session: start.session };
  switch (start.program) {
    case "tailscale":
      return tailscale(argv, run);
    case "msiexec":
      return msiexec(argv, run);
    case "icacls":
      return icacls(argv, run);
    case "winget":
      return winget(argv, run);
  }
}

/**
 * Whether the host has the program: Tailscale's CLI once it is installed, winget where the host has
 * it, Windows' own programs always. (The pwsh back end's Get-Command stand-in, system.ps1, says the same.)
 */
export function isInstalled(state: HostState, program: ProgramName): boolean {
  if (program === "tailscale") return state.tailscale.installed;
  if (program === "winget") return state.winget;
  return true;
}

/** The program a script names ("msiexec.exe", "winget", the full path of tailscale.exe...), if it is one of these. */
export function programNamed(filePath: string): ProgramName | undefined {
  const leaf = filePath.slice(filePath.lastIndexOf("\\") + 1).toLowerCase().replace(/\.exe$/, "");
  return (PROGRAMS as readonly string[]).includes(leaf) ? (leaf as ProgramName) : undefined;
}
