/**
 * CI smoke of the benchmark (bench/): the same code `make bench` runs, at N = 1 and 10 over a small
 * delay, all in this process. It asserts the structural targets only (connections and round trips
 * per node), never a timing: those belong to `make bench` on a quiet machine.
 */
import { startFarmHere } from "../../bench/farm";
import { bareHandshakeMs } from "../../bench/handshake";
import { checkTargets, markdownTable, scalingNote, TARGETS } from "../../bench/report";
import { CASES, runSuite, type CaseResult } from "../../bench/suite";
import type { HostTiming } from "../../bench/timing";
import { runWorkload } from "../../bench/workload";

/** Short host work: the smoke checks structure, not speed. */
const QUICK_TIMING: HostTiming = { processStartMs: 5, smallCommandMs: 1, serviceRestartMs: 5, installMs: 20, upAttemptMs: 5, retryDelayMs: 5 };

let results: CaseResult[];

beforeAll(async () => {
  results = await runSuite({
    nodeCounts: [1, 10],
    oneWayDelayMs: 2,
    timing: QUICK_TIMING,
    launchFarm: startFarmHere,
    runWorkload,
    measureHandshake: bareHandshakeMs,
  });
}, 30_000);

const forOperation = (operation: "create" | "refresh") => results.filter((r) => r.benchCase.operation === operation);

test("every case ran at every N, each node counted", () => {
  expect(results.map((r) => `${r.benchCase.label}@${r.nodes}`)).toEqual([1, 10].flatMap((n) => CASES.map((c) => `${c.label}@${n}`)));
  for (const r of results) {
    expect(r.ours.perNode).toHaveLength(r.nodes);
    expect(r.baseline?.perNode).toHaveLength(r.nodes);
  }
});

test("create: one connection, one powershell.exe and at most three round trips per node", () => {
  for (const r of forOperation("create")) {
    for (const node of r.ours.perNode) {
      expect(node.connections).toBe(TARGETS.createConnections);
      expect(node.execs).toBe(1);
      expect(node.roundTrips).toBeGreaterThanOrEqual(1);
      expect(node.roundTrips).toBeLessThanOrEqual(TARGETS.createRoundTrips);
    }
  }
});

test("the floor counts the handshake, a round trip per step and the host's reported work, and ours is not under it", () => {
  for (const r of results) {
    expect(r.handshakeMs).toBeGreaterThan(0);
    for (const node of r.ours.perNode) expect(node.hostWorkMs).toBeGreaterThan(0);
    expect(r.floorMs).toBeGreaterThan(r.handshakeMs);
    expect(r.ours.wallMs).toBeGreaterThanOrEqual(r.floorMs * 0.95);
  }
});

test("refresh: one connection and one round trip per node", () => {
  for (const r of forOperation("refresh")) {
    for (const node of r.ours.perNode) {
      expect(node.connections).toBe(TARGETS.refreshConnections);
      expect(node.roundTrips).toBe(TARGETS.refreshRoundTrips);
    }
  }
});

test("the baseline opens a connection per command, so more than ours", () => {
  for (const r of results) {
    for (const [index, node] of (r.baseline?.perNode ?? []).entries()) {
      expect(node.connections).toBe(node.execs);
      expect(node.roundTrips).toBe(node.execs);
      expect(node.connections).toBeGreaterThan(r.ours.perNode[index].connections);
    }
  }
});

test("the report renders every case and checks every target", () => {
  const table = markdownTable(results);
  for (const c of CASES) expect(table).toContain(`| ${c.label} | 10 |`);
  const note = scalingNote(results, 2);
  for (const c of CASES) expect(note).toContain(`- ${c.label}, N=10: `);
  expect(note).toMatch(/ms per node/);
  const checks = checkTargets(results);
  expect(checks.filter((c) => /connection/.test(c.target)).every((c) => c.met)).toBe(true);
});
