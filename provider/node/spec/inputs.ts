/**
 * The node's inputs, declared once: every property with its type, default, secrecy, description,
 * value rule and command-line flag. A new input is added here (and, when it does something, in the
 * code that uses it); types, schema.json, the check, the CLI and the docs follow from this table.
 */
import { DEFAULT_JOIN_SCRIPT_PATH } from "../../scripts/catalogue";
import type { EnumType, InputField, ObjectType } from "../declare";
import { routeProblem, urlRule } from "../rules/network";
import { hostnameProblem, tagProblem, versionProblem } from "../rules/tailscale";
import { printable, token } from "../rules/text";
import { joinScriptPathProblem } from "../rules/windows-path";
import { CONNECTION } from "./connection";
import { CONTROL_SERVER } from "./control-server";
import { INSTALL_PROXY } from "./install-proxy";
import { NODE_OPTIONS } from "./node-options";

export const INSTALL_METHOD: EnumType = {
  name: "InstallMethod",
  description: "How Tailscale is installed.",
  values: [
    { value: "msi", description: "Download the MSI from pkgs.tailscale.com (or `msiUrl`) and run msiexec." },
    { value: "winget", description: "winget install Tailscale.Tailscale (often missing or broken over SSH)." },
    { value: "none", description: "Do not install: Tailscale must already be installed." },
  ],
};

export const INSTALL: ObjectType = {
  name: "Install",
  tsName: "InstallInput",
  argsName: "InstallArgs",
  description: "How Tailscale is installed on the host.",
  what: "how Tailscale is installed: { method, version, msiUrl, sha256, proxy }",
  fields: {
    method: {
      kind: "enum",
      type: INSTALL_METHOD,
      default: "msi",
      what: "how Tailscale is installed (default {default}; none = already installed)",
      description: "`msi` (the default), `winget`, or `none` (Tailscale must already be installed).",
      cli: { flag: "--install-method <method>", help: "how Tailscale is installed (default {default})" },
    },
    version: {
      kind: "string",
      rule: versionProblem,
      description: "The Tailscale version, e.g. `1.90.6`; unset = latest stable.",
      docs: "`major.minor.patch`, e.g. `1.90.6`; unset = latest stable",
      cli: { flag: "--install-version <x.y.z>", help: "Tailscale version to install (default: latest stable)" },
    },
    msiUrl: {
      kind: "string",
      // A signed mirror URL carries a token in its query.
      secret: "url-credentials",
      onlyWhen: { sibling: "method", value: "msi" },
      rule: urlRule({ httpsOnly: true, allowQuery: true, what: "the MSI's location, e.g. an internal mirror" }),
      description: "An https URL of the MSI (e.g. an internal mirror); only with method `msi`. Its query (a signed URL's token) is kept secret.",
      docs: "an https URL (a query is allowed, e.g. a signed mirror URL, and is then redacted everywhere but on the host); no credentials, fragment, whitespace or quotes; only with method `msi`",
      cli: { flag: "--msi-url <url>", help: "https URL of the MSI, e.g. an internal mirror (one with a query, which may hold a token: set MESH_MSI_URL instead)" },
      secretSources: { label: "MSI URL with a token", env: "MESH_MSI_URL" },
    },
    sha256: {
      kind: "string",
      onlyWhen: { sibling: "method", value: "msi" },
      rule: (value) => (/^[0-9A-Fa-f]{64}$/.test(value) ? undefined : "must be the MSI's SHA-256: 64 hexadecimal digits, as Get-FileHash or sha256sum print it"),
      description: "The MSI's SHA-256 (64 hexadecimal digits). A downloaded package with any other hash is deleted unrun, and the install fails naming both hashes.",
      docs: "64 hexadecimal digits (either case); only with method `msi`",
      cli: { flag: "--install-sha256 <hex>", help: "the MSI's SHA-256: any other package is deleted unrun" },
    },
    proxy: {
      kind: "object",
      type: INSTALL_PROXY,
      onlyWhen: { sibling: "method", value: "msi" },
      description: "The web proxy the host downloads the MSI (and the package index) through; only with method `msi`.",
      docs: "only with method `msi`; `username` and `password` together or not at all",
    },
  },
};

const ON_DELETE: ObjectType = {
  name: "OnDelete",
  tsName: "OnDeleteInput",
  argsName: "OnDeleteArgs",
  description: "What delete does besides removing the join script and key files.",
  what: "what delete does: { logout, uninstall, removeFromControlServer }",
  fields: {
    // Delete removes only what holds secrets; disconnecting the machine must be asked for.
    logout: {
      kind: "boolean",
      default: false,
      what: "run `tailscale logout` on delete",
      description: "Run `tailscale logout` (best effort: it may fail over SSH for the same reason `up` does).",
      cli: { flag: "--logout", help: "also run `tailscale logout` on the host (it may fail over SSH like `up` does)" },
    },
    uninstall: {
      kind: "boolean",
      default: false,
      what: "uninstall Tailscale on delete",
      description: "Uninstall Tailscale from the host.",
      cli: { flag: "--uninstall", help: "also uninstall Tailscale" },
    },
    removeFromControlServer: {
      kind: "boolean",
      default: false,
      what: "remove the node from controlServer on delete",
      description: "Remove the node from the control server (needs `controlServer`).",
      docs: "`true` needs `controlServer`",
      cli: { flag: "--remove-from-control-server", help: "also remove the node from the control server" },
    },
  },
};

export const NODE_INPUTS: Record<string, InputField> = {
  connection: {
    kind: "object",
    type: CONNECTION,
    required: true,
    description: "How to reach the host over SSH: the same fields as @pulumi/command's `remote.ConnectionArgs`, plus an overall connect deadline.",
    output: { description: "The connection settings used (secret: they may hold a password or private key).", required: true },
  },
  authKey: {
    kind: "string",
    secret: true,
    rule: token("the pre-authorized auth key the node joins with"),
    description: "Pre-auth key. Optional only with `controlServer`, which then mints one for this node.",
    docs: "required unless `controlServer` is given; not empty, no whitespace or control characters (a trailing newline from reading a file is the usual cause)",
    secretSources: {
      label: "auth key",
      env: "MESH_AUTH_KEY",
      file: { flag: "--auth-key-file <path>", help: "file holding the auth key (or set MESH_AUTH_KEY)" },
      stdin: { flag: "--auth-key-stdin", help: "read the auth key from standard input" },
    },
    output: { description: "The pre-auth key used to join." },
  },
  loginServer: {
    kind: "string",
    rule: urlRule({ httpsOnly: false, allowQuery: false, what: "the control server's URL, e.g. https://headscale.example.com" }),
    description: "Control server URL (e.g. your Headscale); unset = Tailscale's own.",
    docs: "an http or https URL; no user name or password, no query, no fragment, no whitespace, no quotes. Unset with a Headscale `controlServer`: its `url`",
    cli: { flag: "--login-server <url>", help: "control server URL, e.g. your Headscale (default: Tailscale's own)" },
    output: { description: "Control server URL; unset = Tailscale's own." },
  },
  hostname: {
    kind: "string",
    rule: hostnameProblem,
    description: "The node's name on the mesh (`tailscale up --hostname`).",
    docs: "a single DNS label: 1-63 letters, digits or hyphens, not starting or ending with a hyphen, no dots. Tailscale lowercases it",
    cli: { flag: "--hostname <name>", help: "the node's name on the mesh (one DNS label)" },
    output: { description: "The node's name on the mesh, as declared." },
  },
  advertiseTags: {
    kind: "list",
    item: { kind: "string", rule: tagProblem, description: "" },
    what: 'ACL tags such as ["tag:server"]',
    description: "ACL tags to advertise (`tailscale up --advertise-tags`), e.g. `tag:windows`.",
    docs: "each `tag:` followed by a letter and then letters, digits or hyphens (Tailscale's `tailcfg.CheckTag`); no duplicates",
    cli: { flag: "--tag <tag>", source: "repeat", help: "advertise an ACL tag, e.g. tag:server (repeatable)" },
    output: { description: "ACL tags advertised." },
  },
  acceptRoutes: {
    kind: "boolean",
    default: true,
    what: "accept subnet routes advertised by other nodes (default {default})",
    description: "Accept subnet routes advertised by other nodes, unless one covers the SSH client or the host's own network (the join then leaves them off and says why in `routesNote`). Default {default}.",
    cli: { flag: "--no-accept-routes", help: "do not accept routes advertised by other nodes" },
    output: { description: "Whether subnet routes of other nodes are accepted." },
  },
  advertiseRoutes: {
    kind: "list",
    item: { kind: "string", rule: routeProblem, description: "" },
    what: 'CIDR prefixes such as ["192.168.10.0/24"]',
    description: "Subnets (CIDR) this node routes for the mesh.",
    docs: "IPv4 or IPv6 CIDR prefixes with every host bit zero (the reason gives the normalized form, e.g. `10.0.0.0/24` for `10.0.0.5/24`). Rejected: a missing prefix length, leading zeros, IPv6 zones, default routes (use `advertiseExitNode`), duplicates (the same prefix spelled twice included)",
    cli: { flag: "--route <cidr>", source: "repeat", help: "advertise a subnet route, e.g. 192.168.10.0/24 (repeatable)" },
    output: { description: "Subnets this node routes for the mesh." },
  },
  advertiseExitNode: {
    kind: "boolean",
    default: false,
    what: "offer this node as an exit node",
    description: "Offer this node as an exit node.",
    cli: { flag: "--advertise-exit-node", help: "offer this node as an exit node" },
    output: { description: "Whether this node is offered as an exit node." },
  },
  ...NODE_OPTIONS,
  joinAttempts: {
    kind: "integer",
    default: 3,
    range: { min: 1, max: 20, what: "`tailscale up` attempts over SSH before falling back to the manual join script (default {default})" },
    description: "Attempts of `tailscale up` over SSH before the node is left pending-manual. Default {default}.",
    cli: { flag: "--attempts <n>", help: "`tailscale up` attempts over SSH before the manual fallback (default {default})" },
    output: { description: "Attempts of `tailscale up` over SSH before pending-manual." },
  },
  joinRetryDelaySeconds: {
    kind: "number",
    default: 5,
    range: { min: 0, max: 300, what: "seconds between join attempts (default {default})" },
    description: "Seconds between join attempts. Default {default}.",
    cli: { flag: "--retry-delay <seconds>", help: "seconds between attempts (default {default})" },
    output: { description: "Seconds between join attempts." },
  },
  joinTimeoutSeconds: {
    kind: "number",
    default: 30,
    range: { min: 5, max: 600, what: "seconds per `tailscale up` attempt (default {default})" },
    description: "Seconds allowed per join attempt. Default {default}.",
    cli: { flag: "--join-timeout <seconds>", help: "seconds per attempt (default {default})" },
    output: { description: "Seconds allowed per join attempt." },
  },
  verifyRestart: {
    kind: "boolean",
    default: true,
    what: "restart the Tailscale service once after a join and check the node comes back (default {default})",
    description:
      "After a successful join, restart the Tailscale service once and check the node comes back Running with the same addresses (nodes have been seen logged out after a restart, tailscale#3186); when it does not, the node gets a warning and the drift `lost-after-restart`, which the next `up` repairs. Default {default}.",
    cli: { flag: "--no-verify-restart", help: "do not restart the Tailscale service after the join to check the node survives it" },
    output: { description: "Whether a join is followed by a service restart that checks the node survives it." },
  },
  install: {
    kind: "object",
    type: INSTALL,
    description: "How Tailscale is installed when missing or at another version.",
    output: { description: "How Tailscale is installed." },
  },
  joinScriptPath: {
    kind: "string",
    default: DEFAULT_JOIN_SCRIPT_PATH,
    rule: joinScriptPathProblem,
    description: "Where the join script is written when the node ends pending-manual. Default `{default}`.",
    docs: "see [joinScriptPath](#joinscriptpath) below",
    cli: { flag: "--join-script-path <path>", help: "where the join script is written on the host (default {default})" },
    output: { description: "Where the join script is (or would be) written on the host.", required: true },
  },
  controlServer: {
    kind: "object",
    type: CONTROL_SERVER,
    description: "A control-server API (Headscale or Tailscale) used to mint an auth key, look the node up on refresh and remove it on delete.",
    output: { description: "The control-server API settings (secret: they hold the API key)." },
  },
  disableKeyExpiry: {
    kind: "boolean",
    default: false,
    what: "ask the control server to disable key expiry for this node",
    description:
      "Ask the control server to disable key expiry for this node (needs `controlServer`; Tailscale, or Headscale 0.29 and later), so that its key never expires and drops it off the mesh. Create and update apply it; a refresh reports `key-expiry-enabled` when it is not in effect, and the next `pulumi up` applies it again. Default {default}.",
    docs: "`true` needs `controlServer`; on Headscale before 0.29 it cannot be applied and is reported as a warning",
    cli: { flag: "--disable-key-expiry", help: "ask the control server to disable key expiry for this node" },
    output: { description: "Whether the control server is asked to disable key expiry for this node." },
  },
  keyExpiryWarningDays: {
    kind: "integer",
    default: 14,
    range: { min: 0, max: 365, what: "days before the node's key expires that a refresh warns (default {default}; 0: only once it has expired)" },
    description:
      "How many days ahead a refresh warns (`key-expires-soon`, with the date) that the node's key expires; an expired key is drift (`key-expired`). Needs `controlServer`, which says when the key expires. Default {default}.",
    docs: "used only with `controlServer` (without one there is nothing to warn about)",
    cli: { flag: "--key-expiry-warning-days <days>", help: "days ahead a refresh warns that the node's key expires (default {default})" },
    output: { description: "How many days ahead a refresh warns that the node's key expires." },
  },
  onDelete: {
    kind: "object",
    type: ON_DELETE,
    description: "What delete does besides removing the join script and key files.",
    output: { description: "What delete does besides removing the join script and key files." },
  },
  stepTimeoutSeconds: {
    kind: "number",
    default: 600,
    range: { min: 30, max: 7200, what: "seconds allowed per remote step (default {default}; installs can be slow)" },
    description: "Seconds allowed per remote step. Default {default} (installs can be slow).",
    docs: "and long enough for the join step (see below)",
    cli: { flag: "--step-timeout <seconds>", help: "seconds allowed per remote step (default {default})" },
    output: { description: "Seconds allowed per remote step." },
  },
  providerVersion: {
    kind: "string",
    internal: true,
    rule: printable("the provider's version, set by the MeshWindowsNode resource"),
    description: "The provider's version, set by the MeshWindowsNode resource.",
    output: {
      description:
        "The version of the package that last created or updated the node. Set by the resource itself, so that a new release changes the inputs and reaches existing stacks.",
      required: true,
    },
  },
};
