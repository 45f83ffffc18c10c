/**
 * The package's public entry: the resource, its argument and output types, and the engine's error.
 */
export { MeshWindowsNode, SECRET_OUTPUTS } from "./pulumi/resource";
export type { ConnectionArgs, ControlServerArgs, InstallArgs, MeshWindowsNodeArgs, OnDeleteArgs, ProxyConnectionArgs } from "./pulumi/resource";
export { MeshWindowsNodeProvider } from "./pulumi/provider";
export type { NodeInputs, NodeOutputs, NodeState } from "./node/types";
export { MeshError } from "./common/errors";
