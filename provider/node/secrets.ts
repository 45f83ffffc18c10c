/**
 * Which inputs and outputs are secret, read off the declaration: the values every operation's
 * Redactor removes, the top-level outputs Pulumi must encrypt, and how a value that may be secret
 * is kept out of check failures (a secret may also sit under a misspelled property name).
 */
import { MIN_SECRET_LENGTH, REDACTED, Redactor } from "../common/redact";
import { holdsSecret, walkFields, type Field } from "./declare";
import { NODE_INPUTS } from "./spec/inputs";
import { NODE_OUTPUTS } from "./spec/outputs";
import type { NodeInputs } from "./types";
import { isRecord, isUnknown } from "./unknown";

const SECRET_FIELDS = [...walkFields(NODE_INPUTS)].filter(([, f]) => f.secret);

/** Dotted paths of the inputs that are (or may hold) secrets, e.g. "connection.proxy.password", "install.msiUrl". */
export const SECRET_INPUT_PATHS: readonly string[] = SECRET_FIELDS.map(([path]) => path);

/**
 * The parts of a value that are secret: all of it, or for a URL that may carry a token its query and
 * user-info (parts shorter than the Redactor can match carry no token worth the name).
 */
export function secretPartsOf(field: Field, value: unknown): string[] {
  if (typeof value !== "string" || value === "" || isUnknown(value)) return [];
  if (field.secret === true) return [value];
  if (field.secret !== "url-credentials") return [];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  const query = value.includes("?") ? value.slice(value.indexOf("?") + 1).split("#")[0]! : "";
  const userInfo = [decodeURIComponent(url.username), decodeURIComponent(url.password), url.username, url.password];
  return [query, ...userInfo].filter((part) => part.length >= MIN_SECRET_LENGTH);
}

/**
 * Top-level outputs that hold a secret anywhere inside: Pulumi encrypts them in state and masks them
 * (additionalSecretOutputs works on top-level keys only, pulumi#3144).
 */
export const SECRET_OUTPUTS: readonly string[] = Object.entries({ ...NODE_INPUTS, ...NODE_OUTPUTS })
  .filter(([, field]) => holdsSecret(field))
  .map(([name]) => name);

/** The paths of the inputs that hold a secret in these inputs (a URL without a token holds none). */
export function heldSecretPaths(inputs: unknown): string[] {
  return SECRET_FIELDS.filter(([path, field]) => secretPartsOf(field, valueAt(inputs, path)).length > 0).map(([path]) => path);
}

/** Every secret value in the inputs, for the operation's Redactor. */
export function secretsOf(inputs: NodeInputs): string[] {
  return [...new Set(SECRET_FIELDS.flatMap(([path, field]) => secretPartsOf(field, valueAt(inputs, path))))];
}

export function valueAt(value: unknown, path: string): unknown {
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
