/**
 * The engine's entry point: everything the Pulumi binding and the CLI call. The serialized provider
 * in every stack's state requires this one module by path, so it must keep its name and exports.
 */
export { checkForPulumi, checkInputs } from "../node";
export { diffNode } from "./diff";
export { createNode, updateNode } from "./provision";
export { readNode } from "./inspect";
export { deleteNode } from "./remove";
export { diagnoseHost } from "./host-checks";
export { adoptNode, type Adopted } from "./adopt";
export { joinScriptFor } from "./join-script";
export type { NodeDiff } from "./diff";
export { hostLabel } from "./operation";
export type { DriftKind } from "./inspect";
export { manualCommand } from "../scripts";
export type { AttemptClass, HostCheck } from "../scripts/catalogue";
