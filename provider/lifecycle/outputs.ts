/**
 * Assembling a node's outputs, and reading the inputs back from them. Pulumi rejects `undefined`
 * anywhere in outputs ("Unexpected struct type"), so every output object is built here and stripped
 * of undefined values. The outputs carry the inputs with their defaults applied, and which of them
 * were left unset (defaultedInputs), so that what the user gave can be told apart later.
 */
import { isDeepStrictEqual } from "node:util";
import { withoutUndefined } from "../common/objects";
import { DEFAULTS, withDefaults } from "../node";
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

/** The top-level inputs `raw` leaves unset that take a default (the outputs' defaultedInputs). */
export function unsetInputs(raw: NodeInputs): string[] {
  const given = raw as unknown as Record<string, unknown>;
  return Object.keys(withDefaults(raw)).filter((name) => given[name] === undefined);
}

/**
 * The inputs as the user gave them, from a node's outputs: those in defaultedInputs left out. State
 * written before that output does not say; there an input holding its default is taken as unset.
 */
export function givenInputs(outputs: NodeOutputs): NodeInputs {
  const all = outputs as unknown as Record<string, unknown>;
  const unset = outputs.defaultedInputs ?? Object.keys(DEFAULTS).filter((name) => isDeepStrictEqual(all[name], DEFAULTS[name]));
  return Object.fromEntries(Object.entries(all).filter(([name]) => !unset.includes(name))) as unknown as NodeInputs;
}
