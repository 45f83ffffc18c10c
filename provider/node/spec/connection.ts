/**
 * The SSH connection to the Windows host, declared once for both hops: the host itself and the jump
 * host it may be reached through. The two share every field (the same as @pulumi/command's
 * remote.ConnectionArgs / ProxyConnectionArgs); only their descriptions and flags differ, and the
 * target alone has a jump host and an overall connect deadline.
 */
import type { Field, ObjectType } from "../declare";
import { hostKeyProblem, hostProblem, privateKeyProblem, DIAL_ERROR_LIMIT_RULE, validDialErrorLimit } from "../rules/ssh";
import { nonEmpty, printable } from "../rules/text";

type Hop = "target" | "jump";

/** The account both hops log in as unless told otherwise. */
const DEFAULT_USER = "Administrator";

/** What the two hops say differently: the target's text first, the jump host's second. */
function per<T>(hop: Hop, target: T, jump: T): T {
  return hop === "target" ? target : jump;
}

function endpointFields(hop: Hop): Record<string, Field> {
  const target = hop === "target";
  return {
    host: {
      kind: "string",
      required: true,
      rule: hostProblem,
      requiredHint: "the Windows host's DNS name or IP address",
      description: per(hop, "The address of the host.", "The address of the jump host."),
      docs: "a DNS name (labels of 1-63 letters/digits/`-`/`_`, not starting or ending with `-`, at most 253 characters, optional trailing dot), an IPv4 or an IPv6 address. Rejected: spaces or control characters, a scheme (`ssh://`), brackets, `user@`, `:port`, all-numeric names that are not an IPv4 address",
      cli: per(hop, { flag: "--host <name>", help: "the Windows host: DNS name, IPv4 or IPv6 address" }, { flag: "--jump-host <name>", help: "reach the host through this SSH jump host" }),
      replaces: target,
    },
    port: {
      kind: "integer",
      default: 22,
      range: { min: 1, max: 65535, what: "the SSH port (default {default})" },
      description: "The SSH port. Default {default}.",
      cli: per(hop, { flag: "--port <n>", help: "SSH port (default {default})" }, { flag: "--jump-port <n>", help: "jump host's SSH port (default {default})" }),
      replaces: target,
    },
    user: {
      kind: "string",
      default: DEFAULT_USER,
      rule: printable(`the Windows account to log in as (default ${DEFAULT_USER})`),
      description: per(hop, "The user to log in as (a member of the local Administrators group). Default `{default}`.", "The user to log in as on the jump host."),
      docs: "not empty, no control characters, no leading or trailing spaces",
      cli: per(hop, { flag: "--user <name>", help: "Windows account to log in as (default {default})" }, { flag: "--jump-user <name>", help: "jump host account (default {default})" }),
    },
    password: {
      kind: "string",
      secret: true,
      rule: nonEmpty("the SSH password"),
      description: "The user's password.",
      docs: "not empty",
      secretSources: per(
        hop,
        { label: "SSH password", env: "MESH_SSH_PASSWORD", file: { flag: "--password-file <path>", help: "file holding the SSH password (or set MESH_SSH_PASSWORD)" } },
        { label: "jump host password", env: "MESH_JUMP_SSH_PASSWORD" },
      ),
    },
    privateKey: {
      kind: "string",
      secret: true,
      rule: privateKeyProblem,
      description: per(hop, "The contents of a private key (OpenSSH or PEM). Takes precedence over the password.", "The contents of a private key (OpenSSH or PEM)."),
      docs: "the key's text: starts with `-----BEGIN ... PRIVATE KEY-----` and contains the matching `-----END` line. Rejected with a specific hint: a file path, a public key, a PuTTY `.ppk` key, a key cut short",
      cli: per(
        hop,
        { flag: "--identity-file <path>", source: "file", help: "SSH private key file (passphrase from MESH_SSH_KEY_PASSPHRASE)" },
        { flag: "--jump-identity-file <path>", source: "file", help: "jump host private key file (passphrase from MESH_JUMP_SSH_KEY_PASSPHRASE; password from MESH_JUMP_SSH_PASSWORD)" },
      ),
    },
    privateKeyPassword: {
      kind: "string",
      secret: true,
      rule: nonEmpty("the passphrase of privateKey"),
      description: "The passphrase of an encrypted private key.",
      docs: "not empty; only together with `privateKey`",
      secretSources: per(hop, { label: "SSH key passphrase", env: "MESH_SSH_KEY_PASSPHRASE" }, { label: "jump host key passphrase", env: "MESH_JUMP_SSH_KEY_PASSPHRASE" }),
    },
    agentSocketPath: {
      kind: "string",
      rule: printable("the SSH agent's socket path, e.g. process.env.SSH_AUTH_SOCK"),
      description: "The path of an SSH agent's socket to authenticate with.",
      docs: "not empty, no control characters",
      cli: target ? { flag: "--agent-socket <path>", help: "ssh-agent socket (default $SSH_AUTH_SOCK when no password or key is given)" } : undefined,
    },
    dialErrorLimit: {
      kind: "integer",
      default: -1,
      accepts: { test: validDialErrorLimit, failure: DIAL_ERROR_LIMIT_RULE },
      description: per(hop, "Dial attempts before giving up; -1 = until the connect deadline (the default).", "Dial attempts before giving up."),
      docs: "-1 (dial until the connect deadline) or a whole number ≥ 1",
      cli: target ? { flag: "--dial-error-limit <n>", help: "dial attempts before giving up; -1 = until the deadline (default)" } : undefined,
    },
    perDialTimeout: {
      kind: "number",
      default: 15,
      range: { min: 1, max: 300, what: "seconds per dial attempt (default {default})" },
      description: per(hop, "Seconds per dial attempt. Default {default}.", "Seconds per dial attempt."),
      cli: target ? { flag: "--per-dial-timeout <seconds>", help: "seconds per dial attempt (default {default})" } : undefined,
    },
    hostKey: {
      kind: "string",
      rule: hostKeyProblem,
      description: per(
        hop,
        "The expected host key: a `SHA256:` fingerprint or an OpenSSH public-key line. Unset = the first key seen is recorded and enforced.",
        "The jump host's expected key: a `SHA256:` fingerprint or an OpenSSH public-key line.",
      ),
      docs: "`SHA256:` followed by 43 base64 characters (as `ssh-keygen -lf` prints it), or an OpenSSH public-key line `<type> <base64 blob> [comment]` whose blob decodes to a key of that type (ed25519, rsa, dss, ecdsa nistp256/384/521, sk-ed25519, sk-ecdsa). MD5 fingerprints and known_hosts lines are rejected with a hint",
      cli: per(
        hop,
        { flag: "--host-key <key>", help: "pin the host key: SHA256:... fingerprint or an OpenSSH public-key line (default: trust on first use, then enforce)" },
        { flag: "--jump-host-key <key>", help: "pin the jump host's key" },
      ),
    },
  };
}

export const PROXY_CONNECTION: ObjectType = {
  name: "ProxyConnection",
  tsName: "ProxyInput",
  argsName: "ProxyConnectionArgs",
  description: "A jump host: the same fields as @pulumi/command's `remote.ProxyConnectionArgs`.",
  what: "the jump host (same fields as connection, without proxy)",
  fields: endpointFields("jump"),
};

export const CONNECTION: ObjectType = {
  name: "Connection",
  tsName: "ConnectionInput",
  argsName: "ConnectionArgs",
  description: "SSH connection settings: the same fields as @pulumi/command's `remote.ConnectionArgs`, plus an overall connect deadline.",
  what: "the SSH connection to the Windows host: { host, user, and one of password, privateKey or agentSocketPath }",
  fields: {
    ...endpointFields("target"),
    proxy: { kind: "object", type: PROXY_CONNECTION, description: "A jump host to connect through." },
    connectDeadlineSeconds: {
      kind: "number",
      default: 300,
      range: { min: 1, max: 3600, what: "seconds to keep trying to connect, across retries (default {default})" },
      description: "Seconds to keep trying to connect, across retries. Default {default}: a VM may still be booting.",
      cli: { flag: "--connect-deadline <seconds>", help: "keep trying to connect this long (default {default})" },
    },
  },
};
