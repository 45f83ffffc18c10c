/**
 * What a node reports besides its inputs, declared once: the state it ended in, what the host and
 * the control server said, and the join script for a person to run. The inputs reappear among the
 * outputs as declared in inputs.ts (with their output descriptions).
 */
import type { AttemptClass } from "../../scripts/catalogue";
import type { EnumType, Field, ObjectType } from "../declare";

/** Documentation of each failure class; keyed by the step catalogue's AttemptClass, so none is missed. */
const ATTEMPT_CLASS_DOCS: Record<AttemptClass, { description: string; name?: string }> = {
  joined: { description: "The node joined." },
  "daemon-unreachable": { description: "`tailscale up` could not reach the daemon (the case a person running the join script fixes)." },
  "in-use": { description: "The daemon belongs to another Windows user's session." },
  "auth-rejected": { description: "The control server rejected the auth key: a new key is needed." },
  timeout: { description: "The attempt timed out." },
  "service-not-running": { description: "The Tailscale service does not start." },
  other: { name: "Other", description: "Anything else." },
};

const ATTEMPT_CLASS: EnumType = {
  name: "AttemptClass",
  description: "The class of a join attempt's outcome.",
  values: Object.entries(ATTEMPT_CLASS_DOCS).map(([value, docs]) => ({ value, ...docs })),
  importFrom: "../scripts/catalogue",
};

export const NODE_STATE: EnumType = {
  name: "NodeState",
  description: "Whether the node is on the mesh.",
  values: [
    { value: "joined", description: "The node is on the mesh." },
    { value: "pending-manual", name: "PendingManual", description: "A person must run the join script once in an elevated interactive session." },
  ],
};

const PENDING_REASON: EnumType = {
  name: "PendingReason",
  description: "Why a node is pending-manual: the class of its last join attempt, or empty when joined.",
  values: [
    { value: "", name: "None", description: "Not pending." },
    ...Object.entries(ATTEMPT_CLASS_DOCS).map(([value, docs]) => (docs.name ? { value, name: docs.name } : { value })),
  ],
};

const ATTEMPT: ObjectType = {
  name: "Attempt",
  tsName: "Attempt",
  description: "One `tailscale up` attempt.",
  what: "a join attempt",
  importFrom: "../scripts/catalogue",
  fields: {
    number: { kind: "integer", required: true, description: "The attempt's number, from 1." },
    class: { kind: "enum", type: ATTEMPT_CLASS, required: true, what: "the attempt's class", description: "How the attempt's output was classified." },
    message: { kind: "string", required: true, description: "The CLI's output, trimmed and with every secret redacted." },
    seconds: { kind: "number", required: true, description: "How long the attempt took." },
  },
};

const CONTROL_NODE: ObjectType = {
  name: "ControlNode",
  tsName: "ControlNodeOutput",
  description: "What the control server said about this host's node when a refresh asked it.",
  what: "the node as the control server sees it",
  fields: {
    exists: { kind: "boolean", required: true, description: "Whether the server lists a node for this host (false: it answered and has none)." },
    id: { kind: "string", required: true, description: "The server's id for the node (empty when it does not exist)." },
    name: { kind: "string", required: true, description: "The node's name on the mesh (Headscale's given name, Tailscale's MagicDNS name)." },
    online: { kind: "boolean", required: true, description: "Connected to the control server when it was asked." },
    lastSeen: {
      kind: "string",
      required: true,
      description: "RFC 3339; empty when the server does not say (Tailscale leaves it out while a device is connected).",
    },
    ips: { kind: "list", required: true, item: { kind: "string", description: "" }, description: "The node's Tailscale addresses as the server records them." },
    tags: { kind: "list", required: true, item: { kind: "string", description: "" }, description: "The node's ACL tags as the server records them." },
    keyExpiry: {
      kind: "string",
      required: true,
      description:
        "When the node's key expires (RFC 3339); empty when it never does (expiry disabled for the node, as for tagged Tailscale devices, or none set). See `keyExpiryWarningDays` and `disableKeyExpiry`.",
    },
    checkedAt: {
      kind: "string",
      required: true,
      description: "When the server answered (RFC 3339). A refresh that could not ask it keeps this older answer and says so in `warnings`.",
    },
  },
};

const MINTED_KEY: ObjectType = {
  name: "MintedKey",
  tsName: "MintedKeyOutput",
  description: "The auth key the provider minted for a manual join (its id, not the key).",
  what: "the minted key",
  fields: {
    id: { kind: "string", required: true, description: "The control server's id for the key." },
    expiresAt: {
      kind: "string",
      required: true,
      description: "RFC 3339: the join script stops working then (the next `pulumi up` writes one with a fresh key).",
    },
  },
};

/** Outputs that are not inputs, in the order the engine and the docs list them. */
export const NODE_OUTPUTS: Record<string, Field> = {
  state: {
    kind: "enum",
    type: NODE_STATE,
    required: true,
   
    description: "`joined`, or `pending-manual` when a person must run the join script once in an interactive session.",
  },
  pendingReason: {
    kind: "enum",
    type: PENDING_REASON,
    required: true,
   
    description: "Why the node is pending-manual (the class of the last join attempt); empty when joined.",
  },
  tailscaleIps: {
    kind: "list",
    required: true,
   
    item: { kind: "string", description: "" },
    description: "The node's Tailscale addresses (100.64.0.0/10 and fd7a:115c:a1e0::/48).",
  },
  nodeName: { kind: "string", required: true, description: "The node's name as the mesh reports it." },
  nodeOwner: {
    kind: "string",
    description:
      "The Windows account the join ran as (DOMAIN\\user): the Tailscale daemon's profile belongs to it, and another account connecting to the daemon later (its tray app at a Remote Desktop logon, or a CLI call) switches the daemon away from this node (tailscale#12989). Unset while pending-manual or when the node joined outside this tool.",
  },
  tailscaleVersion: { kind: "string", required: true, description: "The Tailscale version installed on the host." },
  hostKey: { kind: "string", required: true, description: "SHA256 fingerprint of the host key seen, enforced on every later connection." },
  joinScript: {
    kind: "string",
    required: true,
    secret: true,
    description: "The script a person runs when the node is pending-manual (it holds the auth key); empty when none is needed.",
  },
  manualCommand: {
    kind: "string",
    required: true,
    description:
      "The exact line to run in an elevated interactive session (RDP or console) when the node is pending-manual; empty when none is needed.",
  },
  attempts: {
    kind: "list",
    required: true,
   
    item: { kind: "object", type: ATTEMPT, description: "" },
    description: "The join attempts of the last create or update, with their classified (and redacted) messages.",
  },
  routesNote: {
    kind: "string",
    description:
      "Why the subnet routes of other nodes are not accepted although `acceptRoutes` is true: the join turns them on only when no route the tailnet offers covers the SSH client's address or the host's own network, which accepting it would cut off. Empty when they are accepted or not asked for.",
  },
  drift: {
    kind: "list",
   
    item: { kind: "string", description: "" },
    description:
      "What the last refresh found different from the declared state (e.g. `service-stopped`, `login-url-changed`, `join-script-present`, `node-missing`, `key-expired`); non-empty makes the next `pulumi up` repair it. See docs/refresh.md.",
  },
  defaultedInputs: {
    kind: "list",
    item: { kind: "string", description: "" },
    description:
      "The top-level inputs left unset (e.g. `acceptRoutes`), whose values among these outputs are the defaults the provider applied. A refresh judges a system policy against an input only when it was given, as create and update do: an unset input lets the policy decide.",
  },
  controlNode: {
    kind: "object",
    type: CONTROL_NODE,
    description: "Set by a refresh when `controlServer` is given: the node as the control server sees it.",
  },
  mintedKey: {
    kind: "object",
    type: MINTED_KEY,
    description:
      "Set while the node is pending-manual with a key the provider minted (the key itself is only in `joinScript`); the `pulumi up` that no longer needs it expires it.",
  },
  warnings: {
    kind: "list",
   
    item: { kind: "string", description: "" },
    description:
      "What the last operation could not do but did not fail for (e.g. the control server did not answer during a refresh, or the host was unreachable and the last known state was kept), and what a refresh learned that needs a person: `key-expires-soon: ...` (with the date), `duplicate-nodes: ...`, `shared-identity: ...` (naming the node ids). Never holds a secret.",
  },
};
