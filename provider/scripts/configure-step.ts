/**
 * The configure step's contract (part of the step catalogue, catalogue.ts, which re-exports it): a
 * joined node whose only changes are its own policies or the daemon's environment file gets them
 * without a new `tailscale up`, so no auth key is needed (a single-use one has been spent) and a
 * working node is left alone. Its effects on the host, which both simulator back ends follow:
 *
 * configure 1. takes <stateDir> over, as join does (step 1);
 *           2. writes the policy values as join does (step 2) and applies daemonEnv (step 2b),
 *              noting which policy values and whether the file changed;
 *           3. only when something changed: restarts the service once (the daemon reads both at
 *              start only), waits for it and its pipe (at most daemonWaitSeconds), and compares the
 *              adapter's addresses with those before, as join's restart check does (step 5).
 *           No key file, no join script, no `tailscale up`; the service's start type is not touched.
 */
import type { DaemonEnvChange, JoinParams } from "./catalogue";

export interface ConfigureParams {
  /** As for join: written before any restart; policyValues lists the provider's own policies. */
  policy: JoinParams["policy"];
  /** The daemon's environment; null: the file is not touched. */
  daemonEnv: DaemonEnvChange | null;
  /** How long to wait for the service and its pipe after the restart (DAEMON_WAIT_SECONDS). */
  daemonWaitSeconds: number;
  stateDir: string;
}

export interface ConfigureResult {
  outcome: "configured";
  /** What changed on the host: policy value names, and "daemon environment file". Empty: no restart. */
  changed: string[];
  /** The restart check after a change; null when nothing changed (the service was not restarted). */
  restart: { verified: boolean; seen: string } | null;
  /** The adapter's addresses (after the restart, when there was one). */
  tailscaleIps: string[];
}
