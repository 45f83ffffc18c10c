/**
 * The node's inputs: validation (the provider's `check`), defaults, and what the engine derives from
 * them (connection settings, `tailscale up` arguments, the secrets to redact).
 *
 * Failure reasons name what is wrong and how to fix it, and never contain an input's value: the
 * reasons are printed by the engine and the CLI, and a secret may sit in any misspelled property.
 */
import * as net from "net";
import { z } from "zod";
import { REDACTED, Redactor } from "../common/redact";
import { DEFAULT_JOIN_SCRIPT_PATH, UP_KILL_MARGIN_SECONDS } from "../scripts/catalogue";
import type { ConnectionSettings, ProxySettings } from "../transport/types";
import type { ConnectionInput, ControlServerInput, InstallInput, NodeInputs, ProxyInput } from "./model";
import { withoutUndefined } from "./outputs";

/**
 * What a dynamic provider sees for a value not known yet during preview (`unknownValue` in
 * @pulumi/pulumi/runtime/rpc; the dynamic provider passes inputs through `Struct.toJavaScript`
 * without deserializing them). Copied rather than imported so the CLI does not load the Pulumi SDK.
 */
export const PULUMI_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Where the dynamic provider keeps its serialized code among the inputs; not a property of ours. */
const DYNAMIC_PROVIDER_KEY = "__provider";

export function isUnknown(value: unknown): boolean {
  return value === PULUMI_UNKNOWN;
}

export interface CheckFailure {
  /** Property path, e.g. `connection.port` or `advertiseTags[1]`; "" for the inputs as a whole. */
  property: string;
  reason: string;
}

export type CheckResult = { inputs: NodeInputs } | { failures: CheckFailure[] };

// ---------------------------------------------------------------- defaults

/** Every default, in the shape of the inputs (the diff compares against the same table). */
export const DEFAULTS = {
  connection: {
    port: 22,
    user: "Administrator",
    dialErrorLimit: -1,
    perDialTimeout: 15,
    connectDeadlineSeconds: 300,
    proxy: { port: 22, user: "Administrator", dialErrorLimit: -1, perDialTimeout: 15 },
  },
  acceptRoutes: true,
  advertiseExitNode: false,
  advertiseTags: [] as readonly string[],
  advertiseRoutes: [] as readonly string[],
  joinAttempts: 3,
  joinRetryDelaySeconds: 5,
  joinTimeoutSeconds: 30,
  install: { method: "msi" },
  joinScriptPath: DEFAULT_JOIN_SCRIPT_PATH,
  controlServer: { tailnet: "-" },
  // Delete removes only what holds secrets; disconnecting the machine must be asked for.
  onDelete: { logout: false, uninstall: false, removeFromControlServer: false },
  stepTimeoutSeconds: 600,
} as const;

export interface DefaultedProxy extends ProxyInput {
  port: number;
  user: string;
  dialErrorLimit: number;
  perDialTimeout: number;
}

export interface DefaultedConnection extends ConnectionInput {
  port: number;
  user: string;
  dialErrorLimit: number;
  perDialTimeout: number;
  connectDeadlineSeconds: number;
  proxy?: DefaultedProxy;
}

/** The inputs with every default applied: what create, update, read and delete work with. */
export interface DefaultedInputs extends NodeInputs {
  connection: DefaultedConnection;
  advertiseTags: string[];
  acceptRoutes: boolean;
  advertiseRoutes: string[];
  advertiseExitNode: boolean;
  joinAttempts: number;
  joinRetryDelaySeconds: number;
  joinTimeoutSeconds: number;
  install: InstallInput & { method: NonNullable<InstallInput["method"]> };
  joinScriptPath: string;
  controlServer?: ControlServerInput & { tailnet: string };
  onDelete: { logout: boolean; uninstall: boolean; removeFromControlServer: boolean };
  stepTimeoutSeconds: number;
}

/**
 * Applies the defaults. Accepts outputs too (they extend the inputs) and keeps only input
 * properties, so nothing of a previous operation's status leaks into the next one.
 */
export function withDefaults(inputs: NodeInputs): DefaultedInputs {
  const controlServer = inputs.controlServer && {
    ...inputs.controlServer,
    tailnet: inputs.controlServer.tailnet ?? DEFAULTS.controlServer.tailnet,
  };
  return withoutUndefined({
    connection: connectionWithDefaults(inputs.connection),
    authKey: inputs.authKey,
    loginServer: inputs.loginServer ?? defaultLoginServer(controlServer),
    hostname: inputs.hostname,
    advertiseTags: [...(inputs.advertiseTags ?? DEFAULTS.advertiseTags)],
    acceptRoutes: inputs.acceptRoutes ?? DEFAULTS.acceptRoutes,
    advertiseRoutes: [...(inputs.advertiseRoutes ?? DEFAULTS.advertiseRoutes)],
    advertiseExitNode: inputs.advertiseExitNode ?? DEFAULTS.advertiseExitNode,
    joinAttempts: inputs.joinAttempts ?? DEFAULTS.joinAttempts,
    joinRetryDelaySeconds: inputs.joinRetryDelaySeconds ?? DEFAULTS.joinRetryDelaySeconds,
    joinTimeoutSeconds: inputs.joinTimeoutSeconds ?? DEFAULTS.joinTimeoutSeconds,
    install: { ...inputs.install, method: inputs.install?.method ?? DEFAULTS.install.method },
    joinScriptPath: inputs.joinScriptPath ?? DEFAULTS.joinScriptPath,
    controlServer,
    onDelete: {
      logout: inputs.onDelete?.logout ?? DEFAULTS.onDelete.logout,
      uninstall: inputs.onDelete?.uninstall ?? DEFAULTS.onDelete.uninstall,
      removeFromControlServer: inputs.onDelete?.removeFromControlServer ?? DEFAULTS.onDelete.removeFromControlServer,
    },
    stepTimeoutSeconds: inputs.stepTimeoutSeconds ?? DEFAULTS.stepTimeoutSeconds,
    providerVersion: inputs.providerVersion,
  });
}

/**
 * A Headscale node must log in to that Headscale server: without a loginServer it would go to
 * Tailscale's own, which rejects a Headscale key.
 */
export function defaultLoginServer(controlServer: Pick<ControlServerInput, "kind" | "url"> | undefined): string | undefined {
  return controlServer?.kind === "headscale" ? controlServer.url : undefined;
}

function connectionWithDefaults(c: ConnectionInput): DefaultedConnection {
  const d = DEFAULTS.connection;
  return withoutUndefined({
    ...c,
    port: c.port ?? d.port,
    user: c.user ?? d.user,
    dialErrorLimit: c.dialErrorLimit ?? d.dialErrorLimit,
    perDialTimeout: c.perDialTimeout ?? d.perDialTimeout,
    connectDeadlineSeconds: c.connectDeadlineSeconds ?? d.connectDeadlineSeconds,
    proxy: c.proxy && proxyWithDefaults(c.proxy),
  });
}

function proxyWithDefaults(p: ProxyInput): DefaultedProxy {
  const d = DEFAULTS.connection.proxy;
  return {
    ...p,
    port: p.port ?? d.port,
    user: p.user ?? d.user,
    dialErrorLimit: p.dialErrorLimit ?? d.dialErrorLimit,
    perDialTimeout: p.perDialTimeout ?? d.perDialTimeout,
  };
}

// ---------------------------------------------------------------- what the engine derives

/**
 * The transport's settings. `recordedHostKey` is the fingerprint seen by an earlier operation: when
 * the inputs pin no key, it is enforced (trust on first use, then never silently accept a change).
 */
export function connectionSettings(c: ConnectionInput, recordedHostKey?: string): ConnectionSettings {
  const d = connectionWithDefaults(c);
  return withoutUndefined({
    host: d.host,
    port: d.port,
    user: d.user,
    password: d.password,
    privateKey: d.privateKey,
    privateKeyPassword: d.privateKeyPassword,
    agentSocketPath: d.agentSocketPath,
    hostKey: d.hostKey ?? (recordedHostKey || undefined),
    dialErrorLimit: d.dialErrorLimit,
    perDialTimeoutMs: d.perDialTimeout * 1000,
    connectDeadlineMs: d.connectDeadlineSeconds * 1000,
    proxy: d.proxy && proxySettings(d.proxy),
  });
}

function proxySettings(p: DefaultedProxy): ProxySettings {
  return withoutUndefined({
    host: p.host,
    port: p.port,
    user: p.user,
    password: p.password,
    privateKey: p.privateKey,
    privateKeyPassword: p.privateKeyPassword,
    agentSocketPath: p.agentSocketPath,
    hostKey: p.hostKey,
    dialErrorLimit: p.dialErrorLimit,
    perDialTimeoutMs: p.perDialTimeout * 1000,
  });
}

/**
 * `tailscale up` arguments except the auth key, one array element per argument (flags as defined in
 * tailscale/tailscale cmd/tailscale/cli/up.go). `--reset` makes the arguments the complete desired
 * state, so a setting removed from the inputs is removed from the node.
 */
export function upArgs(inputs: DefaultedInputs): string[] {
  const args: string[] = [];
  if (inputs.loginServer) args.push(`--login-server=${inputs.loginServer}`);
  if (inputs.hostname) args.push(`--hostname=${inputs.hostname}`);
  if (inputs.advertiseTags.length > 0) args.push(`--advertise-tags=${inputs.advertiseTags.join(",")}`);
  if (inputs.advertiseRoutes.length > 0) args.push(`--advertise-routes=${inputs.advertiseRoutes.join(",")}`);
  if (inputs.advertiseExitNode) args.push("--advertise-exit-node");
  args.push(inputs.acceptRoutes ? "--accept-routes" : "--accept-routes=false");
  args.push("--unattended", "--reset", `--timeout=${inputs.joinTimeoutSeconds}s`);
  return args;
}

/** Every secret value in the inputs, for the operation's Redactor. */
export function secretsOf(inputs: NodeInputs): string[] {
  const c = inputs.connection;
  const candidates = [
    inputs.authKey,
    inputs.controlServer?.apiKey,
    c?.password,
    c?.privateKey,
    c?.privateKeyPassword,
    c?.proxy?.password,
    c?.proxy?.privateKey,
    c?.proxy?.privateKeyPassword,
  ];
  const secrets = candidates.filter((s): s is string => typeof s === "string" && s !== "" && !isUnknown(s));
  return [...new Set(secrets)];
}

// ---------------------------------------------------------------- value rules (pure; a reason or undefined)

type Rule = (value: string) => string | undefined;

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/;

function token(what: string): Rule {
  return (value) => {
    if (value === "") return `must not be empty: ${what}`;
    if (WHITESPACE_OR_CONTROL.test(value)) {
      return `contains whitespace or a control character (often a trailing newline from reading a file): trim it; ${what}`;
    }
    return undefined;
  };
}

function nonEmpty(what: string): Rule {
  return (value) => (value === "" ? `must not be empty: ${what}, or leave the property out` : undefined);
}

function printable(what: string): Rule {
  return (value) => {
    if (value.trim() === "") return `must not be empty: ${what}`;
    if (CONTROL_CHARACTER.test(value)) return `contains a control character (a newline or tab?): ${what}`;
    if (value !== value.trim()) return `has leading or trailing spaces: remove them; ${what}`;
    return undefined;
  };
}

function oneOf(values: readonly string[], what: string): Rule {
  return (value) => (values.includes(value) ? undefined : `must be one of ${values.map((v) => `"${v}"`).join(", ")}: ${what}`);
}

const HOST_LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

const hostProblem: Rule = (host) => {
  const what = "the Windows host's DNS name, IPv4 or IPv6 address, e.g. win-01.example.com or 10.0.0.5";
  if (host === "") return `must not be empty: ${what}`;
  if (WHITESPACE_OR_CONTROL.test(host)) return `must not contain spaces or control characters: ${what}`;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(host)) return `must be a bare host without a scheme such as ssh://: ${what}`;
  if (host.startsWith("[")) return "must be an IPv6 address without brackets, e.g. fd00::5 (the port goes in connection.port)";
  if (net.isIP(host)) return undefined;
  if (host.includes("@")) return `must not contain a user: give it in the user property; ${what}`;
  if (host.includes(":")) return `must not contain a port: give it in the port property; ${what}`;
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  const labels = name.split(".");
  if (name.length > 253 || !labels.every((label) => HOST_LABEL.test(label))) {
    return `is not a valid host name (labels of 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen; 253 characters at most): ${what}`;
  }
  if (labels.every((label) => /^\d+$/.test(label))) return `is not a valid IPv4 address (four numbers 0-255): ${what}`;
  return undefined;
};

const PRIVATE_KEY_BEGIN = /^-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----/;
const PRIVATE_KEY_END = /-----END ([A-Z0-9]+ )*PRIVATE KEY-----\s*$/;

const privateKeyProblem: Rule = (key) => {
  const text = key.trimStart();
  if (/^(ssh-|ecdsa-|sk-)/.test(text) || text.startsWith("-----BEGIN SSH2 PUBLIC KEY")) {
    return "is a public key: give the private key's text (it begins with \"-----BEGIN\" and ends with \"PRIVATE KEY-----\")";
  }
  if (text.startsWith("PuTTY-User-Key-File")) {
    return "is a PuTTY .ppk key: export it in OpenSSH format with puttygen (Conversions > Export OpenSSH key)";
  }
  if (!PRIVATE_KEY_BEGIN.test(text)) {
    return "must be the private key's text in PEM or OpenSSH format (it begins with \"-----BEGIN\"), not a file path: read the file, e.g. fs.readFileSync(path, \"utf8\")";
  }
  if (!PRIVATE_KEY_END.test(text)) {
    return "is cut short: the \"-----END ... PRIVATE KEY-----\" line is missing (keep the key's line breaks when passing it through an environment variable)";
  }
  return undefined;
};

const PUBLIC_KEY_TYPES = [
  "ssh-ed25519",
  "ssh-rsa",
  "ssh-dss",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
];

const hostKeyProblem: Rule = (hostKey) => {
  const what =
    "either a SHA256 fingerprint as `ssh-keygen -lf` prints it (SHA256: and 43 base64 characters, no trailing =) or an OpenSSH public-key line such as \"ssh-ed25519 AAAA...\"; leave it out to trust the first key seen and enforce it from then on";
  if (hostKey.startsWith("SHA256:")) {
    return /^SHA256:[A-Za-z0-9+/]{43}$/.test(hostKey) ? undefined : `is not a valid fingerprint: must be ${what}`;
  }
  if (/^MD5:/i.test(hostKey) || /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/i.test(hostKey)) {
    return `is an MD5 fingerprint: must be ${what}`;
  }
  const [type, blob, ...rest] = hostKey.trim().split(/ +/);
  if (!type || !PUBLIC_KEY_TYPES.includes(type)) {
    if (blob && PUBLIC_KEY_TYPES.includes(blob)) return `looks like a known_hosts line: remove the host name in front; must be ${what}`;
    return `must be ${what}`;
  }
  if (CONTROL_CHARACTER.test(rest.join(" "))) return `must be a single line: ${what}`;
  if (!blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob) || blobKeyType(blob) !== type) {
    return `has a key blob that is not a valid ${type} key: copy the whole line from the host's .pub file; must be ${what}`;
  }
  return undefined;
};

/** The key type recorded inside an SSH public-key blob (an SSH string: uint32 length, then the name). */
function blobKeyType(blob: string): string | undefined {
  const bytes = Buffer.from(blob, "base64");
  if (bytes.length < 4) return undefined;
  const length = bytes.readUInt32BE(0);
  if (length > bytes.length - 4) return undefined;
  return bytes.subarray(4, 4 + length).toString("latin1");
}

interface UrlRules {
  httpsOnly: boolean;
  allowQuery: boolean;
  what: string;
}

function urlRule({ httpsOnly, allowQuery, what }: UrlRules): Rule {
  return (value) => {
    const scheme = httpsOnly ? "an https URL" : "an http or https URL";
    if (value === "") return `must not be empty: ${what}`;
    if (WHITESPACE_OR_CONTROL.test(value) || /["'`]/.test(value)) return `must not contain spaces, quotes or control characters: ${what}`;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return `must be ${scheme}: ${what}`;
    }
    if (httpsOnly ? url.protocol !== "https:" : url.protocol !== "https:" && url.protocol !== "http:") return `must be ${scheme}: ${what}`;
    if (url.username || url.password) return `must not contain a user name or password: ${what}`;
    if (!allowQuery && value.includes("?")) return `must not contain a query (?...): ${what}`;
    if (value.includes("#")) return `must not contain a fragment (#...): ${what}`;
    return undefined;
  };
}

const DNS_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

const hostnameProblem: Rule = (hostname) => {
  const what =
    "the node's name in the tailnet, a single DNS label: 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen (Tailscale lowercases it)";
  if (hostname.includes(".")) return `must not contain dots (Tailscale appends the tailnet's domain itself): ${what}`;
  return DNS_LABEL.test(hostname) ? undefined : `must be ${what}`;
};

const tagProblem: Rule = (tag) => {
  if (!tag.startsWith("tag:")) return "must start with \"tag:\", e.g. tag:server";
  if (!/^tag:[A-Za-z][A-Za-z0-9-]*$/.test(tag)) {
    return "must be \"tag:\" followed by a letter, then letters, digits or hyphens, e.g. tag:win-servers";
  }
  return undefined;
};

export const routeProblem: Rule = (route) => {
  const cidr = parseCidr(route);
  if (!cidr) return "must be an IPv4 or IPv6 CIDR prefix such as 192.168.10.0/24 or fd00:10::/64";
  if (cidr.bits === 0) {
    return "is a default route: set advertiseExitNode to true instead (Tailscale advertises 0.0.0.0/0 and ::/0 together)";
  }
  const masked = maskCidr(cidr);
  if (!masked.address.every((byte, i) => byte === cidr.address[i])) {
    return `has host bits set (bits after the prefix length must be zero): use the normalized form ${formatCidr(masked)}`;
  }
  return undefined;
};

const versionProblem: Rule = (version) =>
  /^\d+\.\d+\.\d+$/.test(version) ? undefined : "must be a Tailscale version like 1.90.6 (major.minor.patch); leave it out for the latest stable release";

/** Characters allowed in joinScriptPath segments: none can end a quoted string in cmd.exe or PowerShell. */
const PATH_SEGMENT = /^[\p{L}\p{N} _\-.()+,=@#~]+$/u;
const RESERVED_DEVICE_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const MAX_JOIN_SCRIPT_PATH = 240;

/**
 * The join script's path appears inside the manual command a person pastes into an elevated prompt,
 * so it must not be able to leave its quotes in cmd.exe or PowerShell: no quote characters of any
 * kind, no `$`, backtick, `%` or `!`; only letters, digits, spaces and a few inert punctuation marks.
 */
const joinScriptPathProblem: Rule = (path) => {
  const what = "an absolute Windows path to a .ps1 file on a local drive, e.g. C:\\temp\\join-mesh.ps1";
  if (path.length > MAX_JOIN_SCRIPT_PATH) return `is longer than ${MAX_JOIN_SCRIPT_PATH} characters: ${what}`;
  if (CONTROL_CHARACTER.test(path)) return `must not contain control characters: ${what}`;
  if (!/^[A-Za-z]:\\/.test(path)) return `must start with a drive letter and a backslash: ${what}`;
  if (path.includes("/")) return `must use backslashes, not forward slashes: ${what}`;
  if (!/\.ps1$/i.test(path)) return `must end with .ps1: ${what}`;
  const segments = path.slice(3).split("\\");
  for (const segment of segments) {
    if (segment === "") return `must not contain empty segments (\\\\) or end with a backslash: ${what}`;
    if (segment === "." || segment === "..") return `must not contain . or .. segments: ${what}`;
    if (/["*?<>|:]/.test(segment)) return `must not contain any of the characters " * ? < > | or a second colon: ${what}`;
    if (!PATH_SEGMENT.test(segment)) {
      return `may contain only letters, digits, spaces and _ - . ( ) + , = @ # ~ (no quotes, $, backtick, %, !, &, ;, ^ or brackets, which could break out of the quotes of the manual command): ${what}`;
    }
    if (/[. ]$/.test(segment) || segment.startsWith(" ")) return `has a folder or file name that starts with a space or ends with a dot or space (Windows strips them): ${what}`;
    if (RESERVED_DEVICE_NAME.test(segment.split(".")[0] ?? "")) return `uses a reserved Windows device name (CON, NUL, COM1, ...): ${what}`;
  }
  if (/^\.ps1$/i.test(segments[segments.length - 1] ?? "")) return `must have a file name before .ps1: ${what}`;
  return undefined;
};

const tailnetProblem: Rule = (tailnet) =>
  tailnet !== "" && !/[\s/?#%"'`\\\u0000-\u001f\u007f]/.test(tailnet)
    ? undefined
    : "must be \"-\" (the API key's own tailnet) or the tailnet's name as shown in the admin console (no spaces, slashes, quotes, ? or #)";

// ---------------------------------------------------------------- CIDR arithmetic (for routeProblem)

interface Cidr {
  address: number[];
  bits: number;
}

function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const addressText = text.slice(0, slash);
  const bitsText = text.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(bitsText)) return undefined;
  const address = net.isIPv4(addressText) ? parseIPv4(addressText) : parseIPv6(addressText);
  const bits = Number(bitsText);
  if (!address || bits > address.length * 8) return undefined;
  return { address, bits };
}

function parseIPv4(text: string): number[] | undefined {
  const parts = text.split(".");
  // Leading zeros are ambiguous (octal in some parsers) and refused by Tailscale's parser.
  if (parts.length !== 4 || parts.some((p) => !/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255)) return undefined;
  return parts.map(Number);
}

function parseIPv6(text: string): number[] | undefined {
  if (text.includes("%") || !net.isIPv6(text)) return undefined;
  const [headText, tailText] = text.split("::") as [string, string | undefined];
  const groups = (part: string | undefined): number[] | undefined => {
    if (!part) return [];
    const out: number[] = [];
    for (const group of part.split(":")) {
      if (group.includes(".")) {
        const v4 = parseIPv4(group);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        out.push(parseInt(group, 16));
      }
    }
    return out;
  };
  const head = groups(headText);
  const tail = groups(tailText);
  if (!head || !tail) return undefined;
  const zeros = tailText === undefined ? [] : new Array<number>(8 - head.length - tail.length).fill(0);
  const all = [...head, ...zeros, ...tail];
  if (all.length !== 8) return undefined;
  return all.flatMap((group) => [group >> 8, group & 0xff]);
}

function maskCidr({ address, bits }: Cidr): Cidr {
  const masked = address.map((byte, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return byte & ((0xff << (8 - keep)) & 0xff);
  });
  return { address: masked, bits };
}

function formatCidr({ address, bits }: Cidr): string {
  if (address.length === 4) return `${address.join(".")}/${bits}`;
  const groups = Array.from({ length: 8 }, (_, i) => (address[2 * i]! << 8) | address[2 * i + 1]!);
  // RFC 5952: compress the longest run (at least two) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  const text =
    bestStart < 0 ? hex.join(":") : `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
  return `${text}/${bits}`;
}

// ---------------------------------------------------------------- schemas

/** A string checked by `rule`. Pulumi's unknown sentinel is a string and passes untouched. */
function text(rule: Rule, required = "") {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `is required${required && `: ${required}`}` : "must be a string (text)") })
    .superRefine((value, ctx) => {
      if (isUnknown(value)) return;
      const problem = rule(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });
}

/** Any other schema also accepts the unknown sentinel; its failures are unwrapped in `failuresOf`. */
function orUnknown<T extends z.ZodType>(schema: T) {
  return z.union([z.literal(PULUMI_UNKNOWN), schema]);
}

function wholeNumber(min: number, max: number, what: string) {
  const range = `must be a whole number from ${min} to ${max}: ${what}`;
  return orUnknown(
    z.number({ error: range }).superRefine((n, ctx) => {
      if (!Number.isInteger(n) || n < min || n > max) ctx.addIssue({ code: "custom", message: range });
    }),
  );
}

const DIAL_ERROR_LIMIT_RULE = "must be -1 (keep dialing until the connect deadline) or a whole number of dial attempts of at least 1";
const dialErrorLimit = orUnknown(
  z.number({ error: DIAL_ERROR_LIMIT_RULE }).superRefine((n, ctx) => {
    if (!Number.isInteger(n) || (n !== -1 && n < 1)) ctx.addIssue({ code: "custom", message: DIAL_ERROR_LIMIT_RULE });
  }),
);

const flag = (what: string) => orUnknown(z.boolean({ error: `must be true or false: ${what}` }));

/** Known property names by object path, for "unknown property" failures. */
const KNOWN_PROPERTIES = new Map<string, string[]>();

function properties<T extends z.core.$ZodLooseShape>(path: string, shape: T, what: string) {
  KNOWN_PROPERTIES.set(path, Object.keys(shape));
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "invalid_type" ? (issue.input === undefined ? `is required: ${what}` : `must be an object: ${what}`) : undefined),
  });
}

const sshShape = {
  host: text(hostProblem, "the Windows host's DNS name or IP address"),
  port: wholeNumber(1, 65535, "the SSH port (default 22)").optional(),
  user: text(printable("the Windows account to log in as (default Administrator)")).optional(),
  password: text(nonEmpty("the SSH password")).optional(),
  privateKey: text(privateKeyProblem).optional(),
  privateKeyPassword: text(nonEmpty("the passphrase of privateKey")).optional(),
  agentSocketPath: text(printable("the SSH agent's socket path, e.g. process.env.SSH_AUTH_SOCK")).optional(),
  dialErrorLimit: dialErrorLimit.optional(),
  perDialTimeout: wholeNumber(1, 300, "seconds per dial attempt (default 15)").optional(),
  hostKey: text(hostKeyProblem).optional(),
};

const proxySchema = properties("connection.proxy", sshShape, "the jump host (same fields as connection, without proxy)");

const connectionSchema = properties(
  "connection",
  {
    ...sshShape,
    proxy: orUnknown(proxySchema).optional(),
    connectDeadlineSeconds: wholeNumber(1, 3600, "seconds to keep trying to connect, across retries (default 300)").optional(),
  },
  "the SSH connection to the Windows host: { host, user, and one of password, privateKey or agentSocketPath }",
);

const INSTALL_METHODS = ["msi", "winget", "none"] as const;
const CONTROL_SERVER_KINDS = ["headscale", "tailscale"] as const;

const installSchema = properties(
  "install",
  {
    method: text(oneOf(INSTALL_METHODS, "how Tailscale is installed (default msi; none = already installed)")).optional(),
    version: text(versionProblem).optional(),
    msiUrl: text(urlRule({ httpsOnly: true, allowQuery: true, what: "the MSI's location, e.g. an internal mirror" })).optional(),
  },
  "how Tailscale is installed: { method, version, msiUrl }",
);

/** A minted key must outlive a join step with its retries; Tailscale's API accepts at most 90 days. */
const MIN_KEY_EXPIRY_SECONDS = 300;
const MAX_KEY_EXPIRY_SECONDS = 90 * 24 * 3600;

const controlServerSchema = properties(
  "controlServer",
  {
    kind: text(oneOf(CONTROL_SERVER_KINDS, "the control server's API"), "\"headscale\" or \"tailscale\""),
    url: text(urlRule({ httpsOnly: false, allowQuery: false, what: "the control server's base URL, e.g. https://headscale.example.com" })).optional(),
    apiKey: text(token("the control server's API key"), "the control server's API key (used to mint auth keys and remove nodes)"),
    tailnet: text(tailnetProblem).optional(),
    user: text(printable("the Headscale user the node belongs to (its name, or its numeric id from Headscale 0.26)")).optional(),
    keyExpirySeconds: wholeNumber(
      MIN_KEY_EXPIRY_SECONDS,
      MAX_KEY_EXPIRY_SECONDS,
      "seconds a key minted for this node stays valid (default 86400); it is expired once the node joins, so this is how long a person has to run the join script",
    ).optional(),
  },
  "the control server's API: { kind, url, apiKey, tailnet, user, keyExpirySeconds }",
);

const onDeleteSchema = properties(
  "onDelete",
  {
    logout: flag("run `tailscale logout` on delete").optional(),
    uninstall: flag("uninstall Tailscale on delete").optional(),
    removeFromControlServer: flag("remove the node from controlServer on delete").optional(),
  },
  "what delete does: { logout, uninstall, removeFromControlServer }",
);

function list(item: z.ZodType, what: string) {
  return orUnknown(
    z.array(item, { error: `must be a list: ${what}` }).superRefine((items, ctx) => {
      items.forEach((value, index) => {
        if (isUnknown(value)) return;
        const first = items.findIndex((other) => sameListItem(other, value));
        if (first < index) ctx.addIssue({ code: "custom", path: [index], message: `is listed twice (also at index ${first}): remove one` });
      });
    }),
  );
}

/** Routes that differ only in spelling (fd00::/8 and FD00:0::/8) are the same route. */
function sameListItem(a: unknown, b: unknown): boolean {
  if (typeof a !== "string" || typeof b !== "string") return false;
  const [ca, cb] = [parseCidr(a), parseCidr(b)];
  if (ca && cb) return ca.bits === cb.bits && ca.address.length === cb.address.length && ca.address.every((byte, i) => byte === cb.address[i]);
  return a === b;
}

const inputShape = {
  connection: orUnknown(connectionSchema),
  authKey: text(token("the pre-authorized auth key the node joins with")).optional(),
  loginServer: text(urlRule({ httpsOnly: false, allowQuery: false, what: "the control server's URL, e.g. https://headscale.example.com" })).optional(),
  hostname: text(hostnameProblem).optional(),
  advertiseTags: list(text(tagProblem), "ACL tags such as [\"tag:server\"]").optional(),
  acceptRoutes: flag("accept subnet routes advertised by other nodes (default true)").optional(),
  advertiseRoutes: list(text(routeProblem), "CIDR prefixes such as [\"192.168.10.0/24\"]").optional(),
  advertiseExitNode: flag("offer this node as an exit node").optional(),
  joinAttempts: wholeNumber(1, 20, "`tailscale up` attempts over SSH before falling back to the manual join script (default 3)").optional(),
  joinRetryDelaySeconds: wholeNumber(0, 300, "seconds between join attempts (default 5)").optional(),
  joinTimeoutSeconds: wholeNumber(5, 600, "seconds per `tailscale up` attempt (default 30)").optional(),
  install: orUnknown(installSchema).optional(),
  joinScriptPath: text(joinScriptPathProblem).optional(),
  controlServer: orUnknown(controlServerSchema).optional(),
  onDelete: orUnknown(onDeleteSchema).optional(),
  stepTimeoutSeconds: wholeNumber(30, 7200, "seconds allowed per remote step (default 600; installs can be slow)").optional(),
  providerVersion: text(printable("the provider's version, set by the MeshWindowsNode resource")).optional(),
} satisfies Record<keyof NodeInputs, z.ZodType>;

const inputSchema = properties("", inputShape, "the node's inputs");

/** The top-level input properties (outputs carry more; the diff compares only these). */
export const INPUT_PROPERTIES = Object.keys(inputShape) as (keyof NodeInputs)[];

// ---------------------------------------------------------------- check

/**
 * Validates raw inputs. Returns them as written (no defaults: see `withDefaults`), or every failure.
 * Values unknown during preview pass untouched, and count as given for the rules between properties.
 */
export function checkInputs(raw: unknown): CheckResult {
  const candidate = prepared(raw);
  const parsed = inputSchema.safeParse(candidate);
  const failures = [...(parsed.success ? [] : failuresOf(parsed.error.issues)), ...relationFailures(candidate)];
  if (failures.length > 0) return { failures: redactReasons(unique(failures), candidate) };
  // The schema's output type spells out the unknown sentinel; where it appears the engine is only previewing.
  return { inputs: withoutUndefined(parsed.data as unknown as NodeInputs) };
}

/**
 * The dynamic provider's `check` result. On failure the engine prints each failing property's value
 * next to the reason (it looks up `inputs[failure.property]` in what check returned), and a bad value
 * may hold a secret (a password in a URL, a key under a misspelled name). So the inputs returned with
 * failures have every failing property, every secret and every property we do not know replaced by
 * a placeholder.
 */
export function checkForPulumi(news: unknown): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const result = checkInputs(news);
  if ("inputs" in result) return { inputs: { ...result.inputs }, failures: [] };
  const failing = new Set(result.failures.map((f) => topLevelName(f.property)));
  const inputs = isRecord(news)
    ? Object.fromEntries(Object.entries(news).map(([key, value]) => [key, failing.has(key) ? REDACTED : maskedForDisplay(value, key)]))
    : {};
  return { inputs, failures: result.failures };
}

function topLevelName(property: string): string {
  return /^[^.[]*/.exec(property)![0];
}

/**
 * Drops the dynamic provider's own key, and properties set to null (an SDK passes null for a value
 * the program left unset), so that both read as absent.
 */
function prepared(raw: unknown, top = true): unknown {
  if (Array.isArray(raw)) return raw.map((item) => prepared(item, false));
  if (!isRecord(raw)) return raw;
  const entries = Object.entries(raw).filter(([key, value]) => value !== null && !(top && key === DYNAMIC_PROVIDER_KEY));
  return Object.fromEntries(entries.map(([key, value]) => [key, prepared(value, false)]));
}

function failuresOf(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): CheckFailure[] {
  return issues.flatMap((issue): CheckFailure[] => {
    const path = [...prefix, ...issue.path];
    // Only `orUnknown` makes unions; the last option is the real schema, whose failures are the useful ones.
    if (issue.code === "invalid_union" && issue.errors.length > 0) return failuresOf(issue.errors[issue.errors.length - 1]!, path);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ property: formatPath([...path, key]), reason: unknownPropertyReason(key, formatPath(path)) }));
    }
    return [{ property: formatPath(path), reason: issue.message }];
  });
}

function unknownPropertyReason(key: string, objectPath: string): string {
  const known = KNOWN_PROPERTIES.get(objectPath) ?? [];
  const suggestion = closest(key, known);
  return `is not a known property${suggestion ? `; did you mean "${suggestion}"?` : "."} Known properties${objectPath ? ` of ${objectPath}` : ""}: ${known.join(", ")}`;
}

/** A known name equal but for case, or within two edits (a typo). */
function closest(key: string, known: string[]): string | undefined {
  const sameCase = known.find((k) => k.toLowerCase() === key.toLowerCase());
  if (sameCase) return sameCase;
  const scored = known.map((k) => ({ k, distance: editDistance(key.toLowerCase(), k.toLowerCase()) }));
  scored.sort((a, b) => a.distance - b.distance);
  return scored[0] && scored[0].distance <= 2 ? scored[0].k : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), "");
}

// ---------------------------------------------------------------- rules between properties

/** Longest time Windows may take to restart the Tailscale service before the first attempt. */
const SERVICE_RESTART_SECONDS = 60;

function relationFailures(raw: unknown): CheckFailure[] {
  if (!isRecord(raw)) return [];
  const failures: CheckFailure[] = [];
  if (isRecord(raw.connection)) {
    failures.push(...authFailures(raw.connection, "connection"));
    if (isRecord(raw.connection.proxy)) failures.push(...authFailures(raw.connection.proxy, "connection.proxy"));
  }

  const controlServer = raw.controlServer;
  if (!given(raw.authKey) && !given(controlServer)) {
    failures.push({
      property: "authKey",
      reason: "is required: give a pre-authorized auth key, or set controlServer so that the provider can mint one",
    });
  }
  if (isRecord(controlServer) && controlServer.kind === "headscale") {
    if (!given(controlServer.url)) {
      failures.push({ property: "controlServer.url", reason: "is required for kind \"headscale\": the Headscale server's base URL, e.g. https://headscale.example.com" });
    }
    if (!given(raw.authKey) && !given(controlServer.user)) {
      failures.push({
        property: "controlServer.user",
        reason: "is required to mint an auth key on Headscale when authKey is not set: the Headscale user the node will belong to",
      });
    }
  }

  if (isRecord(raw.onDelete) && raw.onDelete.removeFromControlServer === true && !given(controlServer)) {
    failures.push({
      property: "onDelete.removeFromControlServer",
      reason: "needs controlServer: the node is removed through the control server's API; set controlServer, or remove this flag",
    });
  }

  const install = raw.install;
  const method = isRecord(install) ? INSTALL_METHODS.find((m) => m === install.method) : undefined;
  if (isRecord(install) && given(install.msiUrl) && method && method !== "msi") {
    failures.push({
      property: "install.msiUrl",
      reason: `is only used with install.method "msi" (method is "${method}"): remove msiUrl or set method to "msi"`,
    });
  }

  const budget = joinStepSeconds(raw);
  const stepTimeout = validNumber("stepTimeoutSeconds", raw);
  if (budget !== undefined && stepTimeout !== undefined && budget > stepTimeout) {
    failures.push({
      property: "stepTimeoutSeconds",
      reason:
        `is too short for the join step, which may take ${budget}s (joinAttempts × (joinTimeoutSeconds + ${UP_KILL_MARGIN_SECONDS}s) + ` +
        `(joinAttempts − 1) × joinRetryDelaySeconds + ${SERVICE_RESTART_SECONDS}s for the service restart): ` +
        `set stepTimeoutSeconds to at least ${budget}, or lower joinAttempts or joinTimeoutSeconds`,
    });
  }
  return failures;
}

function authFailures(ssh: Record<string, unknown>, path: string): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (!given(ssh.password) && !given(ssh.privateKey) && !given(ssh.agentSocketPath)) {
    failures.push({ property: path, reason: `has no way to log in: give one of ${path}.password, ${path}.privateKey or ${path}.agentSocketPath` });
  }
  if (given(ssh.privateKeyPassword) && !given(ssh.privateKey)) {
    failures.push({
      property: `${path}.privateKeyPassword`,
      reason: `is only used to decrypt ${path}.privateKey, which is not set: set privateKey or remove privateKeyPassword`,
    });
  }
  return failures;
}

/** The longest the join step can run with these inputs, or undefined while a value is unknown or invalid. */
function joinStepSeconds(raw: Record<string, unknown>): number | undefined {
  const attempts = validNumber("joinAttempts", raw);
  const timeout = validNumber("joinTimeoutSeconds", raw);
  const delay = validNumber("joinRetryDelaySeconds", raw);
  if (attempts === undefined || timeout === undefined || delay === undefined) return undefined;
  return attempts * (timeout + UP_KILL_MARGIN_SECONDS) + (attempts - 1) * delay + SERVICE_RESTART_SECONDS;
}

type TimingProperty = "joinAttempts" | "joinTimeoutSeconds" | "joinRetryDelaySeconds" | "stepTimeoutSeconds";

/** The value or its default, when it is known and passes its own rule (a bad value has its own failure). */
function validNumber(property: TimingProperty, raw: Record<string, unknown>): number | undefined {
  const value = raw[property] ?? DEFAULTS[property];
  return typeof value === "number" && inputShape[property].safeParse(value).success ? value : undefined;
}

/** Set, or unknown during preview (which may well be set). */
function given(value: unknown): boolean {
  return value !== undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------- keeping secrets out of failures

const SECRET_PROPERTIES = new Set(["authKey", "password", "privateKey", "privateKeyPassword", "apiKey"]);
const ALL_KNOWN_PROPERTIES = new Set([...KNOWN_PROPERTIES.values()].flat());

/** Reasons never quote secret values; this also covers any value found under a misspelled name. */
function redactReasons(failures: CheckFailure[], raw: unknown): CheckFailure[] {
  const redactor = new Redactor(secretLikeValues(raw));
  return failures.map((f) => ({ property: f.property, reason: redactor.text(f.reason) }));
}

function secretLikeValues(value: unknown, key = ""): string[] {
  if (typeof value === "string") return SECRET_PROPERTIES.has(key) || !ALL_KNOWN_PROPERTIES.has(key) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((item) => secretLikeValues(item, key));
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => secretLikeValues(v, k));
  return [];
}

function maskedForDisplay(value: unknown, key = ""): unknown {
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskedForDisplay(v, k)]));
  if (key !== "" && (SECRET_PROPERTIES.has(key) || !ALL_KNOWN_PROPERTIES.has(key))) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => maskedForDisplay(item, key));
  return value;
}

function unique(failures: CheckFailure[]): CheckFailure[] {
  const seen = new Set<string>();
  return failures.filter((f) => {
    const id = `${f.property}\n${f.reason}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
