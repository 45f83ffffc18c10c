/**
 * The child process that plays the provider for one measured run: a fresh process per run, so the
 * peak memory it reports belongs to that run (the engine loaded, N operations at once) and to
 * nothing else: the simulated hosts live in the farm process. A bare handshake for the floor is
 * measured the same way, as the first connection of a fresh process.
 */
import type { FarmTarget } from "./farm";
import { connectOnce } from "./handshake";
import { ChildWorker, serveRequests } from "./ipc";
import { runWorkload, type WorkloadResult, type WorkloadSpec } from "./workload";

async function inFreshProcess<T>(method: string, arg: unknown): Promise<T> {
  const worker = ChildWorker.start("runner-process");
  try {
    return await worker.call<T>(method, arg);
  } finally {
    await worker.stop();
  }
}

export function runInFreshProcess(spec: WorkloadSpec): Promise<WorkloadResult> {
  return inFreshProcess("run", spec);
}

export function handshakeInFreshProcess(target: FarmTarget): Promise<number> {
  return inFreshProcess("handshake", target);
}

if (require.main === module) {
  serveRequests({ run: (spec: WorkloadSpec) => runWorkload(spec), handshake: (target: FarmTarget) => connectOnce(target) });
}
