/**
 * The TypeScript model of provider/scripts/restart-check.ps1, which the join and configure steps
 * share: Test-MeshRestart restarts the service once (tailscale#3186), waits for it and its pipe, and
 * compares the adapter's addresses (Wait-MeshTailscaleAddress: up to 10 s for any) with those before.
 */
import type { Script } from "./common";

export interface RestartCheck {
  verified: boolean;
  seen: string;
  addresses: string[];
}

/** `why` ends the progress line. */
export async function restartCheck(script: Script, before: readonly string[], waitSeconds: number, why: string): Promise<RestartCheck> {
  script.progress(`restarting the Tailscale service ${why}`);
  try {
    script.service("Restart-Service");
  } catch (error) {
    return { verified: false, seen: (error as Error).message, addresses: [] };
  }
  const problem = await script.waitDaemon(waitSeconds);
  if (problem) return { verified: false, seen: problem, addresses: [] };
  if (script.state.adapterIps.length === 0) await script.elapse(10);
  const after = [...script.state.adapterIps];
  const listed = (addresses: readonly string[]) => [...addresses].sort().join(", ");
  if (listed(after) !== listed(before)) {
    return { verified: false, seen: `after the restart the node's addresses are [${listed(after)}], not [${listed(before)}]`, addresses: after };
  }
  return { verified: true, seen: `the node came back with [${listed(after)}]`, addresses: after };
}
