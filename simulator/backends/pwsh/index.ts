/**
 * The real-PowerShell back end of the simulated Windows host: every exec runs the very bootstrap and
 * step script the provider sent, in pwsh 7, after a prelude of Windows stand-ins (pwsh/*.ps1):
 * drives, registry, services, network, web and Windows PowerShell 5.1's parameter sets and language.
 * The host is a sandbox folder under the system temp directory holding its HostState (state.json),
 * its Scenario, and what the tests may check besides (record.json). Windows programs (tailscale.exe,
 * msiexec, icacls, winget) are PowerShell stand-ins answered by this process over a Unix socket
 * (simulator/programs), so they share one state with the cmdlet stand-ins.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { readJoinScriptData } from "../../../provider/scripts";
import { SID_USERS, TAILSCALE_EXE, UP_KILL_MARGIN_SECONDS } from "../../../provider/scripts/catalogue";
import { RESULT_MARK, decodePayload, decodePowerShellCommand, encodePowerShellCommand } from "../../../provider/transport/protocol";
import type { BackendFactory, HostBackend, InteractiveRun, StepIo } from "../../backend";
import { DEFAULT_READERS, type HostState } from "../../host-state";
import { PROGRAMS, emptyRecord, runProgram, type ProgramAnswer, type ProgramRequest, type SimRecord } from "../../programs";
import { LATEST_TAILSCALE, type Scenario } from "../../scenarios";
import { MISSING_SCRIPT_FILE_EXIT_CODE, WINDOW_CLOSED_EXIT_CODE, missingScriptFileText } from "../../programs/tailscale-texts";
import { findName, normalizePath } from "../../windows-model";

/** The stand-ins, dot-sourced in this order (later files use earlier ones). */
const STAND_INS = ["state.ps1", "registry.ps1", "items.ps1", "services.ps1", "system.ps1", "language.ps1"];
/** powershell.exe's exit code when the process is killed (the channel closed). */
const KILLED_EXIT_CODE = 1;

function findProgram(name: string, extraDirs: string[] = []): string | undefined {
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
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

export const createPwshBackend: BackendFactory = async (scenario, initial) => PwshHostBackend.create(scenario, initial);

/** A single-quoted PowerShell string literal. */
function quotePowerShell(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export class PwshHostBackend implements HostBackend {
  readonly kind = "pwsh" as const;
  /** PowerShell to run before the bootstrap (it reads environment() to find the sandbox). */
  readonly prelude: string;
  private readonly hangingPrograms = new Set<Socket>();
  private readonly running = new Set<ChildProcess>();

  private constructor(
    private readonly pwsh: string,
    private readonly scenario: Scenario,
    /** The sandbox folder: the host's whole state. */
    readonly dir: string,
    private readonly server: Server,
  ) {
    const standIns = __dirname;
    this.prelude = [
      "# Windows stand-ins of the simulated host (pulumi-mesh-windows, simulator/backends/pwsh).",
      "$SimDir = $env:MESH_SIM_DIR",
      "$SimStatePath = [IO.Path]::Combine($SimDir, 'state.json')",
      "$SimRecordPath = [IO.Path]::Combine($SimDir, 'record.json')",
      "$SimScenarioPath = [IO.Path]::Combine($SimDir, 'scenario.json')",
      "$SimProgramDir = [IO.Path]::Combine($SimDir, 'programs')",
      `$SimDefaultReaders = @(${DEFAULT_READERS.map(quotePowerShell).join(", ")})`,
      `$SimUsersSid = ${quotePowerShell(SID_USERS)}`,
      `$SimTailscaleExe = ${quotePowerShell(TAILSCALE_EXE)}`,
      `$SimResultMark = ${quotePowerShell(RESULT_MARK)}`,
      "$SimInstaller = ([IO.File]::ReadAllText($SimScenarioPath) | Microsoft.PowerShell.Utility\\ConvertFrom-Json -AsHashtable)['installer']",
      `$SimLatestVersion = ${quotePowerShell(LATEST_TAILSCALE)}`,
      "if ($SimInstaller -and $SimInstaller['installsVersion']) { $SimLatestVersion = $SimInstaller['installsVersion'] }",
      ...STAND_INS.map((file) => `. ${quotePowerShell(join(standIns, file))}`),
      // A step script 5.1 cannot parse fails as the bootstrap reports a parse error from [ScriptBlock]::Create.
      "if ($env:MESH_SIM_GATE) {",
      "  $SimProblem = Find-SimNewerSyntax -Text ([IO.File]::ReadAllText($env:MESH_SIM_GATE))",
      "  if ($SimProblem) {",
      `    $SimFailure = @{ ok = $false; error = @{ message = 'Exception calling "Create" with "1" argument(s): "' + $SimProblem + '"'; type = 'System.Management.Automation.MethodInvocationException' } }`,
      "    [Console]::Out.WriteLine($SimResultMark + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes((Microsoft.PowerShell.Utility\\ConvertTo-Json -InputObject $SimFailure -Compress -Depth 4))))",
      "    exit 1",
      "  }",
      "}",
    ].join("\n");
  }

  static async create(scenario: Scenario, initial: HostState): Promise<PwshHostBackend> {
    const pwsh = findPwsh();
    if (!pwsh) throw new Error("the pwsh back end needs PowerShell 7 (pwsh) on PATH or in ~/.dotnet/tools");
    const dir = mkdtempSync(join(tmpdir(), "mesh-pwsh-"));
    for (const sub of ["programs", "bin", "cwd"]) mkdirSync(join(dir, sub));
    // pwsh installed as a dotnet tool starts `dotnet` from PATH: the sandbox's PATH holds just that.
    const dotnet = findProgram("dotnet");
    if (dotnet) symlinkSync(realpathSync(dotnet), join(dir, "bin", "dotnet"));
    for (const program of PROGRAMS) copyFileSync(join(__dirname, "native-program.ps1"), join(dir, "programs", `${program}.ps1`));
    writeFileSync(join(dir, "state.json"), JSON.stringify(initial, null, 2));
    writeFileSync(join(dir, "scenario.json"), JSON.stringify(scenario, null, 2));
    writeFileSync(join(dir, "record.json"), JSON.stringify(emptyRecord(), null, 2));
    const server = createServer();
    const backend = new PwshHostBackend(pwsh, scenario, dir, server);
    server.on("connection", (socket) => backend.serveProgram(socket));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(join(dir, "programs.sock"), resolve);
    });
    return backend;
  }

  /** The environment the prelude and the program stand-ins read. */
  environment(session: ProgramRequest["session"]): Record<string, string> {
    const state = this.readState();
    return {
      MESH_SIM_DIR: this.dir,
      MESH_SIM_SOCKET: join(this.dir, "programs.sock"),
      MESH_SIM_SESSION: session,
      COMPUTERNAME: state.computerName,
      PROCESSOR_ARCHITECTURE: "AMD64",
      ProgramData: "C:\\ProgramData",
      SystemRoot: "C:\\Windows",
    };
  }

  async exec(commandLine: string, stdin: string, io: StepIo): Promise<number> {
    const tokens = commandLine.trim().split(/\s+/);
    const flag = tokens.findIndex((token) => token.toLowerCase() === "-encodedcommand");
    if (flag < 0 || flag + 1 >= tokens.length) throw new Error("the pwsh back end runs only `powershell.exe ... -EncodedCommand <bootstrap>`");
    const bootstrap = decodePowerShellCommand(tokens[flag + 1]);
    const env = this.environment("ssh");
    const gate = this.stepScriptFile(stdin);
    if (gate) env.MESH_SIM_GATE = gate;
    return this.runPwsh(`${this.prelude}\n${bootstrap}`, stdin, env, io, []);
  }

  async runJoinScriptInteractively(path: string): Promise<InteractiveRun> {
    const state = this.readState();
    const name = findName(state.files, normalizePath(path));
    if (name === undefined) return { exitCode: MISSING_SCRIPT_FILE_EXIT_CODE, output: missingScriptFileText(path) };
    // -File runs the script as 5.1 would: parsed first (a parse error runs nothing), then invoked.
    const runner = [
      "$SimScript = [Console]::In.ReadToEnd()",
      "$SimProblem = Find-SimNewerSyntax -Text $SimScript",
      "if ($SimProblem) { [Console]::Error.WriteLine($SimProblem); exit 1 }",
      "& ([Management.Automation.ScriptBlock]::Create($SimScript))",
    ].join("\n");
    const content = state.files[name].content.replace(/^\uFEFF/, "");
    let timeoutSeconds: number;
    try {
      timeoutSeconds = readJoinScriptData(content).timeoutSeconds;
    } catch (error) {
      return { exitCode: 1, output: error instanceof Error ? error.message : String(error) };
    }
    const lines: string[] = [];
    // A person waits as long as the script's own timeout and the step's kill margin, then closes the window.
    const closed = new AbortController();
    const patience = setTimeout(() => closed.abort(), (timeoutSeconds + UP_KILL_MARGIN_SECONDS) * 1000);
    const io: StepIo = { stdout: (line) => lines.push(line), stderr: (line) => lines.push(line), signal: closed.signal };
    try {
      // Text output, as a console shows it (with -EncodedCommand, pwsh would write Write-Host as CLIXML).
      const exitCode = await this.runPwsh(`${this.prelude}\n${runner}`, content, this.environment("interactive"), io, ["-OutputFormat", "Text"]);
      return { exitCode: closed.signal.aborted ? WINDOW_CLOSED_EXIT_CODE : exitCode, output: lines.join("\n") };
    } finally {
      clearTimeout(patience);
    }
  }

  async state(): Promise<HostState> {
    return this.readState();
  }

  /** What the simulated programs saw (arguments, key hashes) and any moment a key was exposed. */
  async record(): Promise<SimRecord> {
    return JSON.parse(readFileSync(join(this.dir, "record.json"), "utf8")) as SimRecord;
  }

  async dispose(): Promise<void> {
    for (const child of this.running) killGroup(child);
    for (const socket of this.hangingPrograms) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private readState(): HostState {
    return JSON.parse(readFileSync(join(this.dir, "state.json"), "utf8")) as HostState;
  }

  /** The step script of a payload, for the 5.1 language check; none when stdin is not a payload. */
  private stepScriptFile(stdin: string): string | undefined {
    let script: unknown;
    try {
      script = decodePayload(stdin).script;
    } catch {
      return undefined;
    }
    if (typeof script !== "string") return undefined;
    const path = join(this.dir, "step-script.ps1");
    writeFileSync(path, script);
    return path;
  }

  private runPwsh(script: string, stdin: string, env: Record<string, string>, io: StepIo, extraFlags: string[]): Promise<number> {
    const flags = ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", ...extraFlags, "-EncodedCommand", encodePowerShellCommand(script)];
    const child = spawn(this.pwsh, flags, {
      cwd: join(this.dir, "cwd"),
      env: {
        // Only the sandbox's bin (dotnet at most): a program Windows lacks is not found either.
        PATH: join(this.dir, "bin"),
        HOME: process.env.HOME ?? homedir(),
        ...(process.env.DOTNET_ROOT ? { DOTNET_ROOT: process.env.DOTNET_ROOT } : {}),
        POWERSHELL_TELEMETRY_OPTOUT: "1",
        POWERSHELL_UPDATECHECK: "Off",
        NO_COLOR: "1",
        TERM: "dumb",
        ...env,
      },
      stdio: ["pipe", "pipe", "pipe"],
      // Its own process group: pwsh as a dotnet tool is a launcher with the real PowerShell as its
      // child, and killing only the launcher would leave PowerShell running.
      detached: true,
    });
    this.running.add(child);
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
    child.stdin.end(stdin);
    const kill = () => killGroup(child);
    io.signal.addEventListener("abort", kill, { once: true });
    return new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code) => {
        io.signal.removeEventListener("abort", kill);
        this.running.delete(child);
        resolve(code ?? KILLED_EXIT_CODE);
      });
    });
  }

  /** One program start: a JSON request line in, output frames and an exit-code frame out. */
  private serveProgram(socket: Socket): void {
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("error", () => undefined);
    const onData = (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf("\n");
      if (end < 0) return;
      socket.off("data", onData);
      this.answerProgram(JSON.parse(buffer.slice(0, end)) as ProgramRequest, socket);
    };
    socket.on("data", onData);
  }

  private answerProgram(request: ProgramRequest, socket: Socket): void {
    const frame = (stream: "stdout" | "stderr" | null, text: string | null, exitCode: number | null) =>
      `${JSON.stringify({ stream, text, exitCode })}\n`;
    let answer: ProgramAnswer;
    if (!PROGRAMS.includes(request.program) || !Array.isArray(request.argv)) {
      answer = { exitCode: 255, stdout: [], stderr: [`simulator: no program ${JSON.stringify(request.program)}`] };
    } else {
      const state = this.readState();
      const record = JSON.parse(readFileSync(join(this.dir, "record.json"), "utf8")) as SimRecord;
      answer = runProgram({ ...request, session: request.session === "interactive" ? "interactive" : "ssh" }, state, this.scenario, record);
      writeFileSync(join(this.dir, "state.json"), JSON.stringify(state, null, 2));
      writeFileSync(join(this.dir, "record.json"), JSON.stringify(record, null, 2));
    }
    if ("hang" in answer) {
      // Never answers: the caller's deadline stops the stand-in, which closes the socket.
      this.hangingPrograms.add(socket);
      socket.once("close", () => this.hangingPrograms.delete(socket));
      return;
    }
    for (const line of answer.stdout) socket.write(frame("stdout", line, null));
    for (const line of answer.stderr) socket.write(frame("stderr", line, null));
    socket.end(frame(null, null, answer.exitCode));
  }
}
