/**
 * The node's Tailscale options for Windows servers, declared once: typed flags of `tailscale up`
 * (never a free-form argument list) and the two settings that must be system policies because
 * `tailscale up --reset` would undo them (auto-update) or because only a policy sets them (DNS
 * registration). Unset means "leave Tailscale's default".
 */
import type { EnumType, InputField, ObjectType } from "../declare";
import { exitNodeProblem } from "../rules/exit-node";
import { noProxyProblem, proxyUrlProblem } from "../rules/network";

export const DNS_REGISTRATION: EnumType = {
  name: "DnsRegistration",
  description: "Whether Windows registers the node's Tailscale addresses in DNS (the EnableDNSRegistration policy, Tailscale 1.84 and later).",
  values: [
    { value: "always", description: "Register the Tailscale addresses (how Active Directory learns them)." },
    { value: "never", description: "Never register them." },
  ],
};

export const DAEMON: ObjectType = {
  name: "Daemon",
  tsName: "DaemonInput",
  argsName: "DaemonArgs",
  description: "The Tailscale daemon's environment, written to %ProgramData%\\Tailscale\\tailscaled-env.txt (read at service start).",
  what: "the daemon's environment: { httpsProxy, noProxy, noLogsNoSupport, port }",
  fields: {
    httpsProxy: {
      kind: "string",
      // A proxy that needs a login carries it in the URL.
      secret: "url-credentials",
      rule: proxyUrlProblem,
      description: "The proxy the daemon reaches the control server through (HTTPS_PROXY), e.g. `http://proxy.example.com:3128`. A user and password in it are kept secret everywhere but in the file on the host.",
      docs: "an http or https URL, a user and password allowed (redacted everywhere but on the host); no path, query, fragment, whitespace, quotes or control characters",
      cli: { flag: "--daemon-https-proxy <url>", help: "the proxy the Tailscale daemon uses (one with a password: set MESH_DAEMON_HTTPS_PROXY instead)" },
      secretSources: { label: "daemon proxy URL with a password", env: "MESH_DAEMON_HTTPS_PROXY" },
    },
    noProxy: {
      kind: "list",
      item: { kind: "string", rule: noProxyProblem, description: "" },
      what: 'hosts the daemon reaches without the proxy, such as ["corp.example.com", "10.0.0.0/8"]',
      description: "Hosts the daemon reaches directly (NO_PROXY): host names (a leading dot for every subdomain), IP addresses or CIDR prefixes.",
      docs: "host names (`.example.com` for every subdomain), IP addresses or CIDR prefixes",
      cli: { flag: "--daemon-no-proxy <host>", source: "repeat", help: "a host the daemon reaches without the proxy (repeatable)" },
    },
    noLogsNoSupport: {
      kind: "boolean",
      what: "stop the daemon's log uploads to Tailscale (TS_NO_LOGS_NO_SUPPORT)",
      description: "Stop the daemon uploading its logs to Tailscale (TS_NO_LOGS_NO_SUPPORT=true), as Headscale users want; Tailscale then cannot give support.",
      cli: { flag: "--daemon-no-logs", help: "stop the daemon's log uploads to Tailscale (TS_NO_LOGS_NO_SUPPORT)" },
    },
    port: {
      kind: "integer",
      range: { min: 1, max: 65535, what: "the UDP port the daemon listens on (PORT; Tailscale's default is 41641)" },
      description: "The UDP port the daemon listens on (PORT); unset: Tailscale's default, 41641.",
      cli: { flag: "--daemon-port <port>", help: "the daemon's UDP port (default: Tailscale's, 41641)" },
    },
  },
};

export const NODE_OPTIONS: Record<string, InputField> = {
  acceptDns: {
    kind: "boolean",
    what: "use the tailnet's DNS settings (`tailscale up --accept-dns`); false on domain controllers and members",
    description:
      "Use the tailnet's DNS settings (`tailscale up --accept-dns`). Set it to false on Active Directory domain controllers and members: Tailscale's DNS takes over name resolution and breaks the domain. Unset: Tailscale's default (true).",
    docs: "unset: Tailscale's default (true); a `UseTailscaleDNSSettings` policy set by someone else that contradicts it fails create and update",
    cli: { flag: "--accept-dns <true|false>", help: "use the tailnet's DNS settings (false on domain controllers and members)" },
    output: { description: "Whether the tailnet's DNS settings are used; unset = Tailscale's default." },
  },
  shieldsUp: {
    kind: "boolean",
    what: "block incoming connections from the tailnet (`tailscale up --shields-up`)",
    description: "Block incoming connections from other nodes (`tailscale up --shields-up`). Unset: Tailscale's default (false).",
    docs: "unset: Tailscale's default (false); an `AllowIncomingConnections` policy that contradicts it fails create and update",
    cli: { flag: "--shields-up", help: "block incoming connections from other nodes" },
    output: { description: "Whether incoming connections are blocked; unset = Tailscale's default." },
  },
  exitNode: {
    kind: "string",
    rule: exitNodeProblem,
    description:
      "The exit node this host sends its internet traffic through (`tailscale up --exit-node`): a peer's Tailscale IP, its MagicDNS name, or `auto:any`. Without `exitNodeAllowLanAccess: true` the host loses its own LAN, the SSH connection included, unless `connection.host` is a tailnet address.",
    docs: "an IP address, a MagicDNS name (DNS labels separated by dots) or `auto:any`; needs `exitNodeAllowLanAccess: true` unless `connection.host` is a tailnet address (100.64.0.0/10 or fd7a:115c:a1e0::/48)",
    cli: { flag: "--exit-node <peer>", help: "use this exit node (a peer's IP, MagicDNS name, or auto:any)" },
    output: { description: "The exit node this host uses, as declared." },
  },
  exitNodeAllowLanAccess: {
    kind: "boolean",
    what: "keep the host's own LAN reachable while it uses an exit node (`--exit-node-allow-lan-access`)",
    description: "Keep the host's own LAN reachable while it uses `exitNode` (`tailscale up --exit-node-allow-lan-access`). Only with `exitNode`.",
    docs: "only with `exitNode`",
    cli: { flag: "--exit-node-allow-lan-access", help: "keep the host's LAN (and this SSH path) reachable while it uses an exit node" },
    output: { description: "Whether the host's LAN stays reachable while it uses an exit node." },
  },
  autoUpdate: {
    kind: "boolean",
    what: "let Tailscale update itself (the InstallUpdates policy)",
    description:
      "Let Tailscale install its updates itself, written as the `InstallUpdates` system policy (\"always\" or \"never\") so that `tailscale up --reset` cannot undo it. Not with a pinned `install.version`. Unset: the policy is left alone (one this node wrote before is removed).",
    docs: "not together with `install.version` (a pinned version and self-updates contradict each other)",
    cli: { flag: "--auto-update <true|false>", help: "let Tailscale update itself (the InstallUpdates policy)" },
    output: { description: "Whether Tailscale updates itself; unset = the policy is left alone." },
  },
  dnsRegistration: {
    kind: "enum",
    type: DNS_REGISTRATION,
    what: "register the node's Tailscale addresses in DNS (the EnableDNSRegistration policy)",
    description:
      "Whether Windows registers the node's Tailscale addresses in DNS, written as the `EnableDNSRegistration` system policy (Tailscale 1.84 and later): how Active Directory learns them. Unset: the policy is left alone (one this node wrote before is removed).",
    cli: { flag: "--dns-registration <always|never>", help: "register the Tailscale addresses in DNS (the EnableDNSRegistration policy)" },
    output: { description: "Whether the Tailscale addresses are registered in DNS; unset = the policy is left alone." },
  },
  daemon: {
    kind: "object",
    type: DAEMON,
    description:
      "The Tailscale daemon's environment (proxy, log uploads, UDP port), written to `%ProgramData%\\Tailscale\\tailscaled-env.txt` (Administrators and SYSTEM only) and applied by a restart of the Tailscale service (on a joined node, a change here needs no new join). Only the keys set here are written; leaving one out removes it, and nothing else in the file.",
    output: { description: "The Tailscale daemon's environment (secret when its proxy URL holds a password)." },
  },
};
