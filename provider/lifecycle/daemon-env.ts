/**
 * The node's `daemon` input as lines of the daemon's environment file (tailscaled-env.txt, read at
 * service start): which keys the join step sets, which it removes because the last operation wrote
 * them and the inputs no longer do, and what a refresh calls drift. The file may hold lines of
 * someone else's: only the keys of this table are ever touched. Pure functions.
 */
import { createHash } from "node:crypto";
import type { DaemonInput, NodeInputs } from "../node/types";
import { DAEMON_ENV_FILE, type DaemonEnvChange } from "../scripts/catalogue";

/** The file's keys, from the input's fields; undefined: not written. */
const KEYS: readonly { name: string; valueOf: (daemon: DaemonInput) => string | undefined }[] = [
  { name: "HTTPS_PROXY", valueOf: (d) => d.httpsProxy },
  { name: "NO_PROXY", valueOf: (d) => (d.noProxy && d.noProxy.length > 0 ? d.noProxy.join(",") : undefined) },
  { name: "TS_NO_LOGS_NO_SUPPORT", valueOf: (d) => (d.noLogsNoSupport ? "true" : undefined) },
  { name: "PORT", valueOf: (d) => (d.port === undefined ? undefined : String(d.port)) },
];

function linesOf(daemon: DaemonInput | undefined): { name: string; value: string }[] {
  if (!daemon) return [];
  return KEYS.flatMap(({ name, valueOf }) => {
    const value = valueOf(daemon);
    return value === undefined ? [] : [{ name, value }];
  });
}

/** What the join step does to the file; null when the node neither sets nor ever set a key (the file is left alone). */
export function daemonEnvChange(inputs: Pick<NodeInputs, "daemon">, previous?: Pick<NodeInputs, "daemon">): DaemonEnvChange | null {
  const set = linesOf(inputs.daemon);
  const remove = linesOf(previous?.daemon)
    .map((line) => line.name)
    .filter((name) => !set.some((line) => line.name === name));
  if (set.length === 0 && remove.length === 0) return null;
  return { path: DAEMON_ENV_FILE, set, remove };
}

/** The keys the node sets whose line in the file is missing or holds another value (compared by the probe's hashes). */
export function daemonEnvDrift(inputs: Pick<NodeInputs, "daemon">, seen: Readonly<Record<string, string>>): string[] {
  return linesOf(inputs.daemon)
    .filter(({ name, value }) => seen[name] !== createHash("sha256").update(value, "utf8").digest("hex"))
    .map((line) => line.name);
}
