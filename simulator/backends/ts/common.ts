/**
 * The TypeScript model of provider/scripts/common.ps1: the functions every step script shares, over
 * the simulated host. Where common.ps1 starts a Windows program (Invoke-MeshNative) or calls a
 * service cmdlet, this asks the one program model (simulator/programs), exactly as the pwsh back
 * end's stand-ins do; only what the script itself decides is modelled here. One Script serves one
 * step run (its progress lines, and the signal that kills it).
 */
import { POLICY_KEYS, SID_ADMINISTRATORS, SID_SYSTEM, TAILSCALE_EXE, TAILSCALE_PIPE, TAILSCALE_SERVICE, type JoinParams } from "../../../provider/scripts/catalogue";
import type { HostState } from "../../host-state";
import { isInstalled, programNamed, runProgram, type ProgramAnswer, type ProgramHost, type Session } from "../../programs";
import { checkExposure } from "../../programs/program";
import { daemonPipeExists, serviceCommand, type ServiceCommand } from "../../programs/services";
import { WindowsFileSystem, WindowsRegistry } from "../../windows-model";
import type { Clock } from "./clock";
import { ScriptError, type Progress } from "./exec";

/** What the TypeScript back end keeps for its whole life: the host, its scenario and record, and the clock. */
export interface TsHost extends ProgramHost {
  clock: Clock;
}

/** Invoke-MeshNative's answer: exitCode null when it stopped the program at its deadline. */
export interface NativeRun {
  exitCode: number | null;
  output: string;
  seconds: number;
}

/** How long Restart-MeshService waits for Running. */
const SERVICE_WAIT_SECONDS = 30;

export class Script {
  readonly files: WindowsFileSystem;
  readonly registry: WindowsRegistry;

  constructor(
    readonly host: TsHost,
    readonly signal: AbortSignal,
    readonly progress: Progress = () => undefined,
  ) {
    // Every file written or moved is checked: a key must never be within another account's reach.
    this.files = new WindowsFileSystem(host.state, (name) => checkExposure(host, name));
    this.registry = new WindowsRegistry(host.state);
  }

  get state(): HostState {
    return this.host.state;
  }

  /** Writing under HKLM or ProgramData needs an elevated token. */
  requireAdmin(path: string): void {
    if (!this.state.isAdmin) throw new ScriptError(`Access to the path '${path}' is denied.`, "System.UnauthorizedAccessException");
  }

  /** Waits for a modelled `seconds` (the scripted real time when given). */
  elapse(seconds: number, scriptedMs?: number): Promise<void> {
    return this.host.clock.elapse(seconds, this.signal, scriptedMs);
  }

  /**
   * Invoke-MeshNative: refuses an argument Windows PowerShell 5.1 cannot pass intact, starts the
   * program found by Get-Command, and stops it at its deadline. `scriptedMs` is the real time a
   * run that ends by itself takes (benchmarks).
   */
  async native(filePath: string, args: readonly string[], timeoutSeconds: number, scriptedMs?: number): Promise<NativeRun> {
    const refused = args.findIndex((arg) => arg === "" || arg.includes('"') || (/\s/.test(arg) && arg.endsWith("\\")));
    if (refused >= 0) {
      throw new ScriptError(
        `argument ${refused + 1} for ${filePath} is empty, contains a double quote, or ends in a backslash after whitespace; Windows PowerShell 5.1 cannot pass it intact`,
      );
    }
    const answer = await this.run(filePath, args, "ssh", scriptedMs);
    if ("hang" in answer) {
      await this.elapse(timeoutSeconds);
      return { exitCode: null, output: `stopped: ${filePath} timed out after ${timeoutSeconds} s`, seconds: timeoutSeconds };
    }
    return { exitCode: answer.exitCode, output: [...answer.stdout, ...answer.stderr].join("\n").trim(), seconds: answer.seconds };
  }

  /**
   * A program started directly (`& $program @args`, no deadline, no refusal): it runs its modelled
   * time, then leaves what it leaves; a killed run leaves nothing. One that hangs is returned as is.
   */
  async run(filePath: string, args: readonly string[], session: Session, scriptedMs?: number): Promise<ProgramAnswer> {
    const answer = this.start(filePath, args, session);
    if ("hang" in answer) return answer;
    if (answer.seconds > 0) await this.elapse(answer.seconds, scriptedMs);
    answer.finish?.();
    return answer;
  }

  private start(filePath: string, args: readonly string[], session: Session): ProgramAnswer {
    // Get-Command finds the program, or fails as PowerShell does.
    const program = programNamed(filePath);
    if (program === undefined || !isInstalled(this.state, program)) {
      throw new ScriptError(
        `The term '${filePath}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
        "System.Management.Automation.CommandNotFoundException",
      );
    }
    return runProgram({ program, argv: args, session, path: filePath }, this.host);
  }

  /** Set-MeshAdminOnlyAcl: a file's own explicit grants for Administrators and SYSTEM, inheritance removed (icacls). */
  async setAdminOnlyAcl(path: string): Promise<void> {
    const run = await this.native("icacls.exe", [path, "/inheritance:r", "/grant:r", `*${SID_ADMINISTRATORS}:F`, `*${SID_SYSTEM}:F`], 60);
    if (run.exitCode !== 0) throw new ScriptError(`icacls could not restrict ${path} to Administrators and SYSTEM: ${run.output}`);
  }

  /** Get-MeshKeyFile. */
  keyFiles(stateDir: string): string[] {
    return this.files.listFiles(stateDir, "authkey-*.txt");
  }

  /**
   * Set-MeshPolicy: values under HKLM:\SOFTWARE\Policies\Tailscale as strings (the three, then
   * policyValues); a null value is removed. Returns the names of the values it changed.
   */
  writePolicy(policy: JoinParams["policy"]): string[] {
    const key = POLICY_KEYS[0];
    this.registry.ensureKey(key);
    const values: [string, string | null][] = [
      ["LoginURL", policy.loginUrl],
      ["Hostname", policy.hostname],
      ["UnattendedMode", policy.unattendedMode],
      ...policy.policyValues.map(({ name, value }): [string, string | null] => [name, value]),
    ];
    const changed: string[] = [];
    for (const [name, value] of values) {
      const current = this.registry.getValue(key, name);
      if (value === null ? current === undefined : current === value) continue;
      if (value === null) this.registry.removeValue(key, name);
      else this.registry.setValue(key, name, value);
      changed.push(name);
    }
    return changed;
  }

  /** Get-MeshPolicyValue: Tailscale reads the Policies key first, then "Tailscale IPN". */
  policyValue(name: string): string | null {
    for (const key of POLICY_KEYS) {
      const value = this.registry.getValue(key, name);
      if (value !== undefined) return String(value);
    }
    return null;
  }

  /** Get-MeshSystemPolicy (probe.ps1): each of `names` that is set, as text. */
  systemPolicies(names: readonly string[]): Record<string, string> {
    const found: Record<string, string> = {};
    for (const name of names) {
      const value = this.policyValue(name);
      if (value !== null) found[name] = value;
    }
    return found;
  }

  /** A service cmdlet under $ErrorActionPreference = 'Stop': its error is thrown. */
  service(command: ServiceCommand, startupType?: "Automatic"): { status: string; startType: string } {
    const answer = serviceCommand(this.host, { command, name: TAILSCALE_SERVICE, startupType });
    if ("error" in answer) throw new ScriptError(answer.error.message, "Microsoft.PowerShell.Commands.ServiceCommandException");
    return answer.service;
  }

  /** Restart-MeshService: Set-Service -StartupType Automatic, Restart-Service, wait for Running. Returns what went wrong. */
  async restartService(): Promise<string | undefined> {
    try {
      this.service("Set-Service", "Automatic");
      this.service("Restart-Service");
    } catch (error) {
      return (error as Error).message;
    }
    if (this.service("Get-Service").status === "Running") return undefined;
    await this.elapse(SERVICE_WAIT_SECONDS);
    return `the ${TAILSCALE_SERVICE} service did not reach Running within ${SERVICE_WAIT_SECONDS} s`;
  }

  /** Wait-MeshDaemon: one look a second until the service runs and its pipe exists; what was seen when it never does. */
  async waitDaemon(seconds: number): Promise<string | undefined> {
    let status = "missing";
    for (let second = 0; second <= seconds; second++) {
      try {
        status = this.service("Get-Service").status;
      } catch {
        // -ErrorAction SilentlyContinue: no service.
      }
      if (status === "Running" && daemonPipeExists(this.state)) return undefined;
      if (second === 0) this.progress(`waiting up to ${seconds} s for the ${TAILSCALE_SERVICE} service and its pipe`, { waitSeconds: seconds });
      if (second < seconds) await this.elapse(1);
    }
    return `the ${TAILSCALE_SERVICE} service is ${status} and its pipe ${TAILSCALE_PIPE} did not appear within ${seconds} s`;
  }

  /** Get-MeshAccountName: the account the step runs as (the simulated host's SSH user is its Administrator). */
  accountName(): string {
    return `${this.state.computerName}\\Administrator`;
  }

  /** Get-MeshTailscaleVersion: `tailscale version` (it needs no daemon, so it works over SSH); null when not installed. */
  async tailscaleVersion(): Promise<string | null> {
    if (!this.state.tailscale.installed) return null;
    const run = await this.native(TAILSCALE_EXE, ["version"], 30);
    return run.exitCode === 0 ? run.output.split("\n")[0].trim() : null;
  }
}
