/**
 * Plain-object helpers every layer shares. Pulumi rejects `undefined` anywhere in outputs
 * ("Unexpected struct type") and JSON drops it, so values leave the engine without it.
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => withoutUndefined(v)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = withoutUndefined(v);
    return out as T;
  }
  return value;
}
