/**
 * The TypeScript back end of the simulated Windows host: a model of each remote step over a
 * HostState driven by a Scenario. It follows catalogue.ts (params, results, "Effects on the host")
 * and does what the provider's own scripts (provider/scripts/*.ps1) do on Windows, so that it leaves
 * the same state as the pwsh back end running them; it prints what Windows PowerShell running the
 * bootstrap prints: the scripts' progress lines, then one result line.
 *
 * Time is modelled, not spent: retry delays, installs and killed attempts report their real
 * durations, but the back end pauses at most `maxRealSleepMs` for each, so tests stay fast.
 * Benchmarks script real time instead (`realDurations`): each step's own work, an installer run,
 * a `tailscale up` attempt and the pause between attempts then take exactly the time given.
 */
import { randomBytes } from "node:crypto";
import { Redactor } from "../../../provider/common/redact";
import { readJoinScriptData } from "../../../provider/scripts";
import {
  POLICY_KEYS,
  SID_ADMINISTRATORS,
  SID_SYSTEM,
  TAILSCALE_EXE,
  UP_KILL_MARGIN_SECONDS,
  type Attempt,
  type AttemptClass,
  type CleanupParams,
  type CleanupResult,
  type FailureRule,
  type InstallParams,
  type InstallResult,
  type JoinParams,
  type JoinResult,
  type JoinScriptData,
  type ProbeParams,
  type ProbeResult,
  type StepName,
  type StepTypes,
} from "../../../provider/scripts/catalogue";
import {
  PROGRESS_MARK,
  PROTOCOL_VERSION,
  RESULT_MARK,
  decodePayload,
  encodeMarkedLine,
  type StepEnvelope,
  type StepPayload,
  type StepProgress,
} from "../../../provider/transport/protocol";
import type { BackendFactory, HostBackend, InteractiveRun, StepIo } from "../../backend";
import { ADMIN_ONLY, type HostState } from "../../host-state";
import { LATEST_TAILSCALE, type JoinBehaviour, type Scenario } from "../../scenarios";
import { findTailscaleProduct } from "../../initial-state";
import { checkParams, isStepName } from "../../step-params";
import {
  LOG_TAIL_LINES,
  MISSING_SCRIPT_FILE_EXIT_CODE,
  SERVICE_MISSING_TEXT,
  SERVICE_START_FAILED_TEXT,
  WINDOW_CLOSED_EXIT_CODE,
  WINGET_INSTALL_FAILED,
  missingScriptFileText,
  msiexecLogText,
  stoppedProgramText,
  tailnetAddressesFor,
  tailnetNodeName,
  tailscaleLogoutRun,
  tailscaleUninstallEntry,
  tailscaleUpRun,
  wingetInstallerFailedText,
  type UpContext,
  type UpRun,
} from "../../programs/tailscale-texts";
import { legacyCommandLine } from "../../programs/command-line";
import { WindowsFileSystem, WindowsRegistry, joinPath, parentOf } from "../../windows-model";

export interface TsBackendOptions {
  /** Longest real pause for one modelled wait (default 20 ms). */
  maxRealSleepMs?: number;
  /** Real time the named parts of a step take (benchmarks); they then ignore maxRealSleepMs. */
  realDurations?: RealDurations;
}

/**
 * Scripted real durations, in milliseconds, for benchmarks: a real host spends time in each step,
 * and a benchmark of round trips must pay it too. Unset parts keep the modelled pause.
 */
export interface RealDurations {
  /** A step's own work before it answers (starting programs, CIM and registry queries, a service restart). */
  stepMs?: Partial<Record<StepName, number>>;
  /** One installer run (msiexec or winget). */
  installMs?: number;
  /** One `tailscale up` run that ends by itself (one that hangs is still stopped at its deadline). */
  upAttemptMs?: number;
  /** The pause between two `tailscale up` attempts. */
  retryDelayMs?: number;
}

/** Exit code of a powershell.exe killed because its channel closed (TerminateProcess gives 1). */
const KILLED_EXIT_CODE = 1;
/** How long the modelled msiexec and winget runs take. */
const INSTALL_SECONDS = 25;
/** cleanup.ps1 stops `tailscale logout` after this long. */
const LOGOUT_TIMEOUT_SECONDS = 60;
const DEFAULT_CONTROL_URL = "https://controlplane.tailscale.com";

export function tsBackendFactory(options: TsBackendOptions = {}): BackendFactory {
  return async (scenario, initial) => new TsHostBackend(scenario, initial, options);
}

export const createTsBackend: BackendFactory = tsBackendFactory();

/** A failure the step script would throw; it becomes the bootstrap's {ok:false, error}. */
class ScriptError extends Error {
  constructor(
    message: string,
    readonly type = "System.Management.Automation.RuntimeException",
  ) {
    super(message);
  }
}

/** The channel closed: the process is gone, runs no `finally`, and prints nothing more. */
class Killed extends Error {}

type Progress = (message: string, data?: Record<string, unknown>) => void;

interface StepContext {
  progress: Progress;
  signal: AbortSignal;
}

/** Invoke-MeshNative's answer: exitCode null when it stopped the program at its deadline. */
interface NativeRun {
  exitCode: number | null;
  output: string;
  seconds: number;
}

export class TsHostBackend implements HostBackend {
  readonly kind = "ts" as const;
  private readonly host: HostState;
  private readonly files: WindowsFileSystem;
  private readonly registry: WindowsRegistry;
  private readonly maxRealSleepMs: number;
  private readonly durations: RealDurations;
  private readonly disposed = new AbortController();
  /** `tailscale up` runs over SSH so far: scenario.join is indexed by it across join steps. */
  private upRunsOverSsh = 0;

  constructor(
    private readonly scenario: Scenario,
    initial: HostState,
    options: TsBackendOptions = {},
  ) {
    this.host = structuredClone(initial);
    this.files = new WindowsFileSystem(this.host);
    this.registry = new WindowsRegistry(this.host);
    this.maxRealSleepMs = options.maxRealSleepMs ?? 20;
    this.durations = options.realDurations ?? {};
  }

  async exec(_commandLine: string, stdin: string, io: StepIo): Promise<number> {
    const signal = AbortSignal.any([io.signal, this.disposed.signal]);
    const context: StepContext = {
      signal,
      progress: (message, data) => {
        const line: StepProgress = data ? { message, data } : { message };
        if (!signal.aborted) io.stdout(encodeMarkedLine(PROGRESS_MARK, line));
      },
    };
    let envelope: StepEnvelope<unknown>;
    try {
      envelope = { ok: true, value: await this.runPayload(stdin, context) };
    } catch (error) {
      if (error instanceof Killed || signal.aborted) return KILLED_EXIT_CODE;
      envelope = { ok: false, error: errorOf(error) };
    }
    if (signal.aborted) return KILLED_EXIT_CODE;
    io.stdout(encodeMarkedLine(RESULT_MARK, envelope));
    return envelope.ok ? 0 : 1;
  }

  async state(): Promise<HostState> {
    return structuredClone(this.host);
  }

  async dispose(): Promise<void> {
    this.disposed.abort();
  }

  // ---------------------------------------------------------------- the bootstrap

  private async runPayload(stdin: string, context: StepContext): Promise<unknown> {
    const payload = decodeStdin(stdin);
    if (payload.v !== PROTOCOL_VERSION) throw new ScriptError(`unsupported protocol version ${String(payload.v)}`);
    if (typeof payload.step !== "string" || !isStepName(payload.step)) {
      throw new ScriptError(`unknown step "${String(payload.step)}"`, "System.ArgumentException");
    }
    return this.runStep(payload.step, payload.params, context);
  }

  private async runStep(step: StepName, rawParams: unknown, context: StepContext): Promise<StepTypes[StepName]["result"]> {
    const checked = checkParams(step, rawParams);
    if (!checked.ok) throw new ScriptError(`invalid parameters for step "${step}": ${checked.problems}`, "System.ArgumentException");
    const stepMs = this.durations.stepMs?.[step];
    if (stepMs) await this.pause(stepMs, context.signal);
    switch (step) {
      case "probe":
        return this.probe(checked.params as ProbeParams);
      case "install":
        return this.install(checked.params as InstallParams, context);
      case "join":
        return this.join(checked.params as JoinParams, context);
      case "cleanup":
        return this.cleanup(checked.params as CleanupParams, context);
    }
  }

  // ---------------------------------------------------------------- probe (probe.ps1)

  private probe(params: ProbeParams): ProbeResult {
    const { host } = this;
    return {
      computerName: host.computerName,
      os: { ...host.os },
      powershellVersion: host.powershellVersion,
      isAdmin: host.isAdmin,
      tailscale: { installed: host.tailscale.installed, version: this.installedVersion() },
      service: host.tailscale.service ? { ...host.tailscale.service } : null,
      policy: {
        loginUrl: this.effectivePolicy("LoginURL"),
        unattendedMode: this.effectivePolicy("UnattendedMode"),
        hostname: this.effectivePolicy("Hostname"),
      },
      joinScriptPresent: this.files.fileExists(params.joinScriptPath),
      keyFiles: this.keyFiles(params.stateDir),
      tailscaleIps: [...host.adapterIps],
      wingetAvailable: host.winget,
    };
  }

  /** `tailscale version` (it needs no daemon, so it works over SSH); null when not installed. */
  private installedVersion(): string | null {
    if (!this.host.tailscale.installed) return null;
    this.startProcess(TAILSCALE_EXE, ["version"]);
    return this.host.tailscale.version;
  }

  /** Tailscale reads the Policies key first, then "Tailscale IPN". */
  private effectivePolicy(name: string): string | null {
    for (const key of POLICY_KEYS) {
      const value = this.registry.getValue(key, name);
      if (value !== undefined) return String(value);
    }
    return null;
  }

  private keyFiles(stateDir: string): string[] {
    return this.files.listFiles(stateDir, "authkey-*.txt");
  }

  // ---------------------------------------------------------------- install (install.ps1)

  private async install(params: InstallParams, context: StepContext): Promise<InstallResult> {
    this.requireAdmin(params.stateDir);
    this.ensureProtectedDir(params.stateDir);
    const version = this.scenario.installer?.installsVersion ?? params.version ?? LATEST_TAILSCALE;
    const installerExitCode = this.scenario.installer?.msiExitCode ?? 0;
    return params.method === "winget"
      ? this.installWithWinget(params, version, installerExitCode, context)
      : this.installWithMsi(params, version, installerExitCode, context);
  }

  private async installWithMsi(params: InstallParams, version: string, exitCode: number, context: StepContext): Promise<InstallResult> {
    const msi = joinPath(params.stateDir, "tailscale-setup.msi");
    const log = joinPath(params.stateDir, "install.log");
    const url = params.msiUrl ?? `https://pkgs.tailscale.com/stable/tailscale-setup-${version}-amd64.msi`;
    const args = ["/i", msi, "/quiet", "/norestart", "/qn", "/L*v", log, "TS_UNATTENDEDMODE=always", "TS_NOLAUNCH=1"];
    if (params.loginServer) args.push(`TS_LOGINURL=${params.loginServer}`);
    context.progress(`downloading ${url}`);
    this.files.writeFile(msi, `MSI package from ${url}`);
    context.progress("running the Tailscale installer");
    try {
      this.startProcess("msiexec.exe", args);
      this.files.writeFile(log, msiexecLogText(exitCode, version));
      await this.elapse(INSTALL_SECONDS, context.signal, this.durations.installMs);
    } catch (error) {
      // install.ps1 removes the MSI in a `finally`, which a killed process never reaches.
      if (!(error instanceof Killed)) this.files.deleteFile(msi);
      throw error;
    }
    this.files.deleteFile(msi);
    if (exitCode === 0 || exitCode === 3010) {
      this.installTailscale(version);
      this.files.deleteFile(log);
      return { outcome: "installed", version: this.installedVersion() ?? version, exitCode, rebootRequired: exitCode === 3010 };
    }
    return {
      outcome: "failed",
      exitCode,
      message: `msiexec failed (exit code ${exitCode}); its log is ${log}`,
      logTail: tailOf(this.files.readFile(log) ?? "", LOG_TAIL_LINES),
    };
  }

  private async installWithWinget(
    params: InstallParams,
    version: string,
    installerExitCode: number,
    context: StepContext,
  ): Promise<InstallResult> {
    if (!this.host.winget) {
      return { outcome: "failed", exitCode: null, message: "winget is not available on this host; use the msi install method", logTail: "" };
    }
    const args = ["install", "--id", "Tailscale.Tailscale", "--source", "winget", "--silent", "--accept-package-agreements", "--accept-source-agreements"];
    if (params.version) args.push("--version", params.version);
    context.progress("installing Tailscale with winget");
    this.startProcess("winget", args);
    await this.elapse(INSTALL_SECONDS, context.signal, this.durations.installMs);
    if (installerExitCode !== 0 && installerExitCode !== 3010) {
      return {
        outcome: "failed",
        exitCode: WINGET_INSTALL_FAILED,
        message: `winget install failed (exit code ${WINGET_INSTALL_FAILED})`,
        logTail: wingetInstallerFailedText(installerExitCode),
      };
    }
    this.installTailscale(version);
    return { outcome: "installed", version: this.installedVersion() ?? version, exitCode: 0, rebootRequired: false };
  }

  /** What a completed MSI leaves: the program, its Uninstall entry, the service running and automatic. */
  private installTailscale(version: string): void {
    this.host.tailscale.installed = true;
    this.host.tailscale.version = version;
    this.host.tailscale.service = { status: "Running", startType: "Automatic" };
    const entry = tailscaleUninstallEntry(version);
    for (const [name, value] of Object.entries(entry.values)) this.registry.setValue(entry.key, name, value);
  }

  // ---------------------------------------------------------------- join (join.ps1)

  private async join(params: JoinParams, context: StepContext): Promise<JoinResult> {
    this.requireAdmin(params.stateDir);
    this.ensureProtectedDir(params.stateDir);
    // join.ps1 first removes key files an earlier, killed attempt left.
    for (const stale of this.keyFiles(params.stateDir)) this.files.deleteFile(stale);
    this.writePolicy(params.policy);
    const serviceProblem = this.restartService();
    if (serviceProblem) return { outcome: "failed", reason: "service-not-running", message: serviceProblem, attempts: [] };

    const upArgs = ["up", ...completeUpArgs(params.upArgs, params.timeoutSeconds)];
    const redactor = new Redactor([params.authKey]);
    const attempts: Attempt[] = [];
    let rule: FailureRule | undefined;
    for (let number = 1; number <= params.attempts; number++) {
      context.progress(`tailscale up: attempt ${number} of ${params.attempts}`, { attempt: number, of: params.attempts });
      const run = await this.runUpWithKeyFile(upArgs, params, this.nextSshUpBehaviour(), context.signal);
      const message = redactor.text(run.output);
      rule = run.exitCode === 0 ? undefined : params.rules.find((candidate) => matches(candidate, message));
      const attemptClass: AttemptClass = run.exitCode === 0 ? "joined" : (rule?.class ?? "other");
      attempts.push({ number, class: attemptClass, message, seconds: run.seconds });
      if (attemptClass === "joined") {
        this.markJoined(params.upArgs, params.policy);
        this.files.deleteFile(params.joinScriptPath);
        return { outcome: "joined", tailscaleIps: [...this.host.adapterIps], nodeName: this.nodeNameFromStatus(), attempts };
      }
      if (rule && !rule.retry) return { outcome: "failed", reason: attemptClass, message, attempts };
      if (number < params.attempts) {
        context.progress(`attempt ${number} of ${params.attempts}: ${attemptClass}, retrying in ${params.retryDelaySeconds}s`, {
          attempt: number,
          of: params.attempts,
          class: attemptClass,
        });
        await this.elapse(params.retryDelaySeconds, context.signal, this.durations.retryDelayMs);
      }
    }
    // Attempts exhausted. A failure no rule knows may be retried, but is not handed to a person.
    const last = attempts[attempts.length - 1];
    if (rule?.manual) {
      const problem = this.writeJoinScript(params);
      if (problem !== undefined) return { outcome: "failed", reason: "join-script-unwritable", message: redactor.text(problem), attempts };
      return { outcome: "pending-manual", reason: last.class, attempts };
    }
    return { outcome: "failed", reason: last.class, message: last.message, attempts };
  }

  /**
   * One `tailscale up` with the key in a file of the state directory that lives only for the run
   * (removed in a `finally`: whatever happens, except the whole process being killed).
   */
  private async runUpWithKeyFile(
    upArgs: readonly string[],
    params: Pick<JoinParams, "authKey" | "timeoutSeconds" | "upKillMarginSeconds" | "stateDir">,
    behaviour: JoinBehaviour,
    signal: AbortSignal,
  ): Promise<NativeRun> {
    const keyFile = this.files.writeFile(joinPath(params.stateDir, `authkey-${guidN()}.txt`), params.authKey);
    try {
      this.startProcess(TAILSCALE_EXE, [...upArgs, `--auth-key=file:${keyFile}`]);
    } catch (error) {
      this.files.deleteFile(keyFile);
      throw error;
    }
    const cli = tailscaleUpRun(behaviour, this.upContext(params.authKey, params.timeoutSeconds));
    const run = await this.nativeRun(TAILSCALE_EXE, cli, params.timeoutSeconds + params.upKillMarginSeconds, signal, this.durations.upAttemptMs);
    this.files.deleteFile(keyFile);
    return run;
  }

  /** A started program's run, as Invoke-MeshNative reports it: a hang is stopped at the deadline. */
  private async nativeRun(
    filePath: string,
    run: UpRun,
    deadlineSeconds: number,
    signal: AbortSignal,
    scriptedFinishMs?: number,
  ): Promise<NativeRun> {
    const seconds = run.finished ? run.seconds : deadlineSeconds;
    await this.elapse(seconds, signal, run.finished ? scriptedFinishMs : undefined);
    if (run.finished) return { exitCode: run.exitCode, output: run.output.trim(), seconds };
    return { exitCode: null, output: stoppedProgramText(filePath, deadlineSeconds), seconds };
  }

  private upContext(authKey: string, timeoutSeconds: number): UpContext {
    return { computerName: this.host.computerName, authKey, timeoutSeconds };
  }

  /** The scenario's answer to the host's next `tailscale up` over SSH; the last entry repeats. */
  private nextSshUpBehaviour(): JoinBehaviour {
    const behaviours = this.scenario.join ?? ["joined"];
    this.upRunsOverSsh++;
    return behaviours[Math.min(this.upRunsOverSsh, behaviours.length) - 1];
  }

  /** Set-MeshPolicy: values under HKLM:\SOFTWARE\Policies\Tailscale as strings; a null value is removed. */
  private writePolicy(policy: JoinParams["policy"]): void {
    const key = POLICY_KEYS[0];
    this.registry.ensureKey(key);
    const values: [string, string | null][] = [
      ["LoginURL", policy.loginUrl],
      ["Hostname", policy.hostname],
      ["UnattendedMode", policy.unattendedMode],
    ];
    for (const [name, value] of values) {
      if (value === null) this.registry.removeValue(key, name);
      else this.registry.setValue(key, name, value);
    }
  }

  /** Restart-MeshService: Set-Service -StartupType Automatic, Restart-Service. Returns what went wrong. */
  private restartService(): string | undefined {
    const service = this.host.tailscale.service;
    if (!service) return SERVICE_MISSING_TEXT;
    service.startType = "Automatic";
    if (this.scenario.service?.startFails) {
      service.status = "Stopped";
      return SERVICE_START_FAILED_TEXT;
    }
    service.status = "Running";
    return undefined;
  }

  private markJoined(upArgs: readonly string[], policy: JoinParams["policy"]): void {
    const tailscale = this.host.tailscale;
    tailscale.backendState = "Running";
    tailscale.loggedInLoginServer = flagValue(upArgs, "--login-server") ?? policy.loginUrl ?? DEFAULT_CONTROL_URL;
    tailscale.nodeName = tailnetNodeName(flagValue(upArgs, "--hostname") ?? policy.hostname ?? this.host.computerName);
    this.host.adapterIps = tailnetAddressesFor(this.host.computerName);
  }

  /** Get-MeshNodeName: `tailscale status --json`, Self.DNSName's first label. */
  private nodeNameFromStatus(): string | null {
    this.startProcess(TAILSCALE_EXE, ["status", "--json"]);
    return this.host.tailscale.nodeName;
  }

  /**
   * Write-MeshJoinScript: staged in the state directory, given its own protected ACL, moved into
   * place. Returns undefined once in place, otherwise Windows' message; the staged copy goes either way.
   */
  private writeJoinScript(params: JoinParams): string | undefined {
    const stagedPath = joinPath(params.stateDir, `join-mesh-${guidN()}.ps1`);
    try {
      const staged = this.files.writeFile(stagedPath, params.joinScriptText);
      this.setAdminOnlyAcl(staged, false);
      this.files.ensureDir(parentOf(params.joinScriptPath));
      this.files.moveFile(staged, params.joinScriptPath);
      return undefined;
    } catch (error) {
      if (error instanceof Killed) throw error;
      return error instanceof Error ? error.message : String(error);
    } finally {
      this.files.deleteFile(stagedPath);
    }
  }

  // ---------------------------------------------------------------- cleanup (cleanup.ps1)

  private async cleanup(params: CleanupParams, context: StepContext): Promise<CleanupResult> {
    this.requireAdmin(params.stateDir);
    const removed: string[] = [];
    const messages: string[] = [];
    if (this.files.deleteFile(params.joinScriptPath) !== undefined) removed.push(params.joinScriptPath);
    for (const keyFile of this.keyFiles(params.stateDir)) {
      this.files.deleteFile(keyFile);
      removed.push(keyFile);
    }
    const installed = this.host.tailscale.installed;
    let loggedOut = false;
    if (params.logout && installed) {
      this.startProcess(TAILSCALE_EXE, ["logout"]);
      const behaviour = this.scenario.join?.at(-1) ?? "joined";
      const cli = tailscaleLogoutRun(behaviour, this.upContext("", LOGOUT_TIMEOUT_SECONDS));
      const run = await this.nativeRun(TAILSCALE_EXE, cli, LOGOUT_TIMEOUT_SECONDS, context.signal);
      loggedOut = run.exitCode === 0;
      if (loggedOut) this.forgetLogin();
      else messages.push(`tailscale logout failed: ${run.output}`);
    }
    const uninstalled = params.uninstall && installed ? this.uninstall(messages) : false;
    if (this.files.dirExists(params.stateDir) && this.files.isEmptyDir(params.stateDir)) {
      this.files.removeDir(params.stateDir);
      removed.push(params.stateDir);
    }
    return { removed, loggedOut, uninstalled, messages };
  }

  /** msiexec /x with the product code found under the Uninstall key (it changes with every version). */
  private uninstall(messages: string[]): boolean {
    const productKey = findTailscaleProduct(this.host);
    if (productKey === undefined) {
      messages.push("Tailscale is installed but not as an MSI product; uninstall it by hand");
      return false;
    }
    this.startProcess("msiexec.exe", ["/x", productKey.slice(productKey.lastIndexOf("\\") + 1), "/quiet", "/norestart", "/qn"]);
    delete this.host.registry[productKey];
    this.forgetLogin();
    Object.assign(this.host.tailscale, { installed: false, version: null, service: null, backendState: "NoState" });
    return true;
  }

  private forgetLogin(): void {
    Object.assign(this.host.tailscale, { backendState: "NeedsLogin", loggedInLoginServer: null, nodeName: null });
    this.host.adapterIps = [];
  }

  // ---------------------------------------------------------------- a person runs the join script (join-mesh.ps1)

  async runJoinScriptInteractively(path: string): Promise<InteractiveRun> {
    const text = this.files.readFile(path);
    if (text === undefined) return { exitCode: MISSING_SCRIPT_FILE_EXIT_CODE, output: missingScriptFileText(path) };
    let data: JoinScriptData;
    try {
      data = readJoinScriptData(text);
    } catch (error) {
      return { exitCode: 1, output: error instanceof Error ? error.message : String(error) };
    }
    return this.joinInteractively(data);
  }

  /** What join-mesh.ps1 does in an elevated interactive session, where the CLI can reach the daemon. */
  private async joinInteractively(data: JoinScriptData): Promise<InteractiveRun> {
    const redactor = new Redactor([data.authKey]);
    const stateDir = data.stateDir.replace(/\\+$/, "");
    const logPath = joinPath(stateDir, "join-mesh.log");
    const shown: string[] = [];
    const finish = (exitCode: number): InteractiveRun => ({ exitCode, output: shown.join("\r\n") });
    // Write-JoinLine: on screen, and appended to join-mesh.log once the state directory exists.
    const say = (text: string) => {
      const line = redactor.text(text);
      shown.push(line);
      if (this.files.dirExists(stateDir)) this.files.writeFile(logPath, `${this.files.readFile(logPath) ?? ""}${sortableNow()} ${line}\r\n`);
    };
    const stop = (problem: string, advice: string): InteractiveRun => {
      say(`FAILED: ${problem}`);
      say(`What to do: ${advice}`);
      say(`This script is still at ${data.joinScriptPath}; its log is ${logPath}.`);
      return finish(1);
    };

    if (!this.host.tailscale.installed) {
      shown.push(`Tailscale is not installed (${TAILSCALE_EXE} is missing): run the deployment (pulumi up) again.`);
      return finish(1);
    }
    if (!this.files.dirExists(stateDir)) this.ensureProtectedDir(stateDir);
    say("Joining this machine to the mesh.");
    this.writePolicy(data.policy);
    say("Restarting the Tailscale service.");
    const serviceProblem = this.restartService();
    if (serviceProblem) return stop(`the Tailscale service did not start: ${serviceProblem}`, INTERACTIVE_ADVICE["service-not-running"]);

    say("Running tailscale up (this can take a minute).");
    const keyFile = this.files.writeFile(joinPath(stateDir, `authkey-${guidN()}.txt`), data.authKey);
    // join-mesh.ps1 calls the CLI directly (`&`), without Invoke-MeshNative's deadline or refusals.
    const upArgs = ["up", ...completeUpArgs(data.upArgs, data.timeoutSeconds), `--auth-key=file:${keyFile}`];
    this.host.processLog.push(legacyCommandLine(TAILSCALE_EXE, upArgs));
    const run = tailscaleUpRun(this.scenario.interactiveJoin ?? "joined", this.upContext(data.authKey, data.timeoutSeconds));
    if (!run.finished) {
      // The person gives up and closes the window: no `finally` runs, so the key file stays.
      await this.elapse(data.timeoutSeconds + UP_KILL_MARGIN_SECONDS, this.disposed.signal);
      return finish(WINDOW_CLOSED_EXIT_CODE);
    }
    await this.elapse(run.seconds, this.disposed.signal);
    for (const line of run.output.split("\n").filter(Boolean)) say(`  ${line}`);
    this.files.deleteFile(keyFile);
    if (run.exitCode !== 0) {
      const failure = data.rules.find((rule) => matches(rule, run.output))?.class ?? "other";
      return stop(`tailscale up exited with code ${run.exitCode} (${failure}).`, INTERACTIVE_ADVICE[failure]);
    }
    this.host.processLog.push(legacyCommandLine(TAILSCALE_EXE, ["status", "--json"]));
    this.markJoined(data.upArgs, data.policy);
    say(`SUCCESS: this machine is on the mesh (${this.host.adapterIps.join(", ")}).`);
    this.files.deleteFile(data.joinScriptPath);
    say(`Removed ${data.joinScriptPath} and the key file; nothing more to do.`);
    return finish(0);
  }

  // ---------------------------------------------------------------- host helpers

  /** Writing under HKLM or ProgramData needs an elevated token. */
  private requireAdmin(path: string): void {
    if (!this.host.isAdmin) throw new ScriptError(`Access to the path '${path}' is denied.`, "System.UnauthorizedAccessException");
  }

  /** New-MeshProtectedDirectory: created when missing, then always restricted to Administrators and SYSTEM. */
  private ensureProtectedDir(dir: string): void {
    this.files.ensureDir(dir);
    this.setAdminOnlyAcl(dir, true);
  }

  /** Set-MeshAdminOnlyAcl: icacls with explicit grants for Administrators and SYSTEM, inheritance removed. */
  private setAdminOnlyAcl(path: string, container: boolean): void {
    const inherit = container ? "(OI)(CI)" : "";
    this.startProcess("icacls.exe", [path, "/inheritance:r", "/grant:r", `*${SID_ADMINISTRATORS}:${inherit}F`, `*${SID_SYSTEM}:${inherit}F`]);
    if (container) this.files.ensureDir(path, ADMIN_ONLY);
    else this.files.writeFile(path, this.files.readFile(path) ?? "", ADMIN_ONLY);
  }

  /**
   * Invoke-MeshNative starts a program only with arguments Windows PowerShell 5.1 can pass intact;
   * the command line 5.1 builds is logged (never a value read from a file, such as the key).
   */
  private startProcess(executable: string, args: readonly string[]): void {
    const refused = args.findIndex((arg) => arg === "" || arg.includes('"'));
    if (refused >= 0) {
      throw new ScriptError(`argument ${refused + 1} for ${executable} is empty or contains a double quote; Windows PowerShell 5.1 cannot pass it intact`);
    }
    this.host.processLog.push(legacyCommandLine(executable, args));
  }

  /** Waits for a modelled `seconds`: the scripted real time when given, else at most maxRealSleepMs. */
  private elapse(seconds: number, signal: AbortSignal, scriptedMs?: number): Promise<void> {
    return this.pause(scriptedMs ?? Math.min(seconds * 1000, this.maxRealSleepMs), signal);
  }

  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new Killed();
    if (ms <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Killed());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}

// ---------------------------------------------------------------- pure helpers

/** join-mesh.ps1's advice per failure class, shown to the person who ran it. */
const INTERACTIVE_ADVICE: Record<AttemptClass, string> = {
  joined: "",
  "auth-rejected": "the control server rejected the auth key (expired, used up or revoked). Create a new key and deploy again to get a fresh join script.",
  "daemon-unreachable": 'run this script from Remote Desktop or the console, not over SSH, in Windows PowerShell started with "Run as administrator".',
  "in-use": "another Windows user holds Tailscale: close the Tailscale app in every other session (or sign them out), then run this script again.",
  timeout: "check that this machine can reach the control server, then run this script again.",
  "service-not-running": 'check "Get-Service Tailscale" and the logs in C:\\ProgramData\\Tailscale\\Logs, then run this script again.',
  other: "read the tailscale output above, fix what it names, then run this script again.",
};

function decodeStdin(stdin: string): StepPayload {
  let payload: unknown;
  try {
    payload = decodePayload(stdin);
  } catch {
    throw new ScriptError("Invalid JSON primitive: the payload on stdin is not base64 of UTF-8 JSON.", "System.ArgumentException");
  }
  if (!payload || typeof payload !== "object") throw new ScriptError("the payload on stdin is not a JSON object", "System.ArgumentException");
  return payload as StepPayload;
}

function errorOf(error: unknown): { message: string; type?: string } {
  if (error instanceof ScriptError) return { message: error.message, type: error.type };
  return { message: error instanceof Error ? error.message : String(error), type: "System.Management.Automation.RuntimeException" };
}

/** PowerShell's -match: case-insensitive. */
function matches(rule: FailureRule, text: string): boolean {
  return new RegExp(rule.pattern, "i").test(text);
}

/**
 * Complete-MeshUpArgument: --unattended keeps the node up once the CLI exits, --reset makes the flags
 * the whole configuration, --timeout bounds the wait for Running; each added only when missing.
 */
function completeUpArgs(upArgs: readonly string[], timeoutSeconds: number): string[] {
  const has = (flag: string) => upArgs.some((arg) => new RegExp(`^${flag}(=|$)`, "i").test(arg));
  const completed = [...upArgs];
  if (!has("--unattended")) completed.push("--unattended");
  if (!has("--reset")) completed.push("--reset");
  if (!has("--timeout")) completed.push(`--timeout=${timeoutSeconds}s`);
  return completed;
}

/** `--name=value` or `--name value` among `tailscale up` arguments. */
function flagValue(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
    if (args[i] === name && i + 1 < args.length) return args[i + 1];
  }
  return undefined;
}

/** Get-Content -Tail n, joined with "\n". */
function tailOf(text: string, lines: number): string {
  return text.replace(/\r?\n$/, "").split(/\r?\n/).slice(-lines).join("\n");
}

/** [guid]::NewGuid().ToString('N'): 32 hex digits. */
function guidN(): string {
  return randomBytes(16).toString("hex");
}

/** Get-Date -Format 's' (local time). */
function sortableNow(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
}
