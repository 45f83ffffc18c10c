/**
 * What every simulated Windows program shares: the host it runs on, how it answers, and what the
 * simulator records about it for the tests. Both back ends start programs through this one model
 * (index.ts): the TypeScript back end where a step script would start one, the pwsh back end when
 * a step script starts a program stand-in (native-program.ps1).
 */
import type { HostState } from "../host-state";
import type { Scenario } from "../scenarios";
import { untrustedAccess, untrustedFolder } from "../security";
import { WindowsFileSystem, leafOf, parentOf } from "../windows-model";

/** "interactive": a person's RDP or console session, where the CLI reaches the daemon. */
export type Session = "ssh" | "interactive";

/** What the simulator keeps about a host beyond its HostState, for the tests. */
export interface SimRecord {
  /** `tailscale up` runs over SSH so far: scenario.join is indexed by it, across join steps. */
  sshUpRuns: number;
  /** SHA-256 (hex) of each auth key `tailscale up` read, in order (the keys themselves are not kept). */
  keyHashes: string[];
  /** Every program start: the arguments it received, after Windows' command-line round trip. */
  calls: { program: string; argv: string[]; session: Session }[];
  /**
   * Moments a file carrying an auth key could be read by someone other than SYSTEM, Administrators
   * or TrustedInstaller: readable by them, owned by them, or in a folder they own or may change
   * (must stay empty).
   */
  exposures: string[];
  /** Restarts that logged the node out (scenario service.forgetsLoginOnRestart: the first one only). */
  loginsLostOnRestart?: number;
  /** Restart-Service calls on the Tailscale service (absent: none). */
  serviceRestarts?: number;
}

export function emptyRecord(): SimRecord {
  return { sshUpRuns: 0, keyHashes: [], calls: [], exposures: [] };
}

/** The host a program runs on: its state (changed in place), the scenario that decides what the world answers, the record. */
export interface ProgramHost {
  state: HostState;
  scenario: Scenario;
  record: SimRecord;
}

/** A program's run as seen from the host. */
export interface ProgramRun extends ProgramHost {
  session: Session;
}

/**
 * What a program does: it exits (its lines, and how long the real one takes: `seconds` is modelled
 * time, which the TypeScript back end reports and the pwsh back end does not spend), or it hangs
 * until its caller stops it. What it leaves on the host when it completes (an install, a login) is
 * `finish`, which the caller runs once the run has lasted its `seconds`: a run killed before then
 * leaves nothing (the pwsh back end's stand-ins answer at once, so it runs them at once).
 */
export type ProgramAnswer = Exited | { hang: true };
export interface Exited {
  exitCode: number;
  stdout: string[];
  stderr: string[];
  seconds: number;
  finish?: () => void;
}

export function exit(exitCode: number, stdout = "", stderr = "", seconds = 0): Exited {
  const lines = (text: string) => (text === "" ? [] : text.replace(/\r?\n$/, "").split(/\r?\n/));
  return { exitCode, stdout: lines(stdout), stderr: lines(stderr), seconds };
}

/** A file as a program reads it; undefined when there is none. */
export function readFile(state: HostState, path: string): string | undefined {
  return new WindowsFileSystem(state).readFile(path);
}

/**
 * A file a program writes (a log): it inherits its folder's readers. Where Windows would refuse it
 * (no such folder, or a folder that cannot be written), nothing is written and the program goes on.
 */
export function writeFile(state: HostState, path: string, content: string): void {
  const files = new WindowsFileSystem(state);
  if (!files.dirExists(parentOf(path))) return;
  try {
    files.writeFile(path, content);
  } catch {
    // Access denied: a program's log is not worth failing for.
  }
}

/**
 * A file carrying an auth key (a key file, or a join script with its data) must never be within
 * reach of anyone but SYSTEM, Administrators or TrustedInstaller: checked on every change to it.
 */
export function checkExposure(run: ProgramHost, path: string): void {
  const file = run.state.files[path];
  const secret = leafOf(path).toLowerCase().startsWith("authkey-") || /\$MeshJoinData = '[A-Za-z0-9+/=]+'/.test(file.content);
  if (!secret) return;
  const reach = untrustedAccess(run.state, path);
  const folder = untrustedFolder(run.state, parentOf(path));
  if (reach !== undefined) run.record.exposures.push(`${path} was ${reach}`);
  else if (folder !== undefined) run.record.exposures.push(`${path} was in a folder ${folder}`);
}
