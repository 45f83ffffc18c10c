/**
 * MeshWindowsNode: a Windows host on a Tailscale/Headscale mesh, declared next to its VM.
 */
import * as pulumi from "@pulumi/pulumi";

import { packageVersion } from "../common/version";
import type { ControlNodeOutput, MintedKeyOutput } from "../lifecycle/model";
import type { Attempt } from "../scripts/catalogue";
import { MeshWindowsNodeProvider } from "./provider";

/** The same fields as @pulumi/command's remote.ConnectionArgs, so one object serves both packages. */
export interface ConnectionArgs {
  host: pulumi.Input<string>;
  port?: pulumi.Input<number>;
  user?: pulumi.Input<string>;
  password?: pulumi.Input<string>;
  privateKey?: pulumi.Input<string>;
  privateKeyPassword?: pulumi.Input<string>;
  agentSocketPath?: pulumi.Input<string>;
  dialErrorLimit?: pulumi.Input<number>;
  perDialTimeout?: pulumi.Input<number>;
  hostKey?: pulumi.Input<string>;
  proxy?: pulumi.Input<ProxyConnectionArgs>;
  /** Seconds to keep trying to connect across retries (default 300). */
  connectDeadlineSeconds?: pulumi.Input<number>;
}

export interface ProxyConnectionArgs {
  host: pulumi.Input<string>;
  port?: pulumi.Input<number>;
  user?: pulumi.Input<string>;
  password?: pulumi.Input<string>;
  privateKey?: pulumi.Input<string>;
  privateKeyPassword?: pulumi.Input<string>;
  agentSocketPath?: pulumi.Input<string>;
  dialErrorLimit?: pulumi.Input<number>;
  perDialTimeout?: pulumi.Input<number>;
  hostKey?: pulumi.Input<string>;
}

export interface MeshWindowsNodeArgs {
  connection: pulumi.Input<ConnectionArgs>;
  /** Pre-auth key (secret). Optional only with `controlServer`, which then mints one for this node. */
  authKey?: pulumi.Input<string>;
  /** Control server URL (e.g. your Headscale); unset = Tailscale's own. */
  loginServer?: pulumi.Input<string>;
  hostname?: pulumi.Input<string>;
  advertiseTags?: pulumi.Input<pulumi.Input<string>[]>;
  acceptRoutes?: pulumi.Input<boolean>;
  advertiseRoutes?: pulumi.Input<pulumi.Input<string>[]>;
  advertiseExitNode?: pulumi.Input<boolean>;
  joinAttempts?: pulumi.Input<number>;
  joinRetryDelaySeconds?: pulumi.Input<number>;
  joinTimeoutSeconds?: pulumi.Input<number>;
  install?: pulumi.Input<{
    method?: pulumi.Input<"msi" | "winget" | "none">;
    version?: pulumi.Input<string>;
    msiUrl?: pulumi.Input<string>;
  }>;
  joinScriptPath?: pulumi.Input<string>;
  controlServer?: pulumi.Input<{
    kind: pulumi.Input<"headscale" | "tailscale">;
    url?: pulumi.Input<string>;
    apiKey: pulumi.Input<string>;
    tailnet?: pulumi.Input<string>;
    user?: pulumi.Input<string>;
    /** Lifetime in seconds of a key minted for this node (default 86400); see docs/refresh.md. */
    keyExpirySeconds?: pulumi.Input<number>;
  }>;
  onDelete?: pulumi.Input<{
    logout?: pulumi.Input<boolean>;
    uninstall?: pulumi.Input<boolean>;
    removeFromControlServer?: pulumi.Input<boolean>;
  }>;
  stepTimeoutSeconds?: pulumi.Input<number>;
}

/** Outputs that hold secrets: Pulumi encrypts them in state and masks them in the CLI. */
export const SECRET_OUTPUTS = ["authKey", "connection", "controlServer", "joinScript"] as const;

export class MeshWindowsNode extends pulumi.dynamic.Resource {
  /** "joined" or "pending-manual". */
  public readonly state!: pulumi.Output<"joined" | "pending-manual">;
  public readonly pendingReason!: pulumi.Output<string>;
  public readonly tailscaleIps!: pulumi.Output<string[]>;
  public readonly nodeName!: pulumi.Output<string>;
  public readonly tailscaleVersion!: pulumi.Output<string>;
  /** SHA256 fingerprint of the host key seen, enforced on every later connection. */
  public readonly hostKey!: pulumi.Output<string>;
  /** Secret: the script a person runs in an interactive session when the node is pending-manual. */
  public readonly joinScript!: pulumi.Output<string>;
  public readonly joinScriptPath!: pulumi.Output<string>;
  /** The exact command to run (elevated, RDP or console) when the node is pending-manual. */
  public readonly manualCommand!: pulumi.Output<string>;
  public readonly attempts!: pulumi.Output<Attempt[]>;
  public readonly drift!: pulumi.Output<string[]>;
  /** What the control server said about the node at the last refresh (with `controlServer`). */
  public readonly controlNode!: pulumi.Output<ControlNodeOutput | undefined>;
  /** The key minted for a pending manual join (its id and expiry; the key is only in joinScript). */
  public readonly mintedKey!: pulumi.Output<MintedKeyOutput | undefined>;
  /** What the last operation could not do but did not fail for (e.g. the control server did not answer). */
  public readonly warnings!: pulumi.Output<string[]>;
  public readonly providerVersion!: pulumi.Output<string>;

  constructor(name: string, args: MeshWindowsNodeArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = {
      state: undefined,
      pendingReason: undefined,
      tailscaleIps: undefined,
      nodeName: undefined,
      tailscaleVersion: undefined,
      hostKey: undefined,
      joinScript: undefined,
      joinScriptPath: undefined,
      manualCommand: undefined,
      attempts: undefined,
      drift: undefined,
      controlNode: undefined,
      mintedKey: undefined,
      warnings: undefined,
    };
    super(
      new MeshWindowsNodeProvider(),
      name,
      { ...outputs, ...args, providerVersion: packageVersion() },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: [...SECRET_OUTPUTS] }),
      "pulumi-mesh-windows",
      "MeshWindowsNode",
    );
  }
}
