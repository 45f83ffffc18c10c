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
  const failing = new Set(result.failures.map((f) => topLevelName(f.property)));
  const inputs = isRecord(news)
    ? Object.fromEntries(Object.entries(news).map(([key, value]) => [key, failing.has(key) ? REDACTED : maskedForDisplay(value, key)]))
    : {};
  return { inputs, failures: result.failures };
}

function topLevelName(property: string): string {
  return /^[^.[]*/.exec(property)![0];
}
