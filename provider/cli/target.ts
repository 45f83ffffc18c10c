/**
 * Which host a command is about, where its state file is, and what that file recorded. The host
 * comes from --host (or the config file), or from the record named by --state.
 */
import { INPUT_PROPERTIES, withDefaults } from "../node";
import type { NodeInputs, NodeOutputs } from "../node";
import { hostLabel } from "../lifecycle";
import { isRecord, type DraftInputs } from "./assemble";
import { UsageError, type CliIo } from "./io";
import { defaultStateFile, readRecord, type NodeRecord } from "./state";

export interface Target {
  host: string;
  port: number;
  /** As the engine labels the host in progress lines and errors ("win-01", "10.0.0.5:2222"). */
  label: string;
  stateFile: string;
  /** True when the file lives in the CLI's own state home (not a --state path). */
  ownHome: boolean;
  record?: NodeRecord;
}

/**
 * `portFromRecord`: without --port, take the port the record names (status, remove, join-script work
 * on what was recorded); provision instead means what it says, and an absent port means 22.
 */
export function locateTarget(draft: { connection?: unknown }, stateFlag: string | undefined, io: CliIo, portFromRecord: boolean): Target {
  const connection = isRecord(draft.connection) ? draft.connection : {};
  const givenHost = typeof connection.host === "string" ? connection.host : undefined;
  const givenPort = typeof connection.port === "number" ? connection.port : undefined;

  if (stateFlag !== undefined) {
    const record = readRecord(stateFlag);
    const recorded = record?.outputs.connection;
    const host = givenHost ?? recorded?.host;
    if (host === undefined) throw new UsageError(`--state ${stateFlag}: the file does not exist, so --host is needed`);
    const sameHost = recorded !== undefined && recorded.host.toLowerCase() === host.toLowerCase();
    const port = givenPort ?? (portFromRecord && sameHost ? recorded.port : undefined) ?? 22;
    if (recorded && (!sameHost || (recorded.port ?? 22) !== port)) {
      throw new UsageError(
        `--state ${stateFlag} records ${hostLabel({ host: recorded.host, port: recorded.port ?? 22 })}, not ${hostLabel({ host, port })}: give the state file of this host, or leave --state out`,
      );
    }
    return { host, port, label: hostLabel({ host, port }), stateFile: stateFlag, ownHome: false, record };
  }
  if (givenHost === undefined) throw new UsageError("--host is required (or connection.host in --config, or --state <file> of a host provisioned before)");
  const port = givenPort ?? 22;
  const stateFile = defaultStateFile(io, givenHost, port);
  return { host: givenHost, port, label: hostLabel({ host: givenHost, port }), stateFile, ownHome: true, record: readRecord(stateFile) };
}

/** The input part of what was recorded (outputs carry more; checkInputs refuses those). */
export function recordedInputs(record: NodeRecord): DraftInputs {
  const outputs = record.outputs as unknown as Record<string, unknown>;
  return Object.fromEntries(INPUT_PROPERTIES.filter((key) => outputs[key] !== undefined).map((key) => [key, outputs[key]]));
}

/** The recorded outputs as the engine takes them (the join script is never recorded). */
export function recordedOutputs(record: NodeRecord): NodeOutputs {
  // Nor are the control server's credentials: status and remove take this run's (currentOutputs), update the new inputs'.
  return { ...record.outputs, joinScript: "" } as NodeOutputs;
}

/** What status and remove work from: the record, with this run's inputs (and credentials) over it. */
export function currentOutputs(record: NodeRecord, inputs: NodeInputs): NodeOutputs {
  return { ...recordedOutputs(record), ...inputs };
}

/**
 * Outputs for a host with no record (the state file was lost): enough for `remove`, which cleans the
 * host from the inputs alone and trusts the host key on first use.
 */
export function unrecordedOutputs(inputs: NodeInputs): NodeOutputs {
  return {
    ...inputs,
    state: "pending-manual",
    pendingReason: "",
    tailscaleIps: [],
    nodeName: "",
    tailscaleVersion: "",
    hostKey: "",
    joinScript: "",
    joinScriptPath: withDefaults(inputs).joinScriptPath,
    manualCommand: "",
    attempts: [],
    providerVersion: inputs.providerVersion ?? "",
  };
}
