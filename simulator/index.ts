/**
 * The simulated Windows host, as tests, the demo and the benchmark use it: an SSH server on
 * loopback answering the provider's steps from a scenario, with the host's state open to inspection.
 *
 *   const host = await SimulatedWindowsHost.start({ scenario: "daemon-unreachable" });
 *   ... connect to host.host:host.port as host.user with host.password or host.clientPrivateKey ...
 *   await host.runJoinScriptInteractively();   // a person runs the script over RDP
 *   await host.stop();
 */
import { randomBytes } from "node:crypto";
import { DEFAULT_JOIN_SCRIPT_PATH } from "../provider/scripts/catalogue";
import type { StepPayload } from "../provider/transport/protocol";
import type { BackendFactory, HostBackend, InteractiveRun, StepIo } from "./backend";
import type { HostState } from "./host-state";
import type { SimRecord } from "./programs";
import { initialHostState } from "./initial-state";
import { scenarioByName, type Scenario } from "./scenarios";
import { SimulatedSshServer, generateEd25519KeyPair, type SimulatorStats } from "./ssh-server";
import { TsHostBackend, tsBackendFactory, type RealDurations } from "./backends/ts";

export type { InteractiveRun, StepIo } from "./backend";
export type { RealDurations } from "./backends/ts";
export { ADMIN_ONLY, cleanHost, type HostState } from "./host-state";
export { initialHostState } from "./initial-state";
export { CORP_PROXY, LATEST_TAILSCALE, OLD_TAILSCALE, SCENARIOS, scenarioByName, type JoinBehaviour, type Scenario } from "./scenarios";
export { tailnetAddressesFor } from "./programs/tailscale-texts";

export interface SimulatedHostOptions {
  /** A row of the scenario table, or its name. */
  scenario: Scenario | string;
  /** "ts" (default): the TypeScript model. "pwsh": the provider's scripts in real pwsh. */
  backend?: "ts" | "pwsh";
  /** 0 or unset = a free port. */
  port?: number;
  /** Default "Administrator". */
  user?: string;
  /** Default a random one (read it back from the host). */
  password?: string;
  /** The host's private key (OpenSSH or PEM); default a fresh ed25519 key. */
  hostKey?: string;
  /** Also act as a jump host (direct-tcpip to loopback). */
  allowForwarding?: boolean;
  /** TS back end: longest real pause for one modelled wait (retry delays, installs, killed attempts). */
  maxRealSleepMs?: number;
  /** TS back end: scripted real time per step, install, attempt and retry delay (benchmarks). */
  realDurations?: RealDurations;
  /** Command lines other than the provider's loader (a benchmark's baseline); default: refused. */
  otherCommand?: (commandLine: string, io: StepIo) => Promise<number>;
}

export class SimulatedWindowsHost {
  readonly host = "127.0.0.1";
  readonly scenario: Scenario;
  /** An OpenSSH private key the host accepts for `user`. */
  readonly clientPrivateKey: string;

  private constructor(
    scenario: Scenario,
    private readonly server: SimulatedSshServer,
    private readonly backend: HostBackend,
    readonly user: string,
    readonly password: string,
    clientPrivateKey: string,
  ) {
    this.scenario = scenario;
    this.clientPrivateKey = clientPrivateKey;
  }

  static async start(options: SimulatedHostOptions): Promise<SimulatedWindowsHost> {
    const scenario = typeof options.scenario === "string" ? scenarioByName(options.scenario) : options.scenario;
    const initial = initialHostState(scenario);
    const backend = await backendFactory(options)(scenario, initial);
    const clientKey = generateEd25519KeyPair();
    const user = options.user ?? "Administrator";
    const password = options.password ?? randomBytes(12).toString("base64url");
    const server = new SimulatedSshServer({
      backend,
      hostKey: options.hostKey,
      user: { name: user, password, publicKey: clientKey.public },
      port: options.port,
      notListeningForMs: scenario.ssh?.notListeningForMs,
      dropInStep: scenario.ssh?.dropInStep,
      hangInStep: scenario.ssh?.hangInStep,
      // No step changes OpenSSH's DefaultShell, so the scenario's initial one holds throughout.
      defaultShell: () => initial.defaultShell,
      allowForwarding: options.allowForwarding,
      sftp: scenario.ssh?.sftp === false ? undefined : backend,
      otherCommand: options.otherCommand,
    });
    try {
      await server.start();
    } catch (error) {
      await backend.dispose();
      throw error;
    }
    return new SimulatedWindowsHost(scenario, server, backend, user, password, clientKey.private);
  }

  get port(): number {
    return this.server.port;
  }

  get backendKind(): "ts" | "pwsh" {
    return this.backend.kind;
  }

  get hostKeyFingerprint(): string {
    return this.server.hostKeyFingerprint;
  }

  /** The host key as an OpenSSH public-key line ("ssh-ed25519 AAAA..."). */
  get hostPublicKeyLine(): string {
    return this.server.hostKeyLine;
  }

  /** Decoded payloads received, in order. */
  get payloads(): StepPayload[] {
    return this.server.payloads;
  }

  /** Every exec's command line as received. */
  get commandLines(): string[] {
    return this.server.commandLines;
  }

  get stats(): SimulatorStats {
    return this.server.stats;
  }

  /** TypeScript back end: real time spent starting powershell.exe and running steps (benchmarks); undefined on pwsh. */
  get hostWorkMs(): number | undefined {
    return this.backend instanceof TsHostBackend ? this.backend.hostWorkMs : undefined;
  }

  /** Resolves once the port accepts connections (later than start() when the scenario boots slowly). */
  listening(): Promise<void> {
    return this.server.listening;
  }

  /** A deep copy of the host's state now. */
  state(): Promise<HostState> {
    return this.backend.state();
  }

  /** "A person ran the join script in an interactive session (RDP or console)." */
  runJoinScriptInteractively(path: string = DEFAULT_JOIN_SCRIPT_PATH): Promise<InteractiveRun> {
    return this.backend.runJoinScriptInteractively(path);
  }

  /** "A person ran the manual command in an interactive session": it checks the join script's SHA-256, then runs it. */
  runManualCommand(command: string): Promise<InteractiveRun> {
    return this.backend.runManualCommand(command);
  }

  /** Someone else rewrites an existing file they can reach (a hand edit); its owner and entries stay. */
  rewriteFile(path: string, content: string): Promise<void> {
    return this.backend.rewriteFile(path, content);
  }

  /** What the simulated programs saw, and any moment a key was within another account's reach. */
  record(): Promise<SimRecord> {
    return this.backend.record();
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.backend.dispose();
  }
}

function backendFactory(options: SimulatedHostOptions): BackendFactory {
  if ((options.backend ?? "ts") === "ts") return tsBackendFactory({ maxRealSleepMs: options.maxRealSleepMs, realDurations: options.realDurations });
  // Loaded only when asked for, so the simulator works on machines without pwsh.
  const pwsh = require("./backends/pwsh") as { createPwshBackend?: BackendFactory };
  if (!pwsh.createPwshBackend) throw new Error("simulator/backends/pwsh does not export createPwshBackend");
  return pwsh.createPwshBackend;
}
