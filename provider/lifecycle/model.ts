/**
 * The node's inputs and outputs as plain values (no Pulumi types): what the lifecycle works on.
 * The Pulumi binding and the CLI both translate to and from these shapes.
 */
import type { Attempt, AttemptClass } from "../scripts/catalogue";

/** The same fields as @pulumi/command's remote.ConnectionArgs, plus an overall connect deadline. */
export interface ConnectionInput {
  host: string;
  /** Default 22. */
  port?: number;
  /** Default "Administrator". */
  user?: string;
  password?: string;
  privateKey?: string;
  privateKeyPassword?: string;
  agentSocketPath?: string;
  /** Dial attempts before giving up; -1 = until the connect deadline (the default). */
  dialErrorLimit?: number;
  /** Seconds per dial attempt (default 15). */
  perDialTimeout?: number;
  /** `SHA256:` fingerprint or an OpenSSH public-key line. Unset = the first key seen is recorded and enforced. */
  hostKey?: string;
  proxy?: ProxyInput;
  /** Seconds to keep trying to connect, across retries (default 300: a VM may still be booting). */
  connectDeadlineSeconds?: number;
}

export interface ProxyInput {
  host: string;
  port?: number;
  user?: string;
  password?: string;
  privateKey?: string;
  privateKeyPassword?: string;
  agentSocketPath?: string;
  dialErrorLimit?: number;
  perDialTimeout?: number;
  hostKey?: string;
}

export interface InstallInput {
  /** Default "msi". "none": Tailscale must already be installed. */
  method?: "msi" | "winget" | "none";
  /** e.g. "1.90.6"; unset = latest stable. */
  version?: string;
  /** An https URL of the MSI (e.g. an internal mirror); only with method "msi". */
  msiUrl?: string;
}

export interface ControlServerInput {
  kind: "headscale" | "tailscale";
  url?: string;
  apiKey: string;
  tailnet?: string;
  user?: string;
}

export interface NodeInputs {
  connection: ConnectionInput;
  /** Secret. Optional only when `controlServer` can mint one. */
  authKey?: string;
  /** Control server URL; unset = Tailscale's own. */
  loginServer?: string;
  hostname?: string;
  advertiseTags?: string[];
  /** Default true. */
  acceptRoutes?: boolean;
  advertiseRoutes?: string[];
  advertiseExitNode?: boolean;
  /** Default 3. */
  joinAttempts?: number;
  /** Default 5. */
  joinRetryDelaySeconds?: number;
  /** Per attempt, default 30. */
  joinTimeoutSeconds?: number;
  install?: InstallInput;
  /** Default C:\temp\join-mesh.ps1. */
  joinScriptPath?: string;
  controlServer?: ControlServerInput;
  /** What delete does besides removing the join script and key files. */
  onDelete?: { logout?: boolean; uninstall?: boolean; removeFromControlServer?: boolean };
  /** Per remote step, default 600 (installs can be slow). */
  stepTimeoutSeconds?: number;
  /** Set by the binding to the package version, so a new version reaches existing stacks. */
  providerVersion?: string;
}

export type NodeState = "joined" | "pending-manual";

export interface NodeOutputs extends NodeInputs {
  state: NodeState;
  /** Why the node is pending-manual ("" when joined). */
  pendingReason: AttemptClass | "";
  tailscaleIps: string[];
  nodeName: string;
  tailscaleVersion: string;
  /** SHA256 fingerprint of the host key seen (and enforced from then on). */
  hostKey: string;
  /** Secret: the script a person runs ("" when none is needed). */
  joinScript: string;
  joinScriptPath: string;
  /** The exact line a person runs in an elevated interactive session ("" when none is needed). */
  manualCommand: string;
  attempts: Attempt[];
  providerVersion: string;
  /**
   * What the last refresh found different from the declared state (e.g. "service-stopped",
   * "login-url-changed", "join-script-present"); non-empty makes the next `up` repair it.
   */
  drift?: string[];
}
