/**
 * The child process that holds the simulated hosts and their delay proxies, one farm at a time,
 * so that their memory and CPU are not counted as the provider's.
 */
import { HostFarm, type Farm, type FarmLauncher, type FarmSpec, type FarmTarget, type NodeCounts } from "./farm";
import { ChildWorker, serveRequests } from "./ipc";

/** A launcher whose farms live in one child process (started here, stopped with `close`). */
export function farmsInChildProcess(): { launch: FarmLauncher; close: () => Promise<void> } {
  const worker = ChildWorker.start("farm-process");
  const launch: FarmLauncher = async (spec) => {
    const targets = await worker.call<FarmTarget[]>("start", spec);
    const farm: Farm = {
      targets,
      countsPerNode: () => worker.call<NodeCounts[]>("countsPerNode"),
      cpuMs: () => worker.call<number>("cpuMs"),
      resetCounts: () => worker.call<void>("resetCounts"),
      stop: () => worker.call<void>("stop"),
    };
    return farm;
  };
  return { launch, close: () => worker.stop() };
}

function serveFarms(): void {
  let farm: HostFarm | undefined;
  const current = (): HostFarm => {
    if (!farm) throw new Error("no farm is running");
    return farm;
  };
  serveRequests({
    start: async (spec: FarmSpec) => {
      await farm?.stop();
      farm = await HostFarm.start(spec);
      return farm.targets;
    },
    countsPerNode: () => current().countsPerNode(),
    cpuMs: () => current().cpuMs(),
    resetCounts: () => current().resetCounts(),
    stop: async () => {
      await farm?.stop();
      farm = undefined;
    },
  });
}

if (require.main === module) serveFarms();
