/**
 * The join script for a node: built in one place, so the script provision writes to the host and
 * the one the CLI prints for a person are the same text.
 */
import { buildJoinScript } from "../scripts";
import { DEFAULT_STATE_DIR, FAILURE_RULES, type JoinParams } from "../scripts/catalogue";
import { type DefaultedInputs } from "../node";
import { upArgs } from "../scripts/up-args";
import type { NodeInputs } from "../node/types";
import { writtenPolicyValues } from "./policies";

/** `previous`: the inputs of the last operation, whose own policies are removed once unset. */
export function joinPolicy(inputs: DefaultedInputs, previous?: Partial<NodeInputs>): JoinParams["policy"] {
  return {
    loginUrl: inputs.loginServer ?? null,
    hostname: inputs.hostname ?? null,
    unattendedMode: "always",
    policyValues: writtenPolicyValues(inputs, previous),
  };
}

export function joinScriptFor(inputs: DefaultedInputs, authKey: string, previous?: Partial<NodeInputs>): string {
  return buildJoinScript({
    policy: joinPolicy(inputs, previous),
    upArgs: upArgs(inputs),
    authKey,
    timeoutSeconds: inputs.joinTimeoutSeconds,
    stateDir: DEFAULT_STATE_DIR,
    joinScriptPath: inputs.joinScriptPath,
    rules: FAILURE_RULES,
  });
}
