/**
 * The command line's flags, in groups the commands share. Secrets have no flag: only a file, stdin
 * or an environment variable (see secrets.ts).
 */
import { Command, Option } from "commander";
import { numberFlag, type InputFlags } from "./assemble";
import { SECRET_ENV, type SecretFlags } from "./secrets";

export interface CommonFlags {
  state?: string;
  json?: boolean;
  quiet?: boolean;
}

export type CommandFlags = InputFlags & SecretFlags & CommonFlags & { showSecrets?: boolean; backend?: string };

function repeated(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function addCommonOptions(command: Command): Command {
  return command
    .option("--config <file.json>", "the node's inputs as JSON (docs/inputs.md), without secrets; flags override it")
    .option("--state <file>", "state file to use instead of the one per host under $MESH_WINDOWS_NODE_HOME")
    .option("--json", "print one JSON object on stdout (progress stays on stderr)")
    .option("--quiet", "no progress lines on stderr");
}

export function addHostOptions(command: Command): Command {
  return command
    .option("--host <name>", "the Windows host: DNS name, IPv4 or IPv6 address")
    .option("--port <n>", "SSH port (default 22)", numberFlag);
}

export function addConnectionOptions(command: Command): Command {
  return addHostOptions(command)
    .option("--user <name>", "Windows account to log in as (default Administrator)")
    .option("--identity-file <path>", `SSH private key file (passphrase from ${SECRET_ENV.keyPassphrase})`)
    .option("--password-file <path>", `file holding the SSH password (or set ${SECRET_ENV.password})`)
    .option("--agent-socket <path>", "ssh-agent socket (default $SSH_AUTH_SOCK when no password or key is given)")
    .option("--host-key <key>", "pin the host key: SHA256:... fingerprint or an OpenSSH public-key line (default: trust on first use, then enforce)")
    .option("--connect-deadline <seconds>", "keep trying to connect this long (default 300)", numberFlag)
    .option("--dial-error-limit <n>", "dial attempts before giving up; -1 = until the deadline (default)", numberFlag)
    .option("--per-dial-timeout <seconds>", "seconds per dial attempt (default 15)", numberFlag)
    .option("--jump-host <name>", "reach the host through this SSH jump host")
    .option("--jump-port <n>", "jump host's SSH port (default 22)", numberFlag)
    .option("--jump-user <name>", "jump host account (default Administrator)")
    .option("--jump-identity-file <path>", `jump host private key file (passphrase from ${SECRET_ENV.jumpKeyPassphrase}; password from ${SECRET_ENV.jumpPassword})`)
    .option("--jump-host-key <key>", "pin the jump host's key");
}

export function addJoinOptions(command: Command): Command {
  return command
    .option("--auth-key-file <path>", `file holding the auth key (or set ${SECRET_ENV.authKey})`)
    .option("--auth-key-stdin", "read the auth key from standard input")
    .option("--login-server <url>", "control server URL, e.g. your Headscale (default: Tailscale's own)")
    .option("--hostname <name>", "the node's name on the mesh (one DNS label)")
    .option("--tag <tag>", "advertise an ACL tag, e.g. tag:server (repeatable)", repeated)
    .option("--route <cidr>", "advertise a subnet route, e.g. 192.168.10.0/24 (repeatable)", repeated)
    .option("--exit-node", "offer this node as an exit node")
    .option("--no-accept-routes", "do not accept routes advertised by other nodes")
    .option("--attempts <n>", "`tailscale up` attempts over SSH before the manual fallback (default 3)", numberFlag)
    .option("--retry-delay <seconds>", "seconds between attempts (default 5)", numberFlag)
    .option("--join-timeout <seconds>", "seconds per attempt (default 30)", numberFlag)
    .option("--step-timeout <seconds>", "seconds allowed per remote step (default 600)", numberFlag)
    .addOption(new Option("--install-method <method>", "how Tailscale is installed (default msi)").choices(["msi", "winget", "none"]))
    .option("--install-version <x.y.z>", "Tailscale version to install (default: latest stable)")
    .option("--msi-url <url>", "https URL of the MSI, e.g. an internal mirror")
    .option("--join-script-path <path>", "where the join script is written on the host (default C:\\temp\\join-mesh.ps1)")
    .addOption(new Option("--control-kind <kind>", "control server API, to mint auth keys").choices(["headscale", "tailscale"]))
    .option("--control-url <url>", "control server API URL (Headscale)")
    .option("--control-api-key-file <path>", `file holding the control server's API key (or set ${SECRET_ENV.controlApiKey})`)
    .option("--control-tailnet <name>", "Tailscale tailnet (default -: the API key's own)")
    .option("--control-user <name>", "Headscale user the minted key belongs to");
}

export function addOnDeleteOptions(command: Command): Command {
  return command
    .option("--logout", "also run `tailscale logout` on the host (it may fail over SSH like `up` does)")
    .option("--uninstall", "also uninstall Tailscale")
    .option("--remove-from-control-server", "also remove the node from the control server")
    .option("--control-api-key-file <path>", `file holding the control server's API key (or set ${SECRET_ENV.controlApiKey})`);
}

/** Only the flags given on the command line (commander also reports defaults, e.g. of --no-accept-routes). */
export function givenFlags(command: Command): CommandFlags {
  const options = command.opts();
  return Object.fromEntries(Object.keys(options).filter((key) => command.getOptionValueSource(key) === "cli").map((key) => [key, options[key]]));
}
