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
  /**
   * Lifetime in seconds of a key minted for this node (when authKey is not set); default 86400 (24 h).
   * The key is expired as soon as the node has joined, so the lifetime only matters for a manual
   * join: it is how long a person has to run the join script.
   */
  keyExpirySeconds?: number;
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

/** What the control server said about this host's node when a refresh asked it. */
export interface ControlNodeOutput {
  /** Whether the server lists a node for this host (false: it answered and has none). */
  exists: boolean;
  /** The server's id for the node ("" when it does not exist). */
  id: string;
  /** The node's name on the mesh (Headscale's given name, Tailscale's MagicDNS name). */
  name: string;
  /** Connected to the control server when it was asked. */
  online: boolean;
  /** RFC 3339; "" when the server does not say (Tailscale leaves it out while a device is connected). */
  lastSeen: string;
  ips: string[];
  tags: string[];
  /** When the server answered (RFC 3339). A refresh that could not ask it keeps this older answer and says so in `warnings`. */
  checkedAt: string;
}

/** The key the provider minted for a manual join. The key itself is only in `joinScript` (secret). */
export interface MintedKeyOutput {
  /** The control server's id for the key. */
  id: string;
  /** RFC 3339: the join script stops working then (the next `up` writes one with a fresh key). */
  expiresAt: string;
}

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
   * "login-url-changed", "join-script-present", "node-missing"); non-empty makes the next `up` repair it.
   */
  drift?: string[];
  /** Set by a refresh when `controlServer` is given: the node as the control server sees it. */
  controlNode?: ControlNodeOutput;
  /** Set while the node is pending-manual with a key the provider minted; the `up` that no longer needs it expires it. */
  mintedKey?: MintedKeyOutput;
  /**
   * What the last operation could not do but did not fail for (e.g. the control server did not answer
   * during a refresh, or the host was unreachable and the last known state was kept). Never holds a secret.
   */
  warnings?: string[];
}
