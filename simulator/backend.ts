/**
 * A back end of the simulated Windows host: what runs the step loop once the SSH layer has accepted
 * the exec. The TypeScript model answers from a model of each step; the pwsh back end runs the very
 * loop and scripts the provider sent, in real PowerShell with Windows stand-ins. Both speak the wire
 * protocol (frames on stdin, marked lines on stdout) exactly as Windows PowerShell would.
 */
import type { HostState } from "./host-state";
import type { SftpDrive } from "./sftp";
import type { SimRecord } from "./programs";
import type { Scenario } from "./scenarios";

export interface StepIo {
  /** One line of stdout (without the line ending), as the host process prints it. */
  stdout(line: string): void;
  stderr(line: string): void;
  /** Aborted when the client closes the channel or the connection drops. */
  signal: AbortSignal;
}

export interface InteractiveRun {
  exitCode: number;
  /** What the person would see in their console. */
  output: string;
}

/** Its drive is also what the SSH server's sftp subsystem writes into (SftpDrive.openForWrite). */
export interface HostBackend extends SftpDrive {
  readonly kind: "ts" | "pwsh";
  /**
   * Runs one exec, one powershell.exe: `commandLine` as received (already checked to be the
   * loader), `stdin` its lines as they arrive (the loop, then one frame per step). Resolves with
   * the process exit code.
   */
  exec(commandLine: string, stdin: AsyncIterable<string>, io: StepIo): Promise<number>;
  /** "A person ran the join script in an interactive session (RDP/console)." */
  runJoinScriptInteractively(path: string): Promise<InteractiveRun>;
  /** "A person ran the manual command (it checks the join script's SHA-256 first) in an interactive session." */
  runManualCommand(command: string): Promise<InteractiveRun>;
  /** What the simulated programs saw, and any moment a key was within another account's reach. */
  record(): Promise<SimRecord>;
  /** Another account rewrites an existing file it can reach (its owner and entries stay): a swapped file. */
  rewriteFile(path: string, content: string): Promise<void>;
  state(): Promise<HostState>;
  dispose(): Promise<void>;
}

export type BackendFactory = (scenario: Scenario, initial: HostState) => Promise<HostBackend>;
