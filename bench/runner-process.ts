/**
 * The child process that plays the provider for one measured run: a fresh process per run, so the
 * peak memory it reports belongs to that run (the engine loaded, N operations at once) and to
 * nothing else: the simulated hosts live in the farm process.
 */
import { ChildWorker, serveRequests } from "./ipc";
import { runWorkload, type WorkloadResult, type WorkloadSpec } from "./workload";

export async function runInFreshProcess(spec: WorkloadSpec): Promise<WorkloadResult> {
  const worker = ChildWorker.start("runner-process");
  try {
    return await worker.call<WorkloadResult>("run", spec);
  } finally {
    await worker.stop();
  }
}

if (require.main === module) serveRequests({ run: (spec: WorkloadSpec) => runWorkload(spec) });
