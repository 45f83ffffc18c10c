/**
 * The node's contract, declared once (spec/) and derived from there: the types (types.ts, generated),
 * the check, the defaults and the secret lists. The lifecycle, the Pulumi binding and the CLI take
 * everything about inputs and outputs from here.
 */
export { checkInputs, INPUT_PROPERTIES, type CheckFailure, type CheckResult } from "./check";
export { checkForPulumi, maskedForFailures } from "./pulumi-check";
export { DEFAULTS, defaultLoginServer, withDefaults } from "./defaults";
export { SECRET_INPUT_PATHS, SECRET_OUTPUTS, heldSecretPaths, secretPartsOf, secretsOf } from "./secrets";
export { PULUMI_UNKNOWN, isUnknown } from "./unknown";
export { routeProblem } from "./rules/network";
export { NODE_INPUTS } from "./spec/inputs";
export { LOGIN_FIELDS } from "./relations";
export { filled, walkFields, type CliBinding, type CliGroup, type Field, type SecretSources } from "./declare";
export type * from "./types";
