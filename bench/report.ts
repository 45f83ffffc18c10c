/**
 * Turning measurements into the table (ours / baseline / ratio per case, ours against its floor)
 * and the target checks. Every number comes from a CaseResult; nothing here is a figure of its own.
 */
import type { NodeCounts } from "./farm";
import type { CaseResult, SideMeasurement } from "./suite";
import type { UploadMeasurement } from "./upload";

const MB = 1024 * 1024;

/** The targets, as numbers the checks compare measurements with. */
export const TARGETS = {
  createConnections: 1,
  createRoundTrips: 3,
  refreshConnections: 1,
  refreshRoundTrips: 1,
  /** Create and refresh within this factor of their floor, at the smallest N. */
  floorFactor: 1.1,
  /** The largest N within this factor of the smallest N's wall time. */
  parallelSlowdown: 2,
  peakRssBytes: 300 * MB,
  /** An upload install's MSI (obtainMsi's hash, then RemoteSession.upload) within this factor of a plain SFTP upload. */
  uploadFactor: 1.2,
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
    "round trips / node",
    "powershell.exe starts / node",
    "KB sent / node",
    "KB received / node",
    "wall time (s)",
    "floor (s)",
    "ours ÷ floor",
    "ours ÷ baseline",
    "provider CPU (s)",
    "peak RSS (MB)",
  ];
  const rows = results.map((r) => [
    r.benchCase.label,
    String(r.nodes),
    compare(r, (s) => spread(s.perNode, (n) => n.connections), (s) => mean(s.perNode, (n) => n.connections)),
    compare(r, (s) => spread(s.perNode, (n) => n.roundTrips), (s) => mean(s.perNode, (n) => n.roundTrips)),
    compare(r, (s) => spread(s.perNode, (n) => n.execs), (s) => mean(s.perNode, (n) => n.execs)),
    compare(r, (s) => (mean(s.perNode, (n) => n.bytesSent) / 1024).toFixed(1), (s) => mean(s.perNode, (n) => n.bytesSent)),
    compare(r, (s) => (mean(s.perNode, (n) => n.bytesReceived) / 1024).toFixed(1), (s) => mean(s.perNode, (n) => n.bytesReceived)),
    compare(r, (s) => (s.wallMs / 1000).toFixed(2), (s) => s.wallMs),
    (r.floorMs / 1000).toFixed(2),
    `${(r.ours.wallMs / r.floorMs).toFixed(2)}x`,
    r.baseline ? `${(r.ours.wallMs / r.baseline.wallMs).toFixed(2)}x` : "-",
    compare(r, (s) => (s.cpuMs / 1000).toFixed(2), (s) => s.cpuMs),
    compare(r, (s) => (peakRss(s) / MB).toFixed(0), peakRss),
  ]);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** "ours / baseline (baseline ÷ ours ×)", or "ours / -" where the baseline did not run. */
function compare(result: CaseResult, show: (side: SideMeasurement) => string, value: (side: SideMeasurement) => number): string {
  if (!result.baseline) return `${show(result.ours)} / -`;
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

function structural(label: string, rs: readonly CaseResult[], connections: number, roundTrips: number, exact: boolean): TargetCheck {
  const worst = (pick: (n: NodeCounts) => number) => Math.max(...rs.flatMap((r) => r.ours.perNode.map(pick)));
  const seenConnections = worst((n) => n.connections);
  const seenRoundTrips = worst((n) => n.roundTrips);
  return {
    target: `${label}: ${connections} connection and ${exact ? "" : "at most "}${roundTrips} round trip${roundTrips > 1 ? "s" : ""} per node`,
    met: seenConnections === connections && (exact ? seenRoundTrips === roundTrips : seenRoundTrips <= roundTrips),
    measured: `worst node: ${seenConnections} connection(s), ${seenRoundTrips} round trip(s)`,
  };
}

export function checkTargets(results: readonly CaseResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const creates = results.filter((r) => r.benchCase.operation === "create");
  const refreshes = results.filter((r) => r.benchCase.operation === "refresh");
  if (creates.length > 0) checks.push(structural("create", creates, TARGETS.createConnections, TARGETS.createRoundTrips, false));
  if (refreshes.length > 0) checks.push(structural("refresh", refreshes, TARGETS.refreshConnections, TARGETS.refreshRoundTrips, true));

  const counts = [...new Set(results.map((r) => r.nodes))];
  const smallest = Math.min(...counts);
  const largest = Math.max(...counts);
  const atSmallest = results.filter((r) => r.nodes === smallest);
  checks.push({
    target: `create and refresh within ${TARGETS.floorFactor.toFixed(2)}x of their floor (N=${smallest})`,
    met: atSmallest.every((r) => r.ours.wallMs <= TARGETS.floorFactor * r.floorMs),
    measured: atSmallest
      .map((r) => `${r.benchCase.label}: ${(r.ours.wallMs / r.floorMs).toFixed(2)}x, ${((r.ours.wallMs - r.floorMs) / 1000).toFixed(2)} s above`)
      .join("; "),
  });
  const withBaseline = creates.filter((r) => r.baseline);
  if (withBaseline.length > 0) {
    const sent = (side: SideMeasurement) => mean(side.perNode, (n) => n.bytesSent);
    checks.push({
      target: "bytes sent per create at most the baseline's",
      met: withBaseline.every((r) => r.baseline && sent(r.ours) <= sent(r.baseline)),
      measured: withBaseline
        .filter((r) => r.nodes === smallest)
        .map((r) => `${r.benchCase.label}: ${(sent(r.ours) / 1024).toFixed(1)} KB vs ${r.baseline ? (sent(r.baseline) / 1024).toFixed(1) : "-"} KB`)
        .join("; "),
    });
  }
  if (largest > smallest) {
    const slowdowns = [...new Set(results.map((r) => r.benchCase))].map((benchCase) => {
      const at = (nodes: number) => results.find((r) => r.benchCase === benchCase && r.nodes === nodes);
      const factor = (at(largest)?.ours.wallMs ?? NaN) / (at(smallest)?.ours.wallMs ?? NaN);
      const cpuPerNode = (at(largest)?.ours.cpuMs ?? NaN) / largest;
      return { label: benchCase.label, factor, cpuPerNode };
    });
    checks.push({
      target: `${largest} nodes in parallel within ${TARGETS.parallelSlowdown}x the wall time of ${smallest}`,
      met: slowdowns.every((s) => s.factor <= TARGETS.parallelSlowdown),
      measured: slowdowns.map((s) => `${s.label}: ${s.factor.toFixed(2)}x, provider CPU ${s.cpuPerNode.toFixed(1)} ms per node`).join("; "),
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

export function uploadCheck(upload: UploadMeasurement): TargetCheck {
  return {
    target: `an upload of a ${(upload.sizeBytes / MB).toFixed(0)} MB MSI within ${TARGETS.uploadFactor.toFixed(1)}x of a plain SFTP upload of the same file`,
    met: upload.ratio <= TARGETS.uploadFactor,
    measured: `${upload.ratio.toFixed(2)}x: ours ${(upload.oursMedianMs / 1000).toFixed(2)} s, plain ${(upload.plainMedianMs / 1000).toFixed(2)} s (medians of ${upload.oursMs.length})`,
  };
}

/** The upload's rounds, one line each, for the results file. */
export function uploadLines(upload: UploadMeasurement): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  return upload.oursMs
    .map((ours, round) => `- round ${round + 1}: ours ${seconds(ours)} s (via ${upload.via}), plain SFTP ${seconds(upload.plainMs[round]!)} s`)
    .join("\n");
}

export function targetLines(checks: readonly TargetCheck[]): string {
  return checks.map((c) => `- ${c.met ? "MET" : "NOT MET"}: ${c.target} (${c.measured})`).join("\n");
}

/**
 * Where the time goes at the largest N, measured: the provider's CPU against the wall time. Both
 * ends of every SSH connection (the provider and the simulated hosts) share this machine's cores.
 */
export function scalingNote(results: readonly CaseResult[], cores: number): string {
  const largest = Math.max(...results.map((r) => r.nodes));
  return results
    .filter((r) => r.nodes === largest)
    .map((r) => {
      const cpu = r.ours.cpuMs / 1000;
      const wall = r.ours.wallMs / 1000;
      return (
        `- ${r.benchCase.label}, N=${largest}: ${wall.toFixed(2)} s against a floor of ${(r.floorMs / 1000).toFixed(2)} s; the provider's process used ` +
        `${cpu.toFixed(2)} s of CPU (${(r.ours.cpuMs / largest).toFixed(1)} ms per node, ${(cpu / wall).toFixed(2)} of a core on average); the one ` +
        `Node process playing the ${largest} hosts (their SSH servers and delay proxies) used ${(r.ours.farmCpuMs / 1000).toFixed(2)} s ` +
        `(${(r.ours.farmCpuMs / 1000 / wall).toFixed(2)} of a core), on the same ${cores} cores as other work.`
      );
    })
    .join("\n");
}
