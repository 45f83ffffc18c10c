/**
 * The real-PowerShell back end of the simulated Windows host: every exec runs the very loader, step loop and
 * step script the provider sent, in pwsh 7, after a prelude of Windows stand-ins (*.ps1 here):
 * drives, registry, services, network, web and Windows PowerShell 5.1's parameter sets and language
 * (exec.ts). The host is a sandbox folder under the system temp directory holding its HostState
 * (state.json) and what the tests may check besides (record.json). Windows programs (tailscale.exe,
 * msiexec, icacls, winget) and the service manager are PowerShell stand-ins answered by this process
 * over a Unix socket (program-server.ts) from the one program model the TypeScript back end uses too
 * (simulator/programs), so they share one state with the cmdlet stand-ins.
 */
import type { ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readJoinScriptData } from "../../../provider/scripts";
import { UP_KILL_MARGIN_SECONDS } from "../../../provider/scripts/catalogue";
import type { BackendFactory, HostBackend, InteractiveRun, StepIo } from "../../backend";
import type { HostState } from "../../host-state";
import { PROGRAMS, emptyRecord, type ProgramHost, type Session, type SimRecord } from "../../programs";
import { MISSING_SCRIPT_FILE_EXIT_CODE, WINDOW_CLOSED_EXIT_CODE, missingScriptFileText, parseManualCommand } from "../../programs/powershell";
import { SSH_CLIENT, type Scenario } from "../../scenarios";
import { SID_ADMINISTRATOR_USER } from "../../security";
import { blobFolder } from "../../blobs";
import { createUploadedFile } from "../../uploaded-files";
import { findName, normalizePath } from "../../windows-model";
import { loaderOf, gatedStdin, preludeFor } from "./exec";
import { findProgram, findPwsh, killGroup, runPwsh } from "./process";
import { ProgramServer, SECURITY_MANAGER, SERVICE_MANAGER } from "./program-server";

export { findPwsh } from "./process";

export const createPwshBackend: BackendFactory = async (scenario, initial) => PwshHostBackend.create(scenario, initial);

export class PwshHostBackend implements HostBackend {
  readonly kind = "pwsh" as const;
  /** PowerShell to run before the loader (it reads environment() to find the sandbox). */
  readonly prelude: string;
  private readonly running = new Set<ChildProcess>();
  private readonly programs: ProgramServer;

  private constructor(
    private readonly pwsh: string,
    private readonly scenario: Scenario,
    /** The sandbox folder: the host's whole state. */
    readonly dir: string,
    private readonly server: Server,
  ) {
    this.prelude = preludeFor(scenario);
    this.programs = new ProgramServer({ load: () => this.load(), save: (host) => this.save(host) });
  }

  static async create(scenario: Scenario, initial: HostState): Promise<PwshHostBackend> {
    const pwsh = findPwsh();
    if (!pwsh) throw new Error("the pwsh back end needs PowerShell 7 (pwsh) on PATH or in ~/.dotnet/tools");
    const dir = mkdtempSync(join(tmpdir(), "mesh-pwsh-"));
    for (const sub of ["programs", "bin", "cwd"]) mkdirSync(join(dir, sub));
    // pwsh installed as a dotnet tool starts `dotnet` from PATH: the sandbox's PATH holds just that.
    const dotnet = findProgram("dotnet");
    if (dotnet) symlinkSync(realpathSync(dotnet), join(dir, "bin", "dotnet"));
    for (const program of [...PROGRAMS, SERVICE_MANAGER, SECURITY_MANAGER]) copyFileSync(join(__dirname, "native-program.ps1"), join(dir, "programs", `${program}.ps1`));
    writeFileSync(join(dir, "state.json"), JSON.stringify(initial, null, 2));
    writeFileSync(join(dir, "record.json"), JSON.stringify(emptyRecord(), null, 2));
    const server = createServer();
    const backend = new PwshHostBackend(pwsh, scenario, dir, server);
    server.on("connection", (socket) => backend.programs.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(join(dir, "programs.sock"), resolve);
    });
    return backend;
  }

  /** The environment the prelude and the program stand-ins read. */
  environment(session: Session): Record<string, string> {
    const state = this.readState();
    return {
      MESH_SIM_DIR: this.dir,
      MESH_SIM_SOCKET: join(this.dir, "programs.sock"),
      MESH_SIM_SESSION: session,
      // The account the steps and a person's run use (WindowsIdentity.GetCurrent().User).
      MESH_SIM_USER_SID: SID_ADMINISTRATOR_USER,
      // The bytes of uploaded files (HostState files with a blob).
      MESH_SIM_BLOB_DIR: blobFolder(),
      // OpenSSH sets it in every session it starts; a person's interactive session has none.
      ...(session === "ssh" ? { SSH_CLIENT } : {}),
      COMPUTERNAME: state.computerName,
      PROCESSOR_ARCHITECTURE: state.architecture,
      ProgramData: "C:\\ProgramData",
      SystemRoot: "C:\\Windows",
    };
  }

  async exec(commandLine: string, stdin: AsyncIterable<string>, io: StepIo): Promise<number> {
    const loader = loaderOf(commandLine);
    const gated = gatedStdin(stdin, io);
    return this.run(`${this.prelude}\n${loader}`, gated.lines, this.environment("ssh"), { ...io, stdout: gated.stdout }, []);
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
    try {
      return await this.runInteractively(runner, content, readJoinScriptData(content).timeoutSeconds);
    } catch (error) {
      return { exitCode: 1, output: error instanceof Error ? error.message : String(error) };
    }
  }

  async rewriteFile(path: string, content: string): Promise<void> {
    const host = this.load();
    const name = findName(host.state.files, normalizePath(path));
    if (name === undefined) throw new Error(`simulator: no file ${path} to rewrite`);
    host.state.files[name].content = content;
    this.save(host);
  }

  async openForWrite(path: string): Promise<string> {
    const host = this.load();
    const local = createUploadedFile(host.state, path);
    this.save(host);
    return local;
  }

  async runManualCommand(command: string): Promise<InteractiveRun> {
    // powershell.exe -Command: its text, after the Windows stand-ins, exactly as the person typed it.
    const parsed = parseManualCommand(command);
    if (parsed === undefined) return { exitCode: 1, output: `simulator: not a manual command: ${command}` };
    const state = this.readState();
    const name = findName(state.files, normalizePath(parsed.path));
    let timeoutSeconds = 0;
    try {
      timeoutSeconds = readJoinScriptData(name === undefined ? "" : state.files[name].content).timeoutSeconds;
    } catch {
      // Not a join script: whatever runs, the person's patience is the kill margin alone.
    }
    return this.runInteractively(parsed.body, "", timeoutSeconds);
  }

  /** A person's console: text output; they close the window after the script's own timeout and the step's kill margin. */
  private async runInteractively(script: string, stdin: string, timeoutSeconds: number): Promise<InteractiveRun> {
    const lines: string[] = [];
    const closed = new AbortController();
    const patience = setTimeout(() => closed.abort(), (timeoutSeconds + UP_KILL_MARGIN_SECONDS) * 1000);
    const io: StepIo = { stdout: (line) => lines.push(line), stderr: (line) => lines.push(line), signal: closed.signal };
    try {
      // Text output, as a console shows it (with -EncodedCommand, pwsh would write Write-Host as CLIXML).
      const exitCode = await this.run(`${this.prelude}\n${script}`, stdin, this.environment("interactive"), io, ["-OutputFormat", "Text"]);
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
    this.programs.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(script: string, stdin: string | AsyncIterable<string>, env: Record<string, string>, io: StepIo, extraFlags: string[]): Promise<number> {
    return runPwsh({ pwsh: this.pwsh, dir: this.dir, script, stdin, env, extraFlags, running: this.running }, io);
  }

  private readState(): HostState {
    return JSON.parse(readFileSync(join(this.dir, "state.json"), "utf8")) as HostState;
  }

  private load(): ProgramHost {
    const record = JSON.parse(readFileSync(join(this.dir, "record.json"), "utf8")) as SimRecord;
    return { state: this.readState(), scenario: this.scenario, record };
  }

  private save(host: ProgramHost): void {
    writeFileSync(join(this.dir, "state.json"), JSON.stringify(host.state, null, 2));
    writeFileSync(join(this.dir, "record.json"), JSON.stringify(host.record, null, 2));
  }
}
