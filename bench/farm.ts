/**
 * N simulated Windows hosts (TypeScript back end), each behind its own delay proxy, all in one
 * scenario: the far side of the network for one benchmark case. Every host answers ours (the
 * provider's steps) and the baseline (the seed's commands) with the same scripted durations.
 * Connections and bytes are counted by the proxies, execs by the hosts: one instrument for both.
 */
import { scenarioByName, SimulatedWindowsHost } from "../simulator";
import { SeedCommandHost, type Target } from "./baseline";
import { DelayProxy } from "./delay-proxy";
import { realDurationsFor, type HostTiming } from "./timing";

export interface FarmSpec {
  scenario: string;
  nodes: number;
  oneWayDelayMs: number;
  timing: HostTiming;
}

export interface FarmTarget extends Target {
  /** The host key's SHA256 fingerprint (ours pins it, as production stacks do). */
  hostKey: string;
}

/** What one node cost on the wire since the last reset. */
export interface NodeCounts {
  connections: number;
  /** Execs the host ran: powershell.exe starts. */
  execs: number;
  /** Round trips after connecting: step frames for ours (one per step), execs for the baseline (one per command). */
  roundTrips: number;
  /** Real time the host spent on the work itself (process starts, steps or commands), as the host reports it. */
  hostWorkMs: number;
  bytesSent: number;
  bytesReceived: number;
}

/** A farm wherever it runs (this process, or a child process through farm-process.ts). */
export interface Farm {
  readonly targets: FarmTarget[];
  countsPerNode(): Promise<NodeCounts[]>;
  /** CPU time (user and system) of the process holding the farm since the last reset. */
  cpuMs(): Promise<number>;
  resetCounts(): Promise<void>;
  stop(): Promise<void>;
}

export type FarmLauncher = (spec: FarmSpec) => Promise<Farm>;

interface Node {
  host: SimulatedWindowsHost;
  proxy: DelayProxy;
  seedCommands: SeedCommandHost;
  /** The host's counters at the last reset (its own counters never reset). */
  atReset: { execs: number; steps: number; workMs: number };
}

const ZERO = { execs: 0, steps: 0, workMs: 0 };

function countersOf({ host, seedCommands }: Node): { execs: number; steps: number; workMs: number } {
  return { execs: host.stats.execs, steps: host.stats.steps, workMs: (host.hostWorkMs ?? 0) + seedCommands.workMs };
}

export class HostFarm implements Farm {
  private cpuAtReset = process.cpuUsage();

  private constructor(
    private readonly nodes: Node[],
    readonly targets: FarmTarget[],
  ) {}

  static async start(spec: FarmSpec): Promise<HostFarm> {
    const scenario = scenarioByName(spec.scenario);
    const nodes = await Promise.all(
      Array.from({ length: spec.nodes }, async (): Promise<Node> => {
        const seedCommands = new SeedCommandHost(scenario, spec.timing);
        const host = await SimulatedWindowsHost.start({
          scenario,
          realDurations: realDurationsFor(spec.timing),
          otherCommand: seedCommands.run,
        });
        const proxy = await DelayProxy.start(host.port, spec.oneWayDelayMs);
        return { host, proxy, seedCommands, atReset: ZERO };
      }),
    );
    const targets = nodes.map(({ host, proxy }, index) => ({
      host: "127.0.0.1",
      port: proxy.port,
      user: host.user,
      password: host.password,
      name: `bench-${String(index + 1).padStart(3, "0")}`,
      hostKey: host.hostKeyFingerprint,
    }));
    return new HostFarm(nodes, targets);
  }

  async countsPerNode(): Promise<NodeCounts[]> {
    return this.nodes.map((node) => {
      const now = countersOf(node);
      const execs = now.execs - node.atReset.execs;
      const steps = now.steps - node.atReset.steps;
      // A host that received no step frame ran the baseline's commands: one round trip each.
      return { ...node.proxy.wire, execs, roundTrips: steps > 0 ? steps : execs, hostWorkMs: now.workMs - node.atReset.workMs };
    });
  }

  async cpuMs(): Promise<number> {
    const cpu = process.cpuUsage(this.cpuAtReset);
    return (cpu.user + cpu.system) / 1000;
  }

  async resetCounts(): Promise<void> {
    this.cpuAtReset = process.cpuUsage();
    for (const node of this.nodes) {
      node.proxy.resetCounts();
      node.atReset = countersOf(node);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map(async ({ host, proxy }) => Promise.all([proxy.stop(), host.stop()])));
  }
}

export const startFarmHere: FarmLauncher = (spec) => HostFarm.start(spec);
