/**
 * MeshWindowsNode: a Windows host on a Tailscale/Headscale mesh, declared next to its VM. Its
 * arguments and outputs are generated from the node's declaration (args.ts); this file only wires
 * them to the dynamic provider.
 */
import * as pulumi from "@pulumi/pulumi";

import { packageVersion } from "../common/version";
import { SECRET_OUTPUTS } from "../node/secrets";
import { NODE_INPUTS } from "../node/spec/inputs";
import { NODE_OUTPUTS } from "../node/spec/outputs";
import { RESOURCE } from "../node/spec/resource";
import type { MeshWindowsNodeArgs, MeshWindowsNodeOutputs } from "./args";
import { MeshWindowsNodeProvider } from "./provider";

export type { ConnectionArgs, ControlServerArgs, InstallArgs, MeshWindowsNodeArgs, OnDeleteArgs, ProxyConnectionArgs } from "./args";
export { SECRET_OUTPUTS };

/**
 * The outputs are declared by merging MeshWindowsNodeOutputs into the class rather than as class
 * fields: an ES2022 field would be initialized to undefined after the base constructor had set it
 * to the engine's Output, and `node.state` would read undefined.
 */
export interface MeshWindowsNode extends MeshWindowsNodeOutputs {}

export class MeshWindowsNode extends pulumi.dynamic.Resource {
  constructor(name: string, args: MeshWindowsNodeArgs, opts?: pulumi.CustomResourceOptions) {
    // Every output is named among the properties (unset = undefined), so the resource exposes it.
    const outputs = Object.fromEntries([...Object.keys(NODE_INPUTS), ...Object.keys(NODE_OUTPUTS)].map((key) => [key, undefined]));
    super(
      new MeshWindowsNodeProvider(),
      name,
      { ...outputs, ...args, providerVersion: packageVersion() },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: [...SECRET_OUTPUTS] }),
      RESOURCE.module,
      RESOURCE.type,
    );
  }
}
