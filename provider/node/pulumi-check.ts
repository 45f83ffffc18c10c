/**
 * The dynamic provider's `check` result. On failure the engine prints each failing property's value
 * next to the reason (it looks up `inputs[failure.property]` in what check returned), and a bad value
 * may hold a secret (a password in a URL, a key under a misspelled name). So the inputs returned with
 * failures have every failing property, every secret and every property we do not know replaced by
 * a placeholder.
 */
import { REDACTED } from "../common/redact";
import { checkInputs, type CheckFailure } from "./check";
import { maskedForDisplay } from "./secrets";
import { isRecord } from "./unknown";

export function checkForPulumi(news: unknown): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const result = checkInputs(news);
  if ("inputs" in result) return { inputs: { ...result.inputs }, failures: [] };
  return { inputs: maskedForFailures(news, result.failures), failures: result.failures };
}

/** The inputs to return with failures: failing, secret and unknown properties replaced by a placeholder. */
export function maskedForFailures(news: unknown, failures: readonly CheckFailure[]): Record<string, unknown> {
  const failing = new Set(failures.map((f) => topLevelName(f.property)));
  return isRecord(news)
    ? Object.fromEntries(Object.entries(news).map(([key, value]) => [key, failing.has(key) ? REDACTED : maskedForDisplay(value, key)]))
    : {};
}

function topLevelName(property: string): string {
  return /^[^.[]*/.exec(property)![0];
}
