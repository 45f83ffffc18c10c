/**
 * Assembling a node's outputs. Pulumi rejects `undefined` anywhere in outputs ("Unexpected struct
 * type"), so every output object is built here and stripped of undefined values.
 */
import { withoutUndefined } from "../common/objects";
import type { NodeInputs, NodeOutputs } from "../node/types";

export type StatusOutputs = Omit<NodeOutputs, keyof NodeInputs | "joinScriptPath" | "providerVersion">;

export function outputsOf(inputs: NodeInputs & { joinScriptPath: string }, status: StatusOutputs): NodeOutputs {
  return withoutUndefined({
    ...inputs,
    ...status,
    joinScriptPath: inputs.joinScriptPath,
    providerVersion: inputs.providerVersion ?? "",
  }) as NodeOutputs;
}
