/**
 * Which inputs and outputs are secret, read off the declaration: the values every operation's
 * Redactor removes, the top-level outputs Pulumi must encrypt, and how a value that may be secret
 * is kept out of check failures (a secret may also sit under a misspelled property name).
 */
import { REDACTED, Redactor } from "../common/redact";
import { holdsSecret, walkFields } from "./declare";
import { NODE_INPUTS } from "./spec/inputs";
import { NODE_OUTPUTS } from "./spec/outputs";
import type { NodeInputs } from "./types";
import { isRecord, isUnknown } from "./unknown";

/** Dotted paths of the secret inputs, e.g. "connection.proxy.password". */
export const SECRET_INPUT_PATHS: readonly string[] = [...walkFields(NODE_INPUTS)].filter(([, f]) => f.secret).map(([path]) => path);

/**
 * Top-level outputs that hold a secret anywhere inside: Pulumi encrypts them in state and masks them
 * (additionalSecretOutputs works on top-level keys only, pulumi#3144).
 */
export const SECRET_OUTPUTS: readonly string[] = Object.entries({ ...NODE_INPUTS, ...NODE_OUTPUTS })
  .filter(([, field]) => holdsSecret(field))
  .map(([name]) => name);

/** Every secret value in the inputs, for the operation's Redactor. */
export function secretsOf(inputs: NodeInputs): string[] {
  const values = SECRET_INPUT_PATHS.map((path) => valueAt(inputs, path));
  const secrets = values.filter((s): s is string => typeof s === "string" && s !== "" && !isUnknown(s));
  return [...new Set(secrets)];
}

function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) current = isRecord(current) ? current[key] : undefined;
  return current;
}

/** Property names that hold secrets wherever they appear, and every name the inputs know. */
const SECRET_NAMES = new Set(SECRET_INPUT_PATHS.map((path) => path.slice(path.lastIndexOf(".") + 1)));
const KNOWN_NAMES = new Set([...walkFields(NODE_INPUTS)].map(([path]) => path.slice(path.lastIndexOf(".") + 1)));

/** A value under this name may be a secret: a secret property, or one we do not know (a typo of one). */
function maybeSecret(name: string): boolean {
  return SECRET_NAMES.has(name) || !KNOWN_NAMES.has(name);
}

/** Reasons never quote secret values; this also covers any value found under a misspelled name. */
export function withoutSecretValues<T extends { reason: string }>(failures: T[], raw: unknown): T[] {
  const redactor = new Redactor(secretLikeValues(raw));
  return failures.map((f) => ({ ...f, reason: redactor.text(f.reason) }));
}

function secretLikeValues(value: unknown, key = ""): string[] {
  if (typeof value === "string") return maybeSecret(key) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((item) => secretLikeValues(item, key));
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => secretLikeValues(v, k));
  return [];
}

/** A copy for display next to failures: secret and unknown properties replaced by a placeholder. */
export function maskedForDisplay(value: unknown, key = ""): unknown {
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskedForDisplay(v, k)]));
  if (key !== "" && maybeSecret(key)) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => maskedForDisplay(item, key));
  return value;
}
