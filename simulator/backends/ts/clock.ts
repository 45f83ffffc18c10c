/**
 * Time in the TypeScript back end is modelled, not spent: retry delays, installs and killed attempts
 * report their real durations, but the back end pauses at most `maxRealSleepMs` for each, so tests
 * stay fast. Benchmarks script real time instead (RealDurations): each step's own work, an installer
 * run, a `tailscale up` attempt and the pause between attempts then take exactly the time given.
 */
import type { StepName } from "../../../provider/scripts/catalogue";

/**
 * Scripted real durations, in milliseconds, for benchmarks: a real host spends time in each step,
 * and a benchmark of round trips must pay it too. Unset parts keep the modelled pause.
 */
export interface RealDurations {
  /** Starting powershell.exe, paid once per exec (once per operation with the step loop). */
  processStartMs?: number;
  /** A step's own work before it answers (starting programs, CIM and registry queries, a service restart). */
  stepMs?: Partial<Record<StepName, number>>;
  /** One installer run (msiexec or winget). */
  installMs?: number;
  /** One `tailscale up` run that ends by itself (one that hangs is still stopped at its deadline). */
  upAttemptMs?: number;
  /** The pause between two `tailscale up` attempts. */
  retryDelayMs?: number;
}

/** The channel closed: the process is gone, runs no `finally`, and prints nothing more. */
export class Killed extends Error {}

export class Clock {
  constructor(
    /** Longest real pause for one modelled wait. */
    private readonly maxRealSleepMs: number,
    readonly durations: RealDurations,
  ) {}

  /** Waits for a modelled `seconds`: the scripted real time when given, else at most maxRealSleepMs. */
  elapse(seconds: number, signal: AbortSignal, scriptedMs?: number): Promise<void> {
    return this.pause(scriptedMs ?? Math.min(seconds * 1000, this.maxRealSleepMs), signal);
  }

  /** Throws Killed when the signal aborts first (or already has). */
  async pause(ms: number, signal: AbortSignal): Promise<void> {
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
