/**
 * Turning a command line into NodeInputs: the config file (NodeInputs without secrets), then the
 * flags over it, then the secrets from their sources, validated with the engine's own check.
 * Failures name the property and the flag (or variable) that sets it.
 */
import * as fs from "fs";
import * as path from "path";
import { withoutUndefined } from "../common/objects";
import { packageVersion } from "../common/version";
import { NODE_INPUTS, checkInputs, heldSecretPaths, walkFields, type CheckFailure, type NodeInputs } from "../node";
import { inputsFromFlags, sourceOf } from "./flags";
import { UsageError, type CliIo } from "./io";
import type { Secrets } from "./secrets";

/** Inputs as assembled before validation: any part may be missing or ill-typed. */
export type DraftInputs = Record<string, unknown>;

export function readConfigFile(file: string): DraftInputs {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(file), "utf8");
  } catch (error) {
    throw new UsageError(`--config ${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--config ${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(config)) throw new UsageError(`--config ${file}: must hold one JSON object with the node's inputs (see docs/inputs.md)`);
  // Secrets do not belong in a config file: it is easily committed or shared.
  const secrets = heldSecretPaths(config);
  if (secrets.length > 0) {
    throw new UsageError(
      `--config ${file}: holds secrets, which do not belong in a config file (it is easily committed or shared)`,
      secrets.map((property) => ({ property, reason: `remove it from the file; give it with ${sourceOf(property, true)}` })),
    );
  }
  return withoutNulls(config);
}

/** null means unset, as checkInputs reads it; dropping it here keeps the flags' merge simple. */
function withoutNulls(value: DraftInputs): DraftInputs {
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, isRecord(v) ? withoutNulls(v) : v]),
  );
}

/** The config file, with the flags over it. */
export function overlayFromCommandLine(flags: Record<string, unknown> & { config?: string }): DraftInputs {
  const config = flags.config === undefined ? {} : readConfigFile(flags.config);
  return merged(config, inputsFromFlags(flags));
}

/**
 * Adds the secrets where their property's object is given (the connection always is). A passphrase
 * is only used with a key (an exported MESH_SSH_KEY_PASSPHRASE must not break a password login). With
 * no way to log in at all, the ssh-agent of SSH_AUTH_SOCK is used, as ssh does.
 */
export function withSecrets(draft: DraftInputs, secrets: Secrets, io: CliIo): DraftInputs {
  const out: DraftInputs = structuredClone(withoutUndefined({ ...draft, connection: isRecord(draft.connection) ? draft.connection : {} }));
  for (const [property, value] of Object.entries(secrets)) {
    const parts = property.split(".");
    const parent = parentFor(out, parts.slice(0, -1));
    if (!parent) continue;
    const name = parts[parts.length - 1]!;
    if (name === "privateKeyPassword" && parent.privateKey === undefined) continue;
    parent[name] = value;
  }
  for (const hop of [out.connection, (out.connection as DraftInputs).proxy]) {
    if (!isRecord(hop)) continue;
    const agent = io.env.SSH_AUTH_SOCK;
    if (hop.password === undefined && hop.privateKey === undefined && hop.agentSocketPath === undefined && agent) hop.agentSocketPath = agent;
  }
  return out;
}

/** Objects a secret may create when absent: those that require nothing (install); not controlServer or a jump host. */
const CREATABLE = new Set([...walkFields(NODE_INPUTS)].filter(([, f]) => f.kind === "object" && !Object.values(f.type.fields).some((inner) => inner.required)).map(([path]) => path));

/** The object at `path` in the draft, created when missing and creatable; undefined otherwise. */
function parentFor(draft: DraftInputs, path: string[]): DraftInputs | undefined {
  let at: DraftInputs = draft;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    if (!isRecord(at[key])) {
      if (at[key] !== undefined || !CREATABLE.has(path.slice(0, i + 1).join("."))) return undefined;
      at[key] = {};
    }
    at = at[key] as DraftInputs;
  }
  return at;
}

/** The CLI records its version like the resource does, so the state file says what wrote it. */
export function withProviderVersion(draft: DraftInputs): DraftInputs {
  return { ...draft, providerVersion: packageVersion() };
}

/**
 * Validates with the engine's check. `notNeeded` lists properties this command does not use
 * (status needs no auth key): they may be missing, and their failures do not matter; everything
 * else is checked as for a deployment.
 */
export function validated(draft: DraftInputs, notNeeded: readonly string[] = []): NodeInputs {
  const result = checkInputs(draft, { notNeeded });
  if ("inputs" in result) return result.inputs;
  throw new UsageError("invalid input", result.failures.map(withSource));
}

function withSource(failure: CheckFailure): CheckFailure {
  const source = sourceOf(failure.property.replace(/\[\d+\]$/, ""));
  return { property: source ? `${failure.property} (${source})` : failure.property, reason: failure.reason };
}

// ---------------------------------------------------------------- plain-object helpers

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `over` on top of `base`: objects merge property by property, anything else (lists included)
 * replaces; an undefined value in `over` changes nothing.
 */
export function merged(base: DraftInputs, over: DraftInputs): DraftInputs {
  const out: DraftInputs = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isRecord(current) && isRecord(value) ? merged(current, value) : value;
  }
  return out;
}
