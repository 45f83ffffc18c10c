/**
 * The provider configuration (spec/provider-config.ts) at work: its values checked with the rules
 * of the node properties they stand in for, and laid under a node's inputs so that the node's own
 * values win. A node's state keeps only its own settings; the configuration is laid under them
 * anew for every operation, so rotating a fleet's password changes no node and stores no copy of
 * it with each node.
 */
import { withoutUndefined } from "../common/objects";
import { failuresOf, type CheckFailure } from "./check";
import { credentialFailures } from "./relations";
import { fieldSchema } from "./schema";
import { withoutSecretValues } from "./secrets";
import { PROVIDER_CONFIG, type ConfigKey, type SharedConnectionField } from "./spec/provider-config";
import type { ConnectionInput, ControlServerInput, NodeInputs } from "./types";
import { isRecord } from "./unknown";

export type ProviderConfig = Partial<Pick<ConnectionInput, SharedConnectionField>> & { controlServer?: ControlServerInput };
export type ConfigKeyName = keyof typeof PROVIDER_CONFIG;
export const CONFIG_KEYS = Object.keys(PROVIDER_CONFIG) as ConfigKeyName[];

/** Keys the engine itself puts among every provider's configuration. */
const ENGINE_KEYS = new Set(["version", "pluginDownloadURL", "pluginChecksums", "parameterization"]);

export function isConfigKey(key: string): key is ConfigKeyName {
  return Object.prototype.hasOwnProperty.call(PROVIDER_CONFIG, key);
}

/**
 * Checks configuration values (secrets unwrapped). Values may arrive as text, as the engine passes
 * stack configuration to older providers: a number or an object (JSON) written as text is read as one.
 */
export function checkProviderConfig(raw: Record<string, unknown>): { config: ProviderConfig } | { failures: CheckFailure[] } {
  const config: Record<string, unknown> = {};
  const failures: CheckFailure[] = [];
  for (const [key, given] of Object.entries(raw)) {
    if (given === null || given === undefined || ENGINE_KEYS.has(key) || key.startsWith("__")) continue;
    if (!isConfigKey(key)) {
      failures.push({ property: key, reason: `is not a configuration key of mesh-windows. Known keys: ${CONFIG_KEYS.join(", ")}` });
      continue;
    }
    const spec = PROVIDER_CONFIG[key];
    const parsed = fieldSchema(spec.field, spec.path).safeParse(readAs(spec, given));
    if (parsed.success) config[key] = parsed.data;
    else failures.push(...failuresOf(parsed.error.issues, [key]));
  }
  // A fleet's control server must carry its credential: a node's own controlServer replaces it whole.
  if (isRecord(config.controlServer)) failures.push(...credentialFailures(config.controlServer));
  if (failures.length > 0) return { failures: withoutSecretValues(failures, raw) };
  return { config: withoutUndefined(config) as ProviderConfig };
}

function readAs(spec: ConfigKey, value: unknown): unknown {
  if (typeof value !== "string") return value;
  if ((spec.field.kind === "integer" || spec.field.kind === "number") && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  if (spec.field.kind === "object" && value.trim().startsWith("{")) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

/** A node's inputs with the configuration laid under them: the node's own connection fields and controlServer win. */
export function withProviderConfig(inputs: NodeInputs, config: ProviderConfig): NodeInputs {
  const { controlServer, ...shared } = config;
  const connection: unknown = inputs.connection;
  const merged = isRecord(connection) ? { ...shared, ...given(connection) } : connection;
  return withoutUndefined({ ...inputs, connection: merged as ConnectionInput, controlServer: inputs.controlServer ?? controlServer });
}

/**
 * `values` (checked inputs, or outputs) with only what the node itself declares of its connection
 * and controlServer: whatever the configuration (or a default) filled in is left out.
 */
export function withOwnSettings<T extends NodeInputs>(values: T, own: NodeInputs): T {
  const out: Record<string, unknown> = { ...(values as Record<string, unknown>) };
  const ownConnection: unknown = own.connection;
  if (isRecord(values.connection) && isRecord(ownConnection)) {
    const declared = new Set(Object.keys(given(ownConnection)));
    out.connection = Object.fromEntries(Object.entries(values.connection).filter(([key]) => declared.has(key)));
  }
  if (own.controlServer === undefined || own.controlServer === null) delete out.controlServer;
  return out as T;
}

/** The properties a node sets (an SDK sends null for what a program leaves unset). */
function given(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
}
