/**
 * Where the CLI's secrets come from: environment variables, files (read and trimmed) or standard
 * input. Never argv: a value there lands in shell history and in every `ps` listing, so no flag
 * takes a secret, and a flag that looks like one is refused without echoing its value.
 */
import * as fs from "fs";
import * as path from "path";
import { UsageError, type CliIo } from "./io";

export const SECRET_ENV = {
  authKey: "MESH_AUTH_KEY",
  password: "MESH_SSH_PASSWORD",
  keyPassphrase: "MESH_SSH_KEY_PASSPHRASE",
  controlApiKey: "MESH_CONTROL_API_KEY",
  jumpPassword: "MESH_JUMP_SSH_PASSWORD",
  jumpKeyPassphrase: "MESH_JUMP_SSH_KEY_PASSPHRASE",
} as const;

export type SecretName = keyof typeof SECRET_ENV;
export type Secrets = Partial<Record<SecretName, string>>;

/** The secret-carrying flags that do exist: each names a file, or says "read stdin". */
export interface SecretFlags {
  authKeyFile?: string;
  authKeyStdin?: boolean;
  passwordFile?: string;
  controlApiKeyFile?: string;
}

/** A flag name that would carry a secret value, and where that secret goes instead. */
const SECRET_LOOKING_FLAGS: { pattern: RegExp; instead: string }[] = [
  { pattern: /^--?(auth-?key|key|token)$/i, instead: `the ${SECRET_ENV.authKey} environment variable, --auth-key-file <path> or --auth-key-stdin` },
  { pattern: /^--?(jump-)?(ssh-)?(password|passwd|pass)$/i, instead: `the ${SECRET_ENV.password} (or ${SECRET_ENV.jumpPassword}) environment variable, or --password-file <path>` },
  { pattern: /^--?(key-|identity-)?passphrase$/i, instead: `the ${SECRET_ENV.keyPassphrase} environment variable` },
  { pattern: /^--?(control-)?api-?key$/i, instead: `the ${SECRET_ENV.controlApiKey} environment variable or --control-api-key-file <path>` },
  { pattern: /^--?(private-key|secret)$/i, instead: "--identity-file <path> (a file holding the private key)" },
];

/**
 * Refuses argv that tries to pass a secret as a flag value (`--auth-key tskey-...` or
 * `--password=...`), naming only the flag. Returns without effect otherwise.
 */
export function refuseSecretsOnArgv(argv: readonly string[]): void {
  for (const arg of argv) {
    if (arg === "--") return;
    const name = arg.split("=")[0]!;
    const found = SECRET_LOOKING_FLAGS.find((f) => f.pattern.test(name));
    if (found) {
      throw new UsageError(
        `${name}: secrets are not accepted on the command line (they would stay in shell history and show in the process list); use ${found.instead}`,
      );
    }
  }
}

/** Which secrets a command uses; the others are not read at all. */
export interface SecretNeeds {
  authKey: boolean;
  controlApiKey: boolean;
}

/**
 * Reads the secrets a command needs. An explicit flag (file or stdin) wins over the environment, so
 * a one-off run can override an exported variable.
 */
export async function readSecrets(flags: SecretFlags, io: CliIo, needs: SecretNeeds): Promise<Secrets> {
  const secrets: Secrets = {
    password: fromFile(flags.passwordFile, "--password-file") ?? fromEnv(io, "password"),
    keyPassphrase: fromEnv(io, "keyPassphrase"),
    jumpPassword: fromEnv(io, "jumpPassword"),
    jumpKeyPassphrase: fromEnv(io, "jumpKeyPassphrase"),
  };
  if (needs.authKey) {
    if (flags.authKeyFile !== undefined && flags.authKeyStdin) {
      throw new UsageError("--auth-key-file and --auth-key-stdin: give the auth key one way only");
    }
    secrets.authKey = flags.authKeyStdin ? await fromStdin(io) : (fromFile(flags.authKeyFile, "--auth-key-file") ?? fromEnv(io, "authKey"));
  } else if (flags.authKeyFile !== undefined || flags.authKeyStdin) {
    throw new UsageError("this command does not use the auth key: leave out --auth-key-file / --auth-key-stdin");
  }
  if (needs.controlApiKey) secrets.controlApiKey = fromFile(flags.controlApiKeyFile, "--control-api-key-file") ?? fromEnv(io, "controlApiKey");
  return Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== undefined)) as Secrets;
}

/** An SSH private key file (--identity-file): its text, as the transport takes it. */
export function readKeyFile(file: string, flag: string): string {
  const text = readText(file, flag);
  if (text.trim() === "") throw new UsageError(`${flag} ${file}: the file is empty`);
  return text;
}

function fromEnv(io: CliIo, name: SecretName): string | undefined {
  const value = io.env[SECRET_ENV[name]];
  return value === undefined || value === "" ? undefined : value;
}

function fromFile(file: string | undefined, flag: string): string | undefined {
  if (file === undefined) return undefined;
  const value = readText(file, flag).trim();
  if (value === "") throw new UsageError(`${flag} ${file}: the file is empty`);
  return value;
}

async function fromStdin(io: CliIo): Promise<string> {
  const value = (await io.readStdin()).trim();
  if (value === "") throw new UsageError("--auth-key-stdin: standard input was empty; pipe the auth key in, e.g. `pass show mesh/authkey | mesh-windows-node provision --auth-key-stdin ...`");
  return value;
}

function readText(file: string, flag: string): string {
  try {
    return fs.readFileSync(path.resolve(file), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${file}: cannot read the file (${code ?? (error as Error).message})`);
  }
}
