/**
 * The benchmark's cases, run for each N: ours and the baseline against fresh farms of simulated
 * hosts in the same scenario, behind the same delay, with the same scripted host work.
 */
import type { NodeOutputs } from "../provider/node/types";
import type { Farm, FarmLauncher, FarmTarget, NodeCounts } from "./farm";
import type { HostTiming } from "./timing";
import type { Operation, Side, WorkloadResult, WorkloadSpec } from "./workload";

export interface BenchCase {
  label: string;
  operation: Operation;
  scenario: string;
  /** The state every create must end in; a run that ends elsewhere is an error, not a figure. */
  expectState?: "joined" | "pending-manual";
}

export const CASES: readonly BenchCase[] = [
  { label: "create (joined)", operation: "create", scenario: "already-installed-same-version", expectState: "joined" },
  { label: "create (pending-manual)", operation: "create", scenario: "daemon-unreachable", expectState: "pending-manual" },
  { label: "refresh", operation: "refresh", scenario: "already-installed-same-version" },
];

export interface SuiteConfig {
  nodeCounts: readonly number[];
  oneWayDelayMs: number;
  timing: HostTiming;
  launchFarm: FarmLauncher;
  runWorkload: (spec: WorkloadSpec) => Promise<WorkloadResult>;
  /** A bare SSH connection's time to ready through a farm's proxy (handshake.ts). */
  measureHandshake: (target: FarmTarget) => Promise<number>;
  /** The baseline runs only up to this N (one connection per command gets slow at a thousand nodes). */
  baselineMaxNodes?: number;
  cases?: readonly BenchCase[];
  log?: (line: string) => void;
}

export interface SideMeasurement {
  perNode: NodeCounts[];
  wallMs: number;
  sampledPeakRssBytes: number;
  processPeakRssBytes: number;
  cpuMs: number;
  /** CPU time of the process playing the hosts (their SSH servers, the delay proxies) during the run. */
  farmCpuMs: number;
}

export interface CaseResult {
  benchCase: BenchCase;
  nodes: number;
  ours: SideMeasurement;
  /** Absent above SuiteConfig.baselineMaxNodes. */
  baseline?: SideMeasurement;
  /** A bare connection's handshake through the same proxy, measured for this case. */
  handshakeMs: number;
  /**
   * Ours' floor: for each node, the handshake, one round trip per step and the host's own work (as
   * the host reported it for ours' run); the slowest node's.
   */
  floorMs: number;
}

/** The floor of a run from its per-node counts (see CaseResult.floorMs). */
export function floorOf(perNode: readonly NodeCounts[], handshakeMs: number, oneWayDelayMs: number): number {
  return Math.max(...perNode.map((node) => handshakeMs + node.roundTrips * 2 * oneWayDelayMs + node.hostWorkMs));
}

export async function runSuite(config: SuiteConfig): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const nodes of config.nodeCounts) {
    for (const benchCase of config.cases ?? CASES) {
      const started = Date.now();
      const result =
        benchCase.operation === "create" ? await measureCreate(config, benchCase, nodes) : await measureRefresh(config, benchCase, nodes);
      results.push(result);
      config.log?.(`${benchCase.label}, N=${nodes}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }
  return results;
}

/** Each side meets hosts in the scenario's initial state: a farm each. */
async function measureCreate(config: SuiteConfig, benchCase: BenchCase, nodes: number): Promise<CaseResult> {
  let handshakeMs = 0;
  const measure = (side: Side) =>
    withFarm(config, benchCase, nodes, async (farm) => {
      if (side === "ours") handshakeMs = await config.measureHandshake(farm.targets[0]);
      const measured = await measureSide(config, farm, { side, operation: "create", targets: farm.targets, timing: config.timing });
      expectStates(benchCase, side, measured.states);
      return measured.measurement;
    });
  const ours = await measure("ours");
  const baseline = withBaseline(config, nodes) ? await measure("baseline") : undefined;
  return { benchCase, nodes, ours, baseline, handshakeMs, floorMs: floorOf(ours.perNode, handshakeMs, config.oneWayDelayMs) };
}

function withBaseline(config: SuiteConfig, nodes: number): boolean {
  return nodes <= (config.baselineMaxNodes ?? Number.POSITIVE_INFINITY);
}

/** Refresh needs created nodes: ours creates them (not measured), then both sides refresh them. */
async function measureRefresh(config: SuiteConfig, benchCase: BenchCase, nodes: number): Promise<CaseResult> {
  return withFarm(config, benchCase, nodes, async (farm) => {
    const created = await config.runWorkload({ side: "ours", operation: "create", targets: farm.targets, timing: config.timing });
    const previous: NodeOutputs[] | undefined = created.outputs;
    if (!previous) throw new Error("the create before the refresh returned no outputs");
    const spec = { operation: "refresh" as const, targets: farm.targets, timing: config.timing };
    const handshakeMs = await config.measureHandshake(farm.targets[0]);
    const ours = (await measureSide(config, farm, { ...spec, side: "ours", previous })).measurement;
    const baseline = withBaseline(config, nodes) ? (await measureSide(config, farm, { ...spec, side: "baseline" })).measurement : undefined;
    return { benchCase, nodes, ours, baseline, handshakeMs, floorMs: floorOf(ours.perNode, handshakeMs, config.oneWayDelayMs) };
  });
}

async function measureSide(config: SuiteConfig, farm: Farm, spec: WorkloadSpec): Promise<{ measurement: SideMeasurement; states: string[] }> {
  await farm.resetCounts();
  const run = await config.runWorkload(spec);
  const perNode = await farm.countsPerNode();
  const farmCpuMs = await farm.cpuMs();
  return {
    measurement: {
      perNode,
      wallMs: run.wallMs,
      sampledPeakRssBytes: run.sampledPeakRssBytes,
      processPeakRssBytes: run.processPeakRssBytes,
      cpuMs: run.cpuMs,
      farmCpuMs,
    },
    states: run.states,
  };
}

async function withFarm<T>(config: SuiteConfig, benchCase: BenchCase, nodes: number, body: (farm: Farm) => Promise<T>): Promise<T> {
  const farm = await config.launchFarm({ scenario: benchCase.scenario, nodes, oneWayDelayMs: config.oneWayDelayMs, timing: config.timing });
  try {
    return await body(farm);
  } finally {
    await farm.stop();
  }
}

function expectStates(benchCase: BenchCase, side: Side, states: string[]): void {
  const wrong = states.filter((state) => state !== benchCase.expectState);
  if (wrong.length > 0) {
    throw new Error(`${side}, ${benchCase.label}: ${wrong.length} node(s) ended "${wrong[0]}", expected "${benchCase.expectState}"`);
  }
}
