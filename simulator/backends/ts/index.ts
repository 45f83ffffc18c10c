/**
 * The TypeScript back end of the simulated Windows host: a model of each remote step over a
 * HostState driven by a Scenario. Each step's model (probe.ts, install.ts, join.ts, configure.ts, cleanup.ts, and
 * join-script-run.ts for a person running the join script) follows its script in provider/scripts
 * and catalogue.ts; common.ts models the functions the scripts share; the Windows programs they
 * start are the one program model (simulator/programs) the pwsh back end answers from too, so both
 * leave the same state. exec.ts prints what Windows PowerShell running the step loop prints.
 */
import type { StepName, StepTypes } from "../../../provider/scripts/catalogue";
import { LANGUAGE_MODE_EXIT_CODE, LANGUAGE_MODE_MARK } from "../../../provider/transport/protocol";
import type { BackendFactory, HostBackend, InteractiveRun, StepIo } from "../../backend";
import type { HostState } from "../../host-state";
import { emptyRecord, type SimRecord } from "../../programs";
import type { Scenario } from "../../scenarios";
import { checkParams } from "../../step-params";
import { createUploadedFile } from "../../uploaded-files";
import { findName, normalizePath } from "../../windows-model";
import { cleanup } from "./cleanup";
import { configure } from "./configure";
import { Clock, type RealDurations } from "./clock";
import { Script, type TsHost } from "./common";
import { ScriptError, runLoop, type Progress } from "./exec";
import { install } from "./install";
import { join } from "./join";
import { runJoinScript, runManualCommand } from "./join-script-run";
import { append } from "./append";
import { probe } from "./probe";
import { stage } from "./stage";

export type { RealDurations } from "./clock";

export interface TsBackendOptions {
  /** Longest real pause for one modelled wait (default 20 ms). */
  maxRealSleepMs?: number;
  /** Real time the named parts of a step take (benchmarks); they then ignore maxRealSleepMs. */
  realDurations?: RealDurations;
}

export function tsBackendFactory(options: TsBackendOptions = {}): BackendFactory {
  return async (scenario, initial) => new TsHostBackend(scenario, initial, options);
}

export const createTsBackend: BackendFactory = tsBackendFactory();

export class TsHostBackend implements HostBackend {
  readonly kind = "ts" as const;
  private readonly host: TsHost;
  private readonly disposed = new AbortController();
  private workMs = 0;

  constructor(scenario: Scenario, initial: HostState, options: TsBackendOptions = {}) {
    const clock = new Clock(options.maxRealSleepMs ?? 20, options.realDurations ?? {});
    this.host = { state: structuredClone(initial), scenario, record: emptyRecord(), clock };
  }

  exec(_commandLine: string, stdin: AsyncIterable<string>, io: StepIo): Promise<number> {
    const signal = AbortSignal.any([io.signal, this.disposed.signal]);
    const mode = this.host.state.languageMode ?? "FullLanguage";
    if (mode !== "FullLanguage") {
      // The loader's first lines: outside FullLanguage it says so and runs nothing.
      io.stdout(LANGUAGE_MODE_MARK + mode);
      return Promise.resolve(LANGUAGE_MODE_EXIT_CODE);
    }
    const { clock } = this.host;
    return runLoop(
      stdin,
      io,
      signal,
      () => clock.pause(clock.durations.processStartMs ?? 0, signal),
      (step, params, progress) => this.runStep(step, params, progress, signal),
      (ms) => (this.workMs += ms),
    );
  }

  /** Real time spent so far starting powershell.exe and running steps: the host's own share of an operation (benchmarks). */
  get hostWorkMs(): number {
    return this.workMs;
  }

  async runJoinScriptInteractively(path: string): Promise<InteractiveRun> {
    return runJoinScript(new Script(this.host, this.disposed.signal), path);
  }

  async rewriteFile(path: string, content: string): Promise<void> {
    const name = findName(this.host.state.files, normalizePath(path));
    if (name === undefined) throw new Error(`simulator: no file ${path} to rewrite`);
    this.host.state.files[name].content = content;
  }

  async openForWrite(path: string): Promise<string> {
    return createUploadedFile(this.host.state, path);
  }

  async runManualCommand(command: string): Promise<InteractiveRun> {
    return runManualCommand(new Script(this.host, this.disposed.signal), command);
  }

  async state(): Promise<HostState> {
    return structuredClone(this.host.state);
  }

  /** What the simulated programs saw (arguments, key hashes) and any moment a key was exposed. */
  async record(): Promise<SimRecord> {
    return structuredClone(this.host.record);
  }

  async dispose(): Promise<void> {
    this.disposed.abort();
  }

  private async runStep(step: StepName, rawParams: unknown, progress: Progress, signal: AbortSignal): Promise<StepTypes[StepName]["result"]> {
    const checked = checkParams(step, rawParams);
    if (!checked.ok) throw new ScriptError(`invalid parameters for step "${step}": ${checked.problems}`, "System.ArgumentException");
    const stepMs = this.host.clock.durations.stepMs?.[step];
    if (stepMs) await this.host.clock.pause(stepMs, signal);
    const script = new Script(this.host, signal, progress);
    switch (step) {
      case "probe":
        return probe(script, checked.params as StepTypes["probe"]["params"]);
      case "stage":
        return stage(script, checked.params as StepTypes["stage"]["params"]);
      case "append":
        return append(script, checked.params as StepTypes["append"]["params"]);
      case "install":
        return install(script, checked.params as StepTypes["install"]["params"]);
      case "join":
        return join(script, checked.params as StepTypes["join"]["params"]);
      case "configure":
        return configure(script, checked.params as StepTypes["configure"]["params"]);
      case "cleanup":
        return cleanup(script, checked.params as StepTypes["cleanup"]["params"]);
    }
  }
}
