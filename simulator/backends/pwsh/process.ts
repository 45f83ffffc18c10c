/**
 * Starting pwsh for the pwsh back end: found on PATH or as a dotnet global tool, run in the
 * sandbox with a PATH that holds nothing Windows lacks, its lines forwarded as they come, and killed
 * with everything it started when the channel closes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { encodePowerShellCommand } from "../../../provider/transport/protocol";
import type { StepIo } from "../../backend";

/** powershell.exe's exit code when the process is killed (the channel closed). */
const KILLED_EXIT_CODE = 1;

export function findProgram(name: string, extraDirs: string[] = []): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), ...extraDirs]) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** pwsh on PATH or as a dotnet global tool; undefined when this machine has none. */
export function findPwsh(): string | undefined {
  return findProgram("pwsh", [join(homedir(), ".dotnet", "tools")]);
}

/** Kills a pwsh started by runPwsh, with everything it started (its process group). */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

export interface PwshRun {
  pwsh: string;
  /** The sandbox folder (its bin/ is the whole PATH, its cwd/ the working folder). */
  dir: string;
  script: string;
  /** All at once, or line by line as it arrives (then end of stdin when it ends). */
  stdin: string | AsyncIterable<string>;
  env: Record<string, string>;
  extraFlags: string[];
  /** Every pwsh still running, for dispose(). */
  running: Set<ChildProcess>;
}

async function feed(child: ChildProcess, lines: AsyncIterable<string>): Promise<void> {
  for await (const line of lines) {
    if (!child.stdin?.writable) return;
    child.stdin.write(line + "\n");
  }
  child.stdin?.end();
}

export function runPwsh(run: PwshRun, io: StepIo): Promise<number> {
  const flags = ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", ...run.extraFlags, "-EncodedCommand", encodePowerShellCommand(run.script)];
  const child = spawn(run.pwsh, flags, {
    cwd: join(run.dir, "cwd"),
    env: {
      // Only the sandbox's bin (dotnet at most): a program Windows lacks is not found either.
      PATH: join(run.dir, "bin"),
      HOME: process.env.HOME ?? homedir(),
      ...(process.env.DOTNET_ROOT ? { DOTNET_ROOT: process.env.DOTNET_ROOT } : {}),
      POWERSHELL_TELEMETRY_OPTOUT: "1",
      POWERSHELL_UPDATECHECK: "Off",
      NO_COLOR: "1",
      TERM: "dumb",
      ...run.env,
    },
    stdio: ["pipe", "pipe", "pipe"],
    // Its own process group: pwsh as a dotnet tool is a launcher with the real PowerShell as its
    // child, and killing only the launcher would leave PowerShell running.
    detached: true,
  });
  run.running.add(child);
  const forward = (stream: NodeJS.ReadableStream, emit: (line: string) => void) => {
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) emit(line.replace(/\r$/, ""));
    });
    stream.on("end", () => {
      if (pending !== "") emit(pending);
    });
  };
  forward(child.stdout, (line) => io.stdout(line));
  forward(child.stderr, (line) => io.stderr(line));
  child.stdin.on("error", () => undefined);
  if (typeof run.stdin === "string") child.stdin.end(run.stdin);
  else void feed(child, run.stdin);
  const kill = () => killGroup(child);
  io.signal.addEventListener("abort", kill, { once: true });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      io.signal.removeEventListener("abort", kill);
      run.running.delete(child);
      resolve(code ?? KILLED_EXIT_CODE);
    });
  });
}
