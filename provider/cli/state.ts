/**
 * The CLI's local state: one JSON file per host holding the last outputs of the node, without any
 * secret. It gives `status`, a second `provision` (update) and `remove` what Pulumi's state gives the
 * resource, and it pins the host key seen on first use: later runs refuse a host that presents
 * another key.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NODE_INPUTS, SECRET_OUTPUTS, heldSecretPaths, type ControlServerInput, type NodeOutputs } from "../node";
import { UsageError, type CliIo } from "./io";

export const STATE_HOME_ENV = "MESH_WINDOWS_NODE_HOME";
const FORMAT = 1;

export interface NodeRecord {
  format: typeof FORMAT;
  /** ISO time of the operation that produced these outputs. */
  savedAt: string;
  outputs: RecordedOutputs;
}

/** `$MESH_WINDOWS_NODE_HOME`, or ~/.config/mesh-windows-node. */
export function stateHome(io: CliIo): string {
  const home = io.env[STATE_HOME_ENV];
  if (home) return path.resolve(home);
  return path.join(io.env.HOME || os.homedir(), ".config", "mesh-windows-node");
}

/** One file per host and port (a different port can be a different machine behind NAT). */
export function defaultStateFile(io: CliIo, host: string, port: number): string {
  return path.join(stateHome(io), `${encodeURIComponent(host.toLowerCase())}_${port}.json`);
}

/**
 * The outputs as they may be kept on disk: no auth key, no join script, no SSH credentials (an
 * agent socket path is per login session, so it goes too), no control-server API key or OAuth client
 * secret. Each run supplies its own.
 */
export type RecordedOutputs = Omit<NodeOutputs, "authKey" | "joinScript" | "controlServer"> & {
  controlServer?: Omit<ControlServerInput, "apiKey" | "oauthClientSecret">;
};

/** Not secret, but valid for one login session only: each run supplies its own. */
const SESSION_ONLY = ["connection.agentSocketPath", "connection.proxy.agentSocketPath"];

export function withoutSecrets(outputs: NodeOutputs): RecordedOutputs {
  const copy = structuredClone(outputs) as unknown as Record<string, unknown>;
  for (const path of [...heldSecretPaths(outputs), ...SECRET_OUTPUT_ONLY, ...SESSION_ONLY]) deleteAt(copy, path.split("."));
  return copy as unknown as RecordedOutputs;
}

/** Outputs that are not inputs and hold a secret (the join script). */
const SECRET_OUTPUT_ONLY = SECRET_OUTPUTS.filter((name) => !(name in NODE_INPUTS));

function deleteAt(value: Record<string, unknown>, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) delete value[head];
  else if (typeof value[head] === "object" && value[head] !== null) deleteAt(value[head] as Record<string, unknown>, rest);
}

export function readRecord(file: string): NodeRecord | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new UsageError(`state file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let record: Partial<NodeRecord>;
  try {
    record = JSON.parse(text) as Partial<NodeRecord>;
  } catch {
    throw new UsageError(`state file ${file}: not valid JSON; fix it or remove it (the host key recorded in it is then trusted anew)`);
  }
  if (record.format !== FORMAT || typeof record.outputs !== "object" || record.outputs === null || typeof record.outputs.connection?.host !== "string") {
    throw new UsageError(`state file ${file}: not a mesh-windows-node state file (format ${FORMAT})`);
  }
  return record as NodeRecord;
}

/**
 * Writes the record atomically (a crash leaves the old file or the new one), mode 0600. The default
 * state home is ours alone and kept at 0700; a folder named with --state is created 0700 when missing.
 */
export function writeRecord(file: string, outputs: NodeOutputs, ownHome: boolean): NodeRecord {
  const record: NodeRecord = { format: FORMAT, savedAt: new Date().toISOString(), outputs: withoutSecrets(outputs) };
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (ownHome) fs.chmodSync(dir, 0o700);
  const temporary = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, JSON.stringify(record, null, 2) + "\n", { mode: 0o600 });
  fs.renameSync(temporary, file);
  return record;
}

export function deleteRecord(file: string): void {
  fs.rmSync(file, { force: true });
}
