/**
 * `make bench` / `npm run bench`: ours against its floor and against the one-connection-per-step
 * way, over a delayed loopback network, at several fleet sizes. Prints the table and writes it to
 * bench/results.md.
 *
 *   node build/bench/run.js [--delay-ms 25] [--nodes 1,10,50,100,1000] [--baseline-max-nodes 100]
 *                          [--host-work-scale 1] [--process-start-ms 400] [--upload-mb 30] [--upload-rounds 5]
 *                          [--out bench/results.md]
 *   (or BENCH_DELAY_MS, BENCH_NODES, BENCH_BASELINE_MAX_NODES, BENCH_HOST_WORK_SCALE, BENCH_PROCESS_START_MS,
 *    BENCH_UPLOAD_MB, BENCH_UPLOAD_ROUNDS, BENCH_OUT)
 *
 * --host-work-scale multiplies the scripted host work (timing.ts): 0 compares the network and
 * protocol alone. --process-start-ms is powershell.exe's start, paid by every exec of both sides.
 *
 * Three processes: this one (orchestration only), a farm process holding the simulated hosts and
 * their delay proxies, and a fresh provider process per measured run, whose peak RSS is reported.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { farmsInChildProcess } from "./farm-process";
import { bareHandshakeMs } from "./handshake";
import { checkTargets, markdownTable, scalingNote, targetLines, uploadCheck, uploadLines } from "./report";
import { handshakeInFreshProcess, runInFreshProcess } from "./runner-process";
import { CASES, runSuite, type CaseResult } from "./suite";
import { DEFAULT_TIMING, realDurationsFor, scaleTiming, type HostTiming } from "./timing";
import { measureUpload, type UploadMeasurement } from "./upload";

/** This file runs as build/bench/run.js. */
const REPO_ROOT = path.resolve(__dirname, "..", "..");

interface RunOptions {
  oneWayDelayMs: number;
  timing: HostTiming;
  nodeCounts: number[];
  baselineMaxNodes: number;
  uploadBytes: number;
  uploadRounds: number;
  outFile: string;
}

function options(): RunOptions {
  const { values } = parseArgs({
    options: {
      "delay-ms": { type: "string" },
      "host-work-scale": { type: "string" },
      "process-start-ms": { type: "string" },
      nodes: { type: "string" },
      "baseline-max-nodes": { type: "string" },
      "upload-mb": { type: "string" },
      "upload-rounds": { type: "string" },
      out: { type: "string" },
    },
  });
  const delay = Number(values["delay-ms"] ?? process.env.BENCH_DELAY_MS ?? 25);
  const hostWorkScale = Number(values["host-work-scale"] ?? process.env.BENCH_HOST_WORK_SCALE ?? 1);
  const processStartMs = Number(values["process-start-ms"] ?? process.env.BENCH_PROCESS_START_MS ?? DEFAULT_TIMING.processStartMs);
  const nodeCounts = (values.nodes ?? process.env.BENCH_NODES ?? "1,10,50,100,1000").split(",").map(Number);
  const baselineMaxNodes = Number(values["baseline-max-nodes"] ?? process.env.BENCH_BASELINE_MAX_NODES ?? 100);
  const uploadMb = Number(values["upload-mb"] ?? process.env.BENCH_UPLOAD_MB ?? 30);
  const uploadRounds = Number(values["upload-rounds"] ?? process.env.BENCH_UPLOAD_ROUNDS ?? 5);
  if (!Number.isFinite(delay) || delay < 0) throw new Error("--delay-ms must be a number of milliseconds, 0 or more");
  if (!Number.isFinite(hostWorkScale) || hostWorkScale < 0) throw new Error("--host-work-scale must be a factor, 0 or more");
  if (!Number.isFinite(processStartMs) || processStartMs < 0) throw new Error("--process-start-ms must be a number of milliseconds, 0 or more");
  if (nodeCounts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("--nodes must list positive integers, e.g. 1,10,50,100");
  if (!Number.isInteger(baselineMaxNodes) || baselineMaxNodes < 0) throw new Error("--baseline-max-nodes must be a whole number, 0 or more");
  if (!Number.isFinite(uploadMb) || uploadMb <= 0) throw new Error("--upload-mb must be a number of megabytes, more than 0");
  if (!Number.isInteger(uploadRounds) || uploadRounds < 1) throw new Error("--upload-rounds must be a whole number, 1 or more");
  return {
    oneWayDelayMs: delay,
    timing: { ...scaleTiming(DEFAULT_TIMING, hostWorkScale), processStartMs },
    nodeCounts,
    baselineMaxNodes,
    uploadBytes: Math.round(uploadMb * 1024 * 1024),
    uploadRounds,
    outFile: path.resolve(REPO_ROOT, values.out ?? process.env.BENCH_OUT ?? "bench/results.md"),
  };
}

/** How this run was started, for the results file. */
function invocation(): string {
  const direct = ["node", "build/bench/run.js", ...process.argv.slice(2)].join(" ");
  const env = Object.entries(process.env)
    .filter(([name]) => name.startsWith("BENCH_"))
    .map(([name, value]) => `${name}=${value} `)
    .join("");
  const via = process.env.MAKELEVEL ? "make bench, which ran " : process.env.npm_lifecycle_event === "bench" ? "npm run bench, which ran " : "";
  return `${via}\`${env}${direct}\``;
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown CPU"}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
}

function timingText(timing: HostTiming): string {
  const ours = realDurationsFor(timing);
  return [
    `install ${timing.installMs} ms, each \`tailscale up\` attempt ${timing.upAttemptMs} ms, ${timing.retryDelayMs} ms between attempts,`,
    `Restart-Service ${timing.serviceRestartMs} ms, each small command (a check, a registry value, a file) ${timing.smallCommandMs} ms,`,
    `starting powershell.exe ${timing.processStartMs} ms${timing.processStartMs === 0 ? " (not modelled)" : " (Windows PowerShell 5.1: 600 ms measured by the PowerShell team, PowerShell/PowerShell#4239; ~190 ms on a fast server, #12843)"},`,
    `paid once per operation by ours (one step loop) and once per command by the baseline.`,
    `Ours spends them as: probe step ${ours.stepMs?.probe} ms, join step ${ours.stepMs?.join} ms of its own work plus its attempts and delays,`,
    `install step ${(ours.stepMs?.install ?? 0) + (ours.installMs ?? 0)} ms.`,
  ].join(" ");
}

/** The cases and the upload figure, against farms in one child process. */
async function measureAll(run: RunOptions, log: (line: string) => void): Promise<{ results: CaseResult[]; upload: UploadMeasurement }> {
  const farms = farmsInChildProcess();
  try {
    const results = await runSuite({
      nodeCounts: run.nodeCounts,
      oneWayDelayMs: run.oneWayDelayMs,
      timing: run.timing,
      launchFarm: farms.launch,
      runWorkload: runInFreshProcess,
      measureHandshake: (target) => bareHandshakeMs(target, handshakeInFreshProcess),
      baselineMaxNodes: run.baselineMaxNodes,
      log,
    });
    const upload = await measureUpload({ launchFarm: farms.launch, oneWayDelayMs: run.oneWayDelayMs, timing: run.timing, sizeBytes: run.uploadBytes, rounds: run.uploadRounds, log });
    return { results, upload };
  } finally {
    await farms.close();
  }
}

async function main(): Promise<void> {
  const run = options();
  const { timing } = run;
  const startedAt = new Date();
  const loadAtStart = loadAverage();
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  log(`${CASES.length} cases x N = ${run.nodeCounts.join(", ")}, ${run.oneWayDelayMs} ms each way`);

  const { results, upload } = await measureAll(run, log);
  const elapsedS = (Date.now() - startedAt.getTime()) / 1000;
  const table = markdownTable(results);
  const targets = targetLines([...checkTargets(results), uploadCheck(upload)]);
  process.stdout.write(`\n${table}\n\nEach pair: ours / baseline (baseline ÷ ours).\n\nTargets:\n${targets}\n`);

  const document = [
    "# Benchmark: ours against its floor and against one connection per step",
    "",
    `Written by the benchmark on ${startedAt.toISOString()} by ${invocation()}, in ${elapsedS.toFixed(0)} s.`,
    "",
    `- Machine: ${machine()}; load average (1/5/15 min) ${loadAtStart} at the start, ${loadAverage()} at the end (other work shares the cores).`,
    `- Network: loopback through a delay proxy per host, ${run.oneWayDelayMs} ms each way (a TCP handshake costs one round trip).`,
    `- Host work, scripted on the simulated Windows hosts (TypeScript back end; SimulatedHostOptions.realDurations for ours,`,
    `  otherCommand for the baseline's commands), the same pieces on both sides: ${timingText(timing)}`,
    "- Cases: create (joined) = scenario already-installed-same-version; create (pending-manual) = daemon-unreachable (install, 3 failed attempts, join script);",
    "  refresh = read of nodes that ours created (the create is not measured).",
    "",
    `Each pair: ours / baseline (baseline ÷ ours); the baseline runs up to N = ${run.baselineMaxNodes}. Counts are per node; wall time is for all N nodes at once.`,
    "Floor: per node, a bare connection's handshake through the same proxy (measured in the same run: the median of three, each",
    "the first connection of a fresh process, as ours' is), one round trip per step,",
    "and the host's own work as the simulated host reported it for ours' run (process start and steps); the slowest node's.",
    "",
    table,
    "",
    "## Targets",
    "",
    targets,
    "",
    `## Upload of a ${(run.uploadBytes / 1024 ** 2).toFixed(0)} MB MSI`,
    "",
    `Ours (install.source "upload" with msiFile: obtainMsi hashing the file, then RemoteSession.upload on an open session) against a`,
    `plain ssh2 SFTP fastPut of the same file on an open connection, to one simulated host through the same delay proxy`,
    `(${run.oneWayDelayMs} ms each way); after one warm-up upload per side, not counted, the rounds alternate which side goes first.`,
    "",
    uploadLines(upload),
    "",
    `## At N = ${Math.max(...run.nodeCounts)}`,
    "",
    scalingNote(results, os.cpus().length),
    "",
    "## How it is measured",
    "",
    "- Ours: the engine's createNode / readNode (what the Pulumi provider and the CLI call), N at once.",
    "- Baseline: the seed's `mesh remote provision` sequence (and a chain of @pulumi/command remote.Command resources): every",
    "  command a new SSH connection and one exec against the same hosts, behind the same proxies (bench/baseline.ts lists them).",
    "  It checks before installing, stops retrying once joined, writes the join script only when every attempt failed;",
    "  its refresh reads what our probe reads, one command each. It turns Nagle off from the first byte and never waits",
    "  for a connection's close handshake; the host starts each of its commands at once (ours waits for its stdin payload).",
    "- Ours: one connection, one exec (one powershell.exe running the step loop), one frame on stdin per step; each script",
    "  part (the shared functions, a step's own text) is sent once per operation, gzipped.",
    "- Connections and bytes: counted by the delay proxies (TCP payload, SSH handshakes and encryption included);",
    "  round trips: step frames (ours) and execs (baseline) counted by the simulated hosts. One instrument for both sides.",
    "- Wall time: in the provider's process, from starting the N operations to the last one ending.",
    "- Peak RSS: the provider side runs in a fresh child process per measured run; the simulated hosts and proxies run in",
    "  another process, so the memory is the provider's own. Reported: the higher of process.memoryUsage.rss() sampled",
    "  every 10 ms and the kernel's high-water mark (getrusage maxRSS), start-up and the loaded engine included.",
    "",
  ].join("\n");
  fs.writeFileSync(run.outFile, document);
  log(`wrote ${path.relative(process.cwd(), run.outFile)} (${elapsedS.toFixed(0)} s in all)`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
