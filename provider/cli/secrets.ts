/**
 * Where the CLI's secrets come from: environment variables, files (read and trimmed) or standard
 * input, as the node's declaration says for each secret property. Never argv: a value there lands in
 * shell history and in every `ps` listing, so no flag takes a secret, and a flag that looks like one
 * is refused without echoing its value.
 */
import { Option } from "commander";
import type { CliBinding } from "../node";
import { readSecretFile } from "./files";
import { SECRET_BINDINGS, type SecretBinding } from "./flags";
import { UsageError, type CliIo } from "./io";

/** Secrets by input property path, e.g. "authKey", "connection.password". */
export type Secrets = Record<string, string>;

/** The environment variable that holds the secret at `path`. */
export function secretEnv(path: string): string {
  const binding = SECRET_BINDINGS.find((b) => b.path === path);
  if (!binding) throw new Error(`${path} is not a secret input`);
  return binding.sources.env;
}

function flagName(cli: CliBinding): string {
  return cli.flag.split(" ")[0]!;
}

function attribute(cli: CliBinding): string {
  return new Option(cli.flag).attributeName();
}

/** "MESH_AUTH_KEY, --auth-key-file <path> or --auth-key-stdin": every source of one secret. */
export function sourcesOf(binding: SecretBinding): string {
  const all = [binding.sources.env, binding.sources.file?.flag, binding.sources.stdin?.flag].filter((s): s is string => s !== undefined);
  return all.length > 1 ? `${all.slice(0, -1).join(", ")} or ${all[all.length - 1]}` : all[0]!;
}

/** A flag name that would carry a secret value, and the secret it would carry. */
const SECRET_LOOKING_FLAGS: { pattern: RegExp; paths: string[] }[] = [
  { pattern: /^--?(auth-?key|key|token)$/i, paths: ["authKey"] },
  { pattern: /^--?(jump-)?(ssh-)?(password|passwd|pass)$/i, paths: ["connection.password", "connection.proxy.password"] },
  { pattern: /^--?(key-|identity-)?passphrase$/i, paths: ["connection.privateKeyPassword", "connection.proxy.privateKeyPassword"] },
  { pattern: /^--?(control-)?api-?key$/i, paths: ["controlServer.apiKey"] },
  { pattern: /^--?(control-)?(oauth-client|oauth|client)-?secret$/i, paths: ["controlServer.oauthClientSecret"] },
];

/** The control server's credentials: the commands that talk to it read whichever is given. */
export const CONTROL_SECRETS: readonly string[] = SECRET_BINDINGS.map((b) => b.path).filter((path) => path.startsWith("controlServer."));
/** Every secret a node's inputs may hold: provision reads them all, since it sends the whole node. */
export const NODE_SECRETS: readonly string[] = SECRET_BINDINGS.map((b) => b.path);
/** The install options' secrets (a signed MSI URL, the download proxy's password): the commands that install or check the downloads read them. */
export const INSTALL_SECRETS: readonly string[] = SECRET_BINDINGS.map((b) => b.path).filter((path) => path.startsWith("install."));

/**
 * Refuses argv that tries to pass a secret as a flag value (`--auth-key tskey-...` or
 * `--password=...`), naming only the flag. Returns without effect otherwise.
 */
export function refuseSecretsOnArgv(argv: readonly string[]): void {
  for (const arg of argv) {
    if (arg === "--") return;
    const name = arg.split("=")[0]!;
    if (/^--?(private-key|secret)$/i.test(name)) throw refused(name, "--identity-file <path> (a file holding the private key)");
    const found = SECRET_LOOKING_FLAGS.find((f) => f.pattern.test(name));
    if (found) {
      const instead = SECRET_BINDINGS.filter((b) => found.paths.includes(b.path)).map((b) => `${sourcesOf(b)} (${b.sources.label})`);
      throw refused(name, instead.join("; "));
    }
  }
}

function refused(name: string, instead: string): UsageError {
  return new UsageError(`${name}: secrets are not accepted on the command line (they would stay in shell history and show in the process list); use ${instead}`);
}

/**
 * Reads the secrets a command uses: the connection's always, the others only when listed in
 * `needed` (e.g. status needs no auth key). An explicit flag (file or stdin) wins over the
 * environment, so a one-off run can override an exported variable.
 */
export async function readSecrets(flags: Record<string, unknown>, io: CliIo, needed: readonly string[]): Promise<Secrets> {
  const secrets: Secrets = {};
  for (const binding of SECRET_BINDINGS) {
    const { path, sources } = binding;
    const fileGiven = sources.file && flags[attribute(sources.file)] !== undefined ? String(flags[attribute(sources.file)]) : undefined;
    const stdinGiven = sources.stdin ? flags[attribute(sources.stdin)] === true : false;
    const flagNames = [sources.file, sources.stdin].filter((s): s is CliBinding => s !== undefined).map(flagName);
    if (!path.startsWith("connection.") && !needed.includes(path)) {
      if (fileGiven !== undefined || stdinGiven) throw new UsageError(`this command does not use the ${sources.label}: leave out ${flagNames.join(" / ")}`);
      continue;
    }
    if (fileGiven !== undefined && stdinGiven) throw new UsageError(`${flagNames.join(" and ")}: give the ${sources.label} one way only`);
    const value = stdinGiven
      ? await fromStdin(io, sources.stdin!, sources.label)
      : fileGiven !== undefined
        ? readSecretFile(fileGiven, flagName(sources.file!))
        : nonEmpty(io.env[sources.env]);
    if (value !== undefined) secrets[path] = value;
  }
  return secrets;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

async function fromStdin(io: CliIo, cli: CliBinding, label: string): Promise<string> {
  const value = (await io.readStdin()).trim();
  if (value === "") {
    throw new UsageError(`${flagName(cli)}: standard input was empty; pipe the ${label} in, e.g. \`pass show mesh/${label.replace(/ /g, "-")} | mesh-windows-node provision ${flagName(cli)} ...\``);
  }
  return value;
}
