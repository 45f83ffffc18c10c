/**
 * What a refresh concludes about this host's node from the control server's node list, beyond
 * whether it is there: has its key expired, or will it soon (keyExpiryWarningDays); is expiry
 * disabled as disableKeyExpiry asks; do other nodes claim the host (duplicate registrations, a new
 * identity, or one identity shared by two machines). Pure. A finding the next `up` can repair is a
 * drift kind; one that needs a person is a warning that starts with its kind and names the dates and
 * node ids. Nothing here deletes or changes a node.
 */
import { findDuplicates, keyExpiryFinding, type ControlNode, type KeyExpiryFinding } from "../control";
import type { DriftKind } from "./inspect";

/** The longest a Windows NetBIOS computer name gets: a name this long may be a truncated host name. */
const NETBIOS_NAME_LENGTH = 15;

export interface NodeFindingsInput {
  nodes: readonly ControlNode[];
  /** This host's node as the refresh picked it; null when the server has none. */
  node: ControlNode | null;
  /** The Tailscale addresses found on the host. */
  ips: readonly string[];
  /** The `hostname` input, when set: the name the node reports. */
  hostname?: string;
  /** The computer name the probe reported (the NetBIOS name: upper case, at most 15 characters). */
  computerName: string;
  /** The node id the last operation recorded, if any. */
  recordedNodeId?: string;
  disableKeyExpiry: boolean;
  keyExpiryWarningDays: number;
  /** Whether the server can disable key expiry (Headscale before 0.29 cannot). */
  canDisableKeyExpiry: boolean;
  /** When the server answered. */
  now: Date;
}

export interface Findings {
  drift: DriftKind[];
  warnings: string[];
}

export function nodeFindings(input: NodeFindingsInput): Findings {
  const expiry = keyExpiryFindings(input);
  const identity = identityFindings(input);
  return { drift: [...expiry.drift, ...identity.drift], warnings: [...expiry.warnings, ...identity.warnings] };
}

function keyExpiryFindings(input: NodeFindingsInput): Findings {
  const { node, disableKeyExpiry } = input;
  if (!node) return { drift: [], warnings: [] };
  const finding = keyExpiryFinding(node, input.keyExpiryWarningDays * 86_400, input.now);
  const drift: DriftKind[] = [];
  const warnings: string[] = [];
  if (finding.status === "expired") {
    drift.push("key-expired");
    warnings.push(`key-expired: ${finding.message}; what to do: the next \`up\` joins the node again with a new key (minted, or a new authKey)${disableKeyExpiry ? " and disables its expiry" : ""}; or ${finding.hint}`);
  }
  if (finding.status === "expires-soon") {
    const fix = !disableKeyExpiry
      ? `set disableKeyExpiry and run \`up\`, or ${finding.hint}`
      : input.canDisableKeyExpiry
        ? "the next `up` disables its expiry (drift key-expiry-enabled)"
        : "re-authenticate the host with a new key before then (this server cannot disable key expiry: see the key-expiry-enabled warning)";
    warnings.push(`key-expires-soon: ${finding.message}; what to do: ${fix}`);
  }
  if (disableKeyExpiry && finding.status !== "disabled") {
    if (input.canDisableKeyExpiry) drift.push("key-expiry-enabled");
    else warnings.push(cannotDisable(node, finding));
  }
  return { drift, warnings };
}

function cannotDisable(node: ControlNode, finding: Exclude<KeyExpiryFinding, { status: "disabled" }>): string {
  return (
    `key-expiry-enabled: disableKeyExpiry is set, but this control server cannot disable a node's key expiry (Headscale before 0.29), and node ${node.name} (id ${node.id}) expires at ${finding.expiresAt}; ` +
    "what to do: upgrade the server to Headscale 0.29 or later (the next `up` then disables it), or re-authenticate the host with a pre-auth key before that date"
  );
}

function identityFindings(input: NodeFindingsInput): Findings {
  // Tailscale reports the configured hostname, else the machine's DNS host name, of which the
  // computer name is the upper-cased, truncated NetBIOS form: compare names only where they agree.
  const hostname = input.hostname || input.computerName;
  const nameIsExact = Boolean(input.hostname) || input.computerName.length < NETBIOS_NAME_LENGTH;
  const finding = findDuplicates(input.nodes, { hostname, ips: input.ips, recordedNodeId: input.recordedNodeId || undefined });
  switch (finding.status) {
    case "clear":
      return { drift: [], warnings: [] };
    case "duplicates":
      return { drift: [], warnings: [`duplicate-nodes: ${finding.message}; what to do: ${finding.hint}`] };
    case "replaced":
      return { drift: ["node-replaced"], warnings: [`node-replaced: ${finding.message}; what to do: ${finding.hint}`] };
    case "shared":
      return nameIsExact ? { drift: [], warnings: [`shared-identity: ${finding.message}; what to do: ${finding.hint}`] } : { drift: [], warnings: [] };
  }
}
