/**
 * Secrets on the wire. The plugin tells the engine it accepts secrets, so a secret value arrives
 * wrapped (`{<sig key>: <secret sig>, value}`) wherever it sits in the properties, and nothing the
 * plugin returns is marked secret unless the plugin wraps it. So every request is unwrapped before
 * validation, remembering where its secrets were, and every response wraps again: inputs where
 * they arrived secret and where the declaration says secret; outputs whole at the top level, for
 * every output the schema marks secret and every output whose input held a secret.
 */
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

import { SECRET_INPUT_PATHS, SECRET_OUTPUTS } from "../node";
import { isRecord } from "../node/unknown";

export type Properties = Record<string, unknown>;

export function secret(value: unknown): Properties {
  return { [specialSigKey]: specialSecretSig, value };
}

function isSecret(value: unknown): value is { value: unknown } {
  return isRecord(value) && value[specialSigKey] === specialSecretSig;
}

/** Properties in the clear, and the paths (`connection.password`, `advertiseTags[1]`) that arrived secret. */
export interface Revealed {
  value: Properties;
  secretPaths: string[];
}

export function reveal(properties: Properties): Revealed {
  const secretPaths: string[] = [];
  const value = revealAt(properties, "", secretPaths) as Properties;
  return { value, secretPaths };
}

function revealAt(value: unknown, at: string, found: string[]): unknown {
  if (isSecret(value)) {
    found.push(at);
    return revealAt(value.value, at, []);
  }
  if (Array.isArray(value)) return value.map((item, i) => revealAt(item, `${at}[${i}]`, found));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealAt(v, at ? `${at}.${k}` : k, found)]));
  return value;
}

/** Checked inputs for the engine: secret where they arrived secret and where the declaration says so. */
export function securedInputs(inputs: Properties, arrivedSecret: readonly string[]): Properties {
  return wrapAt(inputs, new Set([...SECRET_INPUT_PATHS, ...arrivedSecret]), "") as Properties;
}

function wrapAt(value: unknown, paths: ReadonlySet<string>, at: string): unknown {
  if (at && paths.has(at) && value !== undefined) return secret(value);
  if (Array.isArray(value)) return value.map((item, i) => wrapAt(item, paths, `${at}[${i}]`));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrapAt(v, paths, at ? `${at}.${k}` : k)]));
  return value;
}

/** Outputs for the engine: every top-level output that holds a secret, wrapped whole. */
export function securedOutputs(outputs: Properties, inputSecretPaths: readonly string[]): Properties {
  const secretKeys = new Set([...SECRET_OUTPUTS, ...inputSecretPaths.map((path) => /^[^.[]*/.exec(path)![0])]);
  return Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, secretKeys.has(key) ? secret(value) : value]));
}
