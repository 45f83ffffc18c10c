/**
 * The real time a Windows host spends on the work itself, scripted so that a benchmark of round
 * trips also pays it (scaled down from a real host: an MSI install takes ~25 s there, 2 s here).
 * Ours and the baseline are built from the same pieces, and in every case the baseline's total
 * comes to at most ours, so the difference left is the cost of connections and round trips.
 */
import type { RealDurations } from "../simulator";

export interface HostTiming {
  /**
   * Starting powershell.exe, paid alike by every exec of ours (one per operation) and of the baseline
   * (one per command). Windows PowerShell 5.1 takes a few hundred milliseconds to start: 600 ms on
   * Windows 10 build 16225 as measured by the PowerShell team (SteveL-MSFT in PowerShell/PowerShell#4239,
   * 2017), about 190 ms for `powershell.exe -command "&{12}"` on a fast Windows Server 2019 host
   * (PowerShell/PowerShell#12843, 2020). The default, 400 ms, sits between the two.
   */
  processStartMs: number;
  /** One small piece of work: a check (Get-Service, Test-Path, a registry read) or one change (a registry value, a file). */
  smallCommandMs: number;
  /** Restart-Service Tailscale. */
  serviceRestartMs: number;
  /** One installer run (msiexec or winget). */
  installMs: number;
  /** One `tailscale up` attempt that ends by itself. */
  upAttemptMs: number;
  /** The pause between two failed attempts. */
  retryDelayMs: number;
}

export const DEFAULT_TIMING: HostTiming = {
  processStartMs: 400,
  smallCommandMs: 8,
  serviceRestartMs: 200,
  installMs: 2000,
  upAttemptMs: 300,
  retryDelayMs: 200,
};

/** Every duration times `factor` (0: the network and protocol alone; 12.5: about a real host's). */
export function scaleTiming(timing: HostTiming, factor: number): HostTiming {
  const scale = (ms: number) => Math.round(ms * factor);
  return {
    processStartMs: scale(timing.processStartMs),
    smallCommandMs: scale(timing.smallCommandMs),
    serviceRestartMs: scale(timing.serviceRestartMs),
    installMs: scale(timing.installMs),
    upAttemptMs: scale(timing.upAttemptMs),
    retryDelayMs: scale(timing.retryDelayMs),
  };
}

/** The probe reads at least this many things the baseline reads one command each (version, service, policy, join script, key files, addresses). */
const PROBE_CHECKS = 6;
/** The join step's small work besides the restart: three policy values, then the node's name or the join script. */
const JOIN_SMALL_WORK = 4;

/** What the simulated host spends in ours: the same pieces, grouped by step, and one process start per operation. */
export function realDurationsFor(timing: HostTiming): RealDurations {
  return {
    processStartMs: timing.processStartMs,
    stepMs: {
      probe: PROBE_CHECKS * timing.smallCommandMs,
      install: 0,
      join: timing.serviceRestartMs + JOIN_SMALL_WORK * timing.smallCommandMs,
      cleanup: 0,
    },
    installMs: timing.installMs,
    upAttemptMs: timing.upAttemptMs,
    retryDelayMs: timing.retryDelayMs,
  };
}
