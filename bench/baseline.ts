/**
 * The baseline: the same work done the one-connection-per-step way, as the seed's own tool
 * (`mesh remote provision`) and a chain of @pulumi/command remote.Command resources do it: every
 * command is a new SSH connection and one exec (field notes §1: about 14 for a Windows provision).
 *
 * Both halves live here: the client, which runs the seed's commands in order and decides the next
 * one from the answers (install only when missing, stop retrying once joined, write the join
 * script only when every attempt failed), and the host side, which the simulated Windows host runs
 * for these command lines (SimulatedHostOptions.otherCommand) with the same scripted durations as
 * ours (timing.ts). Nothing is handicapped: the client turns Nagle off from the first byte, never
 * waits for a connection's close handshake, and the host starts each command at once.
 */
import { Client } from "ssh2";
import { TAILSCALE_EXE } from "../provider/scripts/catalogue";
import { initialHostState, LATEST_TAILSCALE, tailnetAddressesFor, type JoinBehaviour, type Scenario, type StepIo } from "../simulator";
import { tailscaleUpRun } from "../simulator/programs/tailscale-texts";
import type { HostTiming } from "./timing";

/** Where and as whom to connect; the same target ours uses. */
export interface Target {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The host's name on the mesh, also the simulated computer's name. */
  name: string;
}

/** The node's settings the seed's commands carry. */
export interface BaselineNode {
  target: Target;
  authKey: string;
  loginServer: string;
  joinAttempts: number;
  joinScriptPath: string;
}

const POLICY_KEY = "HKLM:\\SOFTWARE\\Tailscale IPN";
const STATE_DIR = "C:\\ProgramData\\Tailscale";
/** How long the client waits for SSH to be ready on each connection. */
const READY_TIMEOUT_MS = 60_000;

/** What the host spends on one command (timing.ts gives each kind its time). */
type Cost = "small" | "restart" | "install" | "attempt";

interface Answer {
  cost: Cost;
  stdout: string[];
  stderr?: string[];
  exitCode: number;
}

/** The seed's commands, each a PowerShell one-liner run by `powershell.exe -Command`. */
const seed = {
  isInstalled: () => `Test-Path '${TAILSCALE_EXE}'`,
  install: () => "winget install --id Tailscale.Tailscale --source winget --silent --accept-package-agreements --accept-source-agreements",
  createPolicyKey: () => `New-Item -Path '${POLICY_KEY}' -Force | Out-Null`,
  setPolicy: (name: string, value: string) => `Set-ItemProperty -Path '${POLICY_KEY}' -Name '${name}' -Value '${value}'`,
  stopGui: () => "Stop-Process -Name 'tailscale-ipn' -Force -ErrorAction SilentlyContinue",
  restartService: () => "Restart-Service Tailscale -Force",
  serviceStatus: () => "(Get-Service Tailscale).Status",
  // The seed pasted the key into the command line, unescaped; kept so the bytes on the wire match.
  up: (node: BaselineNode) =>
    `& '${TAILSCALE_EXE}' up --login-server=${node.loginServer} --authkey=${node.authKey} --hostname=${node.target.name} --accept-routes --unattended --reset --timeout=30s`,
  status: () => `& '${TAILSCALE_EXE}' status`,
  createScriptDir: (path: string) => `New-Item -ItemType Directory -Force -Path '${parentOf(path)}' | Out-Null`,
  writeScript: (path: string, text: string) => `Set-Content -Path '${path}' -Value '${text.replace(/'/g, "''")}'`,
  version: () => `& '${TAILSCALE_EXE}' version`,
  serviceState: () => "Get-Service Tailscale | ForEach-Object { \"$($_.Status) $($_.StartType)\" }",
  loginUrl: () => `(Get-ItemProperty -Path '${POLICY_KEY}' -Name 'LoginURL').LoginURL`,
  scriptPresent: (path: string) => `Test-Path '${path}'`,
  keyFiles: () => `Get-ChildItem -Path '${STATE_DIR}' -Filter 'authkey-*.txt' -Name`,
  addresses: () => `& '${TAILSCALE_EXE}' ip`,
};

/** The command line the host receives for one seed command. */
function commandLine(script: string): string {
  return `powershell.exe -NoProfile -NonInteractive -Command "${script.replace(/"/g, '\\"')}"`;
}

// ---------------------------------------------------------------- the client

interface CommandRun {
  exitCode: number | null;
  stdout: string;
}

/** One command the one-connection-per-step way: connect, exec, read to the end, disconnect. */
function runOnNewConnection(target: Target, script: string): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let stdout = "";
    let exitCode: number | null = null;
    client.on("error", reject);
    client.on("ready", () => {
      client.exec(commandLine(script), (error, stream) => {
        if (error) {
          client.end();
          reject(error);
          return;
        }
        stream.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
        // Drained so the channel never stalls; exit codes and stdout decide what comes next.
        stream.stderr.on("data", () => undefined);
        stream.on("exit", (code: number | null) => (exitCode = code));
        stream.on("close", () => {
          // Go's ssh client (@pulumi/command) closes the socket without waiting for the server.
          client.end();
          resolve({ exitCode, stdout });
        });
        stream.end();
      });
    });
    client.connect({ host: target.host, port: target.port, username: target.user, password: target.password, readyTimeout: READY_TIMEOUT_MS });
    client.setNoDelay(true);
  });
}

async function mustSucceed(target: Target, script: string): Promise<string> {
  const run = await runOnNewConnection(target, script);
  if (run.exitCode !== 0) throw new Error(`baseline: "${script.slice(0, 60)}" failed on ${target.name} (exit code ${run.exitCode})`);
  return run.stdout;
}

/** `mesh remote provision` for one Windows host; resolves with the state it ends in. */
export async function baselineCreate(node: BaselineNode, retryDelayMs: number): Promise<"joined" | "pending-manual"> {
  const { target } = node;
  const installed = (await mustSucceed(target, seed.isInstalled())).trim() === "True";
  if (!installed) await mustSucceed(target, seed.install());
  await mustSucceed(target, seed.createPolicyKey());
  await mustSucceed(target, seed.setPolicy("LoginURL", node.loginServer));
  await mustSucceed(target, seed.setPolicy("UnattendedMode", "always"));
  await mustSucceed(target, seed.stopGui());
  await mustSucceed(target, seed.restartService());
  await mustSucceed(target, seed.serviceStatus());
  let joined = false;
  for (let attempt = 1; attempt <= node.joinAttempts && !joined; attempt++) {
    if (attempt > 1) await sleep(retryDelayMs);
    joined = (await runOnNewConnection(target, seed.up(node))).exitCode === 0;
  }
  if (!joined) {
    await mustSucceed(target, seed.createScriptDir(node.joinScriptPath));
    await mustSucceed(target, seed.writeScript(node.joinScriptPath, seedJoinScript(node)));
  }
  // The seed's "verify" step; it fails (exit 1) when the daemon cannot be reached over SSH.
  await runOnNewConnection(target, seed.status());
  return joined ? "joined" : "pending-manual";
}

/** The same observations our probe makes for a refresh, one command each. */
export async function baselineRefresh(node: BaselineNode): Promise<void> {
  const { target } = node;
  for (const script of [seed.version(), seed.serviceState(), seed.loginUrl(), seed.scriptPresent(node.joinScriptPath), seed.keyFiles(), seed.addresses()]) {
    await runOnNewConnection(target, script);
  }
}

/** The join script the seed wrote (its own text, with its flaws: the key in the clear). */
function seedJoinScript(node: BaselineNode): string {
  return [
    "# join-mesh.ps1 - Generated by mesh remote provision",
    "$ErrorActionPreference = 'Continue'",
    `$TailscaleExe = '${TAILSCALE_EXE}'`,
    `$ServerUrl = '${node.loginServer}'`,
    `$AuthKey = '${node.authKey}'`,
    "Write-Host '=== Joining Mesh Network ===' -ForegroundColor Cyan",
    "Stop-Process -Name 'tailscale-ipn' -Force -ErrorAction SilentlyContinue",
    "Stop-Service Tailscale -Force -ErrorAction SilentlyContinue",
    "Start-Sleep 2",
    "$regPath = 'HKLM:\\SOFTWARE\\Tailscale IPN'",
    "if (!(Test-Path $regPath)) { New-Item -Path $regPath -Force | Out-Null }",
    "Set-ItemProperty -Path $regPath -Name 'LoginURL' -Value $ServerUrl",
    "Set-ItemProperty -Path $regPath -Name 'UnattendedMode' -Value 'always'",
    "Start-Service Tailscale",
    "Start-Sleep 3",
    "& $TailscaleExe up --login-server=$ServerUrl --authkey=$AuthKey --accept-routes --unattended --reset --timeout=30s",
    "& $TailscaleExe status",
  ].join("\r\n");
}

// ---------------------------------------------------------------- the host side

/**
 * Answers the seed's commands on one simulated host, the way Windows would, after spending the
 * scripted time of each. Its state is what the answers depend on: installed, attempts so far, joined.
 */
export class SeedCommandHost {
  private readonly computerName: string;
  private installed: boolean;
  private joined: boolean;
  private upRuns = 0;
  private spentMs = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly timing: HostTiming,
  ) {
    const initial = initialHostState(scenario);
    this.computerName = initial.computerName;
    this.installed = initial.tailscale.installed;
    this.joined = initial.adapterIps.length > 0;
  }

  /** For SimulatedHostOptions.otherCommand. */
  readonly run = async (line: string, io: StepIo): Promise<number> => {
    const script = scriptOf(line);
    const answer = this.answer(script);
    const costMs = this.timing.processStartMs + this.costMs(answer.cost);
    await pause(costMs, io.signal);
    this.spentMs += costMs;
    for (const text of answer.stdout) io.stdout(text);
    for (const text of answer.stderr ?? []) io.stderr(text);
    return answer.exitCode;
  };

  /** Scripted time spent so far on the seed's commands (process starts included). */
  get workMs(): number {
    return this.spentMs;
  }

  private costMs(cost: Cost): number {
    switch (cost) {
      case "small":
        return this.timing.smallCommandMs;
      case "restart":
        return this.timing.serviceRestartMs;
      case "install":
        return this.timing.installMs;
      case "attempt":
        return this.timing.upAttemptMs;
    }
  }

  private answer(script: string): Answer {
    const ok = (cost: Cost, ...stdout: string[]): Answer => ({ cost, stdout, exitCode: 0 });
    switch (script) {
      case seed.install():
        this.installed = true;
        return ok("install", `Found Tailscale [Tailscale.Tailscale] Version ${LATEST_TAILSCALE}`, "Successfully installed");
      case seed.restartService():
        return this.scenario.service?.startFails
          ? { cost: "restart", stdout: [], stderr: ["Restart-Service : Failed to start service 'Tailscale (Tailscale)'."], exitCode: 1 }
          : ok("restart");
      case seed.isInstalled():
        return ok("small", this.installed ? "True" : "False");
      case seed.serviceStatus():
        return ok("small", "Running");
      case seed.serviceState():
        return ok("small", "Running Automatic");
      case seed.status():
        return this.joined ? ok("small", `${this.addresses()[0]}  ${this.computerName.toLowerCase()}  Administrator@  windows  -`) : this.unreachable();
      case seed.version():
        return ok("small", LATEST_TAILSCALE, "  tailscale commit: 0000000000000000000000000000000000000000");
      case seed.addresses():
        return ok("small", ...this.addresses());
    }
    if (script.startsWith(`& '${TAILSCALE_EXE}' up `)) return this.up();
    // The join script is not there yet; registry values, Stop-Process, folders and files succeed silently.
    if (script.startsWith("Test-Path ")) return ok("small", "False");
    return ok("small");
  }

  private up(): Answer {
    this.upRuns++;
    const behaviours: JoinBehaviour[] = this.scenario.join ?? ["joined"];
    const behaviour = behaviours[Math.min(this.upRuns, behaviours.length) - 1];
    const run = tailscaleUpRun(behaviour, { computerName: this.computerName, authKey: "", timeoutSeconds: 30 });
    if (!run.finished) throw new Error(`the baseline does not model a hanging tailscale up (scenario ${this.scenario.name})`);
    if (run.exitCode === 0) this.joined = true;
    return { cost: "attempt", stdout: [], stderr: run.output ? [run.output] : [], exitCode: run.exitCode };
  }

  private unreachable(): Answer {
    const run = tailscaleUpRun("daemon-unreachable", { computerName: this.computerName, authKey: "", timeoutSeconds: 30 });
    return { cost: "small", stdout: [], stderr: run.finished ? [run.output] : [], exitCode: 1 };
  }

  private addresses(): string[] {
    return tailnetAddressesFor(this.computerName);
  }
}

/** The PowerShell text inside `powershell.exe ... -Command "<script>"`. */
function scriptOf(line: string): string {
  const start = line.indexOf('-Command "');
  return start < 0 ? line : line.slice(start + '-Command "'.length, -1).replace(/\\"/g, '"');
}

function parentOf(path: string): string {
  return path.slice(0, Math.max(path.lastIndexOf("\\"), 2));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
