/**
 * Assembling a node's outputs. Pulumi rejects `undefined` anywhere in outputs ("Unexpected struct
 * type"), so every output object is built here and stripped of undefined values.
 */
import type { NodeInputs, NodeOutputs } from "./model";

export type StatusOutputs = Omit<NodeOutputs, keyof NodeInputs | "joinScriptPath" | "providerVersion">;

export function outputsOf(inputs: NodeInputs & { joinScriptPath: string }, status: StatusOutputs): NodeOutputs {
  return withoutUndefined({
    ...inputs,
    ...status,
    joinScriptPath: inputs.joinScriptPath,
    providerVersion: inputs.providerVersion ?? "",
  }) as NodeOutputs;
}

export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => withoutUndefined(v)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = withoutUndefined(v);
    return out as T;
  }
  return value;
}
