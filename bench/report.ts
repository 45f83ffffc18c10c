/**
 * Turning measurements into the table (ours / baseline / ratio per case) and the target checks.
 * Every number comes from a CaseResult; nothing here is a figure of its own.
 */
import type { NodeCounts } from "./farm";
import type { CaseResult, SideMeasurement } from "./suite";

const MB = 1024 * 1024;

/** The targets, as numbers the checks compare measurements with. */
export const TARGETS = {
  createConnections: 1,
  createRoundTrips: 3,
  refreshConnections: 1,
  refreshRoundTrips: 1,
  /** Create at least this much faster than the baseline (at 25 ms one way). */
  createSpeedup: 4,
  /** The largest N within this factor of N = 1's wall time. */
  parallelSlowdown: 2,
  peakRssBytes: 300 * MB,
};

export interface TargetCheck {
  target: string;
  met: boolean;
  measured: string;
}

export function markdownTable(results: readonly CaseResult[]): string {
  const header = [
    "case",
    "N",
    "connections / node",
    "round trips (execs) / node",
    "KB sent / node",
    "KB received / node",
    "wall time (s)",
    "peak RSS (MB)",
  ];
  const rows = results.map((r) => [
    r.benchCase.label,
    String(r.nodes),
    compare(r, (s) => spread(s.perNode, (n) => n.connections), (s) => mean(s.perNode, (n) => n.connections)),
    compare(r, (s) => spread(s.perNode, (n) => n.execs), (s) => mean(s.perNode, (n) => n.execs)),
    compare(r, (s) => (mean(s.perNode, (n) => n.bytesSent) / 1024).toFixed(1), (s) => mean(s.perNode, (n) => n.bytesSent)),
    compare(r, (s) => (mean(s.perNode, (n) => n.bytesReceived) / 1024).toFixed(1), (s) => mean(s.perNode, (n) => n.bytesReceived)),
    compare(r, (s) => (s.wallMs / 1000).toFixed(2), (s) => s.wallMs),
    compare(r, (s) => (peakRss(s) / MB).toFixed(0), peakRss),
  ]);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** "ours / baseline (baseline ÷ ours ×)" */
function compare(result: CaseResult, show: (side: SideMeasurement) => string, value: (side: SideMeasurement) => number): string {
  const ratio = value(result.baseline) / value(result.ours);
  return `${show(result.ours)} / ${show(result.baseline)} (${Number.isFinite(ratio) ? ratio.toFixed(1) : "-"}x)`;
}

/** "1" when every node had the same count, else "min-max". */
function spread(nodes: NodeCounts[], pick: (n: NodeCounts) => number): string {
  const values = nodes.map(pick);
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? String(low) : `${low}-${high}`;
}

function mean(nodes: NodeCounts[], pick: (n: NodeCounts) => number): number {
  return nodes.reduce((sum, n) => sum + pick(n), 0) / nodes.length;
}

/** The higher of the sampled peak and the kernel's high-water mark of the provider's process. */
export function peakRss(side: SideMeasurement): number {
  return Math.max(side.sampledPeakRssBytes, side.processPeakRssBytes);
}

export function checkTargets(results: readonly CaseResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const creates = results.filter((r) => r.benchCase.operation === "create");
  const refreshes = results.filter((r) => r.benchCase.operation === "refresh");
  const worst = (rs: readonly CaseResult[], pick: (n: NodeCounts) => number) => Math.max(...rs.flatMap((r) => r.ours.perNode.map(pick)));

  if (creates.length > 0) {
    const connections = worst(creates, (n) => n.connections);
    const roundTrips = worst(creates, (n) => n.execs);
    checks.push({
      target: `create: ${TARGETS.createConnections} connection and at most ${TARGETS.createRoundTrips} round trips per node`,
      met: connections === TARGETS.createConnections && roundTrips <= TARGETS.createRoundTrips,
      measured: `worst node: ${connections} connection(s), ${roundTrips} round trip(s)`,
    });
    const speedups = creates.map((r) => ({ r, speedup: r.baseline.wallMs / r.ours.wallMs }));
    const slowest = speedups.reduce((a, b) => (b.speedup < a.speedup ? b : a));
    checks.push({
      target: `create at least ${TARGETS.createSpeedup}x faster than the baseline`,
      met: slowest.speedup >= TARGETS.createSpeedup,
      measured: speedups.map(({ r, speedup }) => `${r.benchCase.label} N=${r.nodes}: ${speedup.toFixed(1)}x`).join("; "),
    });
  }
  if (refreshes.length > 0) {
    const connections = worst(refreshes, (n) => n.connections);
    const roundTrips = worst(refreshes, (n) => n.execs);
    checks.push({
      target: `refresh: ${TARGETS.refreshConnections} connection and ${TARGETS.refreshRoundTrips} round trip per node`,
      met: connections === TARGETS.refreshConnections && roundTrips === TARGETS.refreshRoundTrips,
      measured: `worst node: ${connections} connection(s), ${roundTrips} round trip(s)`,
    });
  }
  const counts = [...new Set(results.map((r) => r.nodes))];
  const smallest = Math.min(...counts);
  const largest = Math.max(...counts);
  if (largest > smallest) {
    const slowdowns = [...new Set(results.map((r) => r.benchCase))].map((benchCase) => {
      const wall = (nodes: number) => results.find((r) => r.benchCase === benchCase && r.nodes === nodes)?.ours.wallMs ?? NaN;
      return { label: benchCase.label, factor: wall(largest) / wall(smallest) };
    });
    checks.push({
      target: `${largest} nodes in parallel within ${TARGETS.parallelSlowdown}x the wall time of ${smallest}`,
      met: slowdowns.every((s) => s.factor <= TARGETS.parallelSlowdown),
      measured: slowdowns.map((s) => `${s.label}: ${s.factor.toFixed(2)}x`).join("; "),
    });
  }
  const peak = Math.max(...results.map((r) => peakRss(r.ours)));
  checks.push({
    target: `peak RSS of the provider's process under ${TARGETS.peakRssBytes / MB} MB`,
    met: peak < TARGETS.peakRssBytes,
    measured: `highest: ${(peak / MB).toFixed(0)} MB`,
  });
  return checks;
}

export function targetLines(checks: readonly TargetCheck[]): string {
  return checks.map((c) => `- ${c.met ? "MET" : "NOT MET"}: ${c.target} (${c.measured})`).join("\n");
}
