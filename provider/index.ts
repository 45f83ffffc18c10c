export { MeshWindowsNode, SECRET_OUTPUTS } from "./pulumi/resource";
export type { MeshWindowsNodeArgs, ConnectionArgs, ProxyConnectionArgs } from "./pulumi/resource";
export { MeshWindowsNodeProvider } from "./pulumi/provider";
export type { NodeInputs, NodeOutputs, NodeState } from "./lifecycle/model";
export { MeshError } from "./common/errors";
