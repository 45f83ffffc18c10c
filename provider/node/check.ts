/**
 * The provider's check: validates raw inputs against the declaration's schema and the rules between
 * properties, and turns every problem into one failure `{ property, reason }` that names what is
 * wrong and how to fix it. Reasons never quote an input's value: the engine and the CLI print them,
 * and a secret may sit in any misspelled property.
 */
import type { z } from "zod";
import { withoutUndefined } from "../common/objects";
import { relationFailures } from "./relations";
import { KNOWN_PROPERTIES, inputSchema } from "./schema";
import { withoutSecretValues } from "./secrets";
import { NODE_INPUTS } from "./spec/inputs";
import type { NodeInputs } from "./types";
import { isRecord } from "./unknown";

export interface CheckFailure {
  /** Property path, e.g. `connection.port` or `advertiseTags[1]`; "" for the inputs as a whole. */
  property: string;
  reason: string;
}

export type CheckResult = { inputs: NodeInputs } | { failures: CheckFailure[] };

/** The top-level input properties (outputs carry more; the diff compares only these). */
export const INPUT_PROPERTIES = Object.keys(NODE_INPUTS) as (keyof NodeInputs)[];

/** Where the dynamic provider keeps its serialized code among the inputs; not a property of ours. */
const DYNAMIC_PROVIDER_KEY = "__provider";

export interface CheckOptions {
  /**
   * Properties the caller does not use (the CLI's status needs no auth key): they may be missing, and
   * the rules between properties say nothing about them. Whatever is given is checked all the same.
   */
  notNeeded?: readonly string[];
}

/**
 * Validates raw inputs. Returns them as written (no defaults: see `withDefaults`), or every failure.
 * Values unknown during preview pass untouched, and count as given for the rules between properties.
 */
export function checkInputs(raw: unknown, options: CheckOptions = {}): CheckResult {
  const notNeeded = options.notNeeded ?? [];
  const candidate = prepared(raw);
  const parsed = inputSchema(notNeeded).safeParse(candidate);
  const relations = relationFailures(candidate).filter((f) => !notNeeded.includes(f.property));
  const failures = [...(parsed.success ? [] : failuresOf(parsed.error.issues)), ...relations];
  if (failures.length > 0) return { failures: withoutSecretValues(unique(failures), candidate) };
  // The schema's output type spells out the unknown sentinel; where it appears the engine is only previewing.
  return { inputs: withoutUndefined(parsed.data as unknown as NodeInputs) };
}

/**
 * Drops the dynamic provider's own key, and properties set to null (an SDK passes null for a value
 * the program left unset), so that both read as absent.
 */
function prepared(raw: unknown, top = true): unknown {
  if (Array.isArray(raw)) return raw.map((item) => prepared(item, false));
  if (!isRecord(raw)) return raw;
  const entries = Object.entries(raw).filter(([key, value]) => value !== null && !(top && key === DYNAMIC_PROVIDER_KEY));
  return Object.fromEntries(entries.map(([key, value]) => [key, prepared(value, false)]));
}

/** zod's issues as failures, their paths under `prefix`. */
export function failuresOf(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): CheckFailure[] {
  return issues.flatMap((issue): CheckFailure[] => {
    const path = [...prefix, ...issue.path];
    // Only the unknown sentinel makes unions; the last option is the real schema, whose failures are the useful ones.
    if (issue.code === "invalid_union" && issue.errors.length > 0) return failuresOf(issue.errors[issue.errors.length - 1]!, path);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ property: formatPath([...path, key]), reason: unknownPropertyReason(key, formatPath(path)) }));
    }
    return [{ property: formatPath(path), reason: issue.message }];
  });
}

function unknownPropertyReason(key: string, objectPath: string): string {
  const known = KNOWN_PROPERTIES.get(objectPath) ?? [];
  const suggestion = closest(key, known);
  return `is not a known property${suggestion ? `; did you mean "${suggestion}"?` : "."} Known properties${objectPath ? ` of ${objectPath}` : ""}: ${known.join(", ")}`;
}

/** A known name equal but for case, or within two edits (a typo). */
function closest(key: string, known: string[]): string | undefined {
  const sameCase = known.find((k) => k.toLowerCase() === key.toLowerCase());
  if (sameCase) return sameCase;
  const scored = known.map((k) => ({ k, distance: editDistance(key.toLowerCase(), k.toLowerCase()) }));
  scored.sort((a, b) => a.distance - b.distance);
  return scored[0] && scored[0].distance <= 2 ? scored[0].k : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), "");
}

function unique(failures: CheckFailure[]): CheckFailure[] {
  const seen = new Set<string>();
  return failures.filter((f) => {
    const id = `${f.property}\n${f.reason}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
