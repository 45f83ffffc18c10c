/**
 * Turning a command line into NodeInputs: the config file (NodeInputs without secrets), then the
 * flags over it, then the secrets from their sources, validated with the engine's own checkInputs.
 * Failures name the property and the flag (or variable) that sets it.
 */
import * as fs from "fs";
import * as path from "path";
import { packageVersion } from "../common/version";
import { checkInputs, type CheckFailure } from "../lifecycle/inputs";
import type { NodeInputs } from "../lifecycle/model";
import { withoutUndefined } from "../lifecycle/outputs";
import { UsageError, type CliIo } from "./io";
import { readKeyFile, SECRET_ENV, type Secrets } from "./secrets";

/** Every flag that sets an input, as commander hands them over (only those given on the command line). */
export interface InputFlags {
  config?: string;
  host?: string;
  port?: number | string;
  user?: string;
  identityFile?: string;
  agentSocket?: string;
  hostKey?: string;
  connectDeadline?: number | string;
  dialErrorLimit?: number | string;
  perDialTimeout?: number | string;
  jumpHost?: string;
  jumpPort?: number | string;
  jumpUser?: string;
  jumpIdentityFile?: string;
  jumpHostKey?: string;
  loginServer?: string;
  hostname?: string;
  tag?: string[];
  route?: string[];
  exitNode?: boolean;
  acceptRoutes?: boolean;
  attempts?: number | string;
  retryDelay?: number | string;
  joinTimeout?: number | string;
  stepTimeout?: number | string;
  installMethod?: string;
  installVersion?: string;
  msiUrl?: string;
  joinScriptPath?: string;
  controlKind?: string;
  controlUrl?: string;
  controlTailnet?: string;
  controlUser?: string;
  logout?: boolean;
  uninstall?: boolean;
  removeFromControlServer?: boolean;
}

/** Inputs as assembled before validation: any part may be missing or ill-typed. */
export type DraftInputs = Record<string, unknown>;

/** Where each property comes from on the command line, for failure messages. */
const PROPERTY_SOURCES: Record<string, string> = {
  connection: `${SECRET_ENV.password} / --password-file, --identity-file or --agent-socket`,
  "connection.host": "--host",
  "connection.port": "--port",
  "connection.user": "--user",
  "connection.password": `${SECRET_ENV.password} / --password-file`,
  "connection.privateKey": "--identity-file",
  "connection.privateKeyPassword": SECRET_ENV.keyPassphrase,
  "connection.agentSocketPath": "--agent-socket",
  "connection.hostKey": "--host-key",
  "connection.connectDeadlineSeconds": "--connect-deadline",
  "connection.dialErrorLimit": "--dial-error-limit",
  "connection.perDialTimeout": "--per-dial-timeout",
  "connection.proxy": `${SECRET_ENV.jumpPassword}, --jump-identity-file or --agent-socket`,
  "connection.proxy.host": "--jump-host",
  "connection.proxy.port": "--jump-port",
  "connection.proxy.user": "--jump-user",
  "connection.proxy.password": SECRET_ENV.jumpPassword,
  "connection.proxy.privateKey": "--jump-identity-file",
  "connection.proxy.privateKeyPassword": SECRET_ENV.jumpKeyPassphrase,
  "connection.proxy.hostKey": "--jump-host-key",
  authKey: `${SECRET_ENV.authKey} / --auth-key-file / --auth-key-stdin`,
  loginServer: "--login-server",
  hostname: "--hostname",
  advertiseTags: "--tag",
  advertiseRoutes: "--route",
  advertiseExitNode: "--exit-node",
  acceptRoutes: "--no-accept-routes",
  joinAttempts: "--attempts",
  joinRetryDelaySeconds: "--retry-delay",
  joinTimeoutSeconds: "--join-timeout",
  stepTimeoutSeconds: "--step-timeout",
  "install.method": "--install-method",
  "install.version": "--install-version",
  "install.msiUrl": "--msi-url",
  joinScriptPath: "--join-script-path",
  controlServer: "--control-kind",
  "controlServer.kind": "--control-kind",
  "controlServer.url": "--control-url",
  "controlServer.apiKey": `${SECRET_ENV.controlApiKey} / --control-api-key-file`,
  "controlServer.tailnet": "--control-tailnet",
  "controlServer.user": "--control-user",
  "onDelete.logout": "--logout",
  "onDelete.uninstall": "--uninstall",
  "onDelete.removeFromControlServer": "--remove-from-control-server",
};

/** Properties that hold secrets: refused in the config file, which is often committed or shared. */
const SECRET_PATHS = [
  ["authKey"],
  ["connection", "password"],
  ["connection", "privateKey"],
  ["connection", "privateKeyPassword"],
  ["connection", "proxy", "password"],
  ["connection", "proxy", "privateKey"],
  ["connection", "proxy", "privateKeyPassword"],
  ["controlServer", "apiKey"],
] as const;

/** A number flag: a whole number becomes a number; anything else stays text for checkInputs to name. */
export function numberFlag(value: string): number | string {
  return /^[+-]?\d+$/.test(value.trim()) ? Number(value) : value;
}

export function readConfigFile(file: string): DraftInputs {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(file), "utf8");
  } catch (error) {
    throw new UsageError(`--config ${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--config ${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(config)) throw new UsageError(`--config ${file}: must hold one JSON object with the node's inputs (see docs/inputs.md)`);
  const secrets = SECRET_PATHS.filter((p) => valueAt(config, p) !== undefined).map((p) => p.join("."));
  if (secrets.length > 0) {
    throw new UsageError(
      `--config ${file}: holds secrets, which do not belong in a config file (it is easily committed or shared)`,
      secrets.map((property) => ({ property, reason: `remove it from the file; give it with ${PROPERTY_SOURCES[property]}` })),
    );
  }
  return withoutNulls(config);
}

/** null means unset, as checkInputs reads it; dropping it here keeps the flags' merge simple. */
function withoutNulls(value: DraftInputs): DraftInputs {
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, isRecord(v) ? withoutNulls(v) : v]),
  );
}

/** The flags as a partial NodeInputs (files named by flags are read here). */
export function inputsFromFlags(flags: InputFlags): DraftInputs {
  const jump = pruned({
    host: flags.jumpHost,
    port: flags.jumpPort,
    user: flags.jumpUser,
    privateKey: flags.jumpIdentityFile === undefined ? undefined : readKeyFile(flags.jumpIdentityFile, "--jump-identity-file"),
    hostKey: flags.jumpHostKey,
  });
  return pruned({
    connection: {
      host: flags.host,
      port: flags.port,
      user: flags.user,
      privateKey: flags.identityFile === undefined ? undefined : readKeyFile(flags.identityFile, "--identity-file"),
      agentSocketPath: flags.agentSocket,
      hostKey: flags.hostKey,
      connectDeadlineSeconds: flags.connectDeadline,
      dialErrorLimit: flags.dialErrorLimit,
      perDialTimeout: flags.perDialTimeout,
      proxy: jump,
    },
    loginServer: flags.loginServer,
    hostname: flags.hostname,
    advertiseTags: flags.tag,
    advertiseRoutes: flags.route,
    advertiseExitNode: flags.exitNode,
    acceptRoutes: flags.acceptRoutes,
    joinAttempts: flags.attempts,
    joinRetryDelaySeconds: flags.retryDelay,
    joinTimeoutSeconds: flags.joinTimeout,
    stepTimeoutSeconds: flags.stepTimeout,
    install: { method: flags.installMethod, version: flags.installVersion, msiUrl: flags.msiUrl },
    joinScriptPath: flags.joinScriptPath,
    controlServer: { kind: flags.controlKind, url: flags.controlUrl, tailnet: flags.controlTailnet, user: flags.controlUser },
    onDelete: { logout: flags.logout, uninstall: flags.uninstall, removeFromControlServer: flags.removeFromControlServer },
  });
}

/** The config file, with the flags over it. */
export function overlayFromCommandLine(flags: InputFlags): DraftInputs {
  const config = flags.config === undefined ? {} : readConfigFile(flags.config);
  return merged(config, inputsFromFlags(flags));
}

/**
 * Adds the secrets. A passphrase is only used with a key (an exported MESH_SSH_KEY_PASSPHRASE must
 * not break a password login), and the control server's API key only with a control server. With no
 * way to log in at all, the ssh-agent of SSH_AUTH_SOCK is used, as ssh does.
 */
export function withSecrets(draft: DraftInputs, secrets: Secrets, io: CliIo): DraftInputs {
  const connection = isRecord(draft.connection) ? { ...draft.connection } : {};
  addCredentials(connection, secrets.password, secrets.keyPassphrase, io);
  if (isRecord(connection.proxy)) {
    const proxy = { ...connection.proxy };
    addCredentials(proxy, secrets.jumpPassword, secrets.jumpKeyPassphrase, io);
    connection.proxy = proxy;
  }
  const out: DraftInputs = { ...draft, connection };
  if (secrets.authKey !== undefined) out.authKey = secrets.authKey;
  if (secrets.controlApiKey !== undefined && isRecord(draft.controlServer)) out.controlServer = { ...draft.controlServer, apiKey: secrets.controlApiKey };
  return out;
}

function addCredentials(hop: Record<string, unknown>, password: string | undefined, passphrase: string | undefined, io: CliIo): void {
  if (password !== undefined) hop.password = password;
  if (passphrase !== undefined && hop.privateKey !== undefined) hop.privateKeyPassword = passphrase;
  const agent = io.env.SSH_AUTH_SOCK;
  if (hop.password === undefined && hop.privateKey === undefined && hop.agentSocketPath === undefined && agent) hop.agentSocketPath = agent;
}

/** The CLI records its version like the resource does, so the state file says what wrote it. */
export function withProviderVersion(draft: DraftInputs): DraftInputs {
  return { ...draft, providerVersion: packageVersion() };
}

/**
 * Validates with the engine's checkInputs. `notNeeded` lists properties whose failures do not
 * matter to this command (status does not need the auth key, for instance).
 */
export function validated(draft: DraftInputs, notNeeded: readonly string[] = []): NodeInputs {
  const result = checkInputs(draft);
  if ("inputs" in result) return result.inputs;
  const failures = result.failures.filter((f) => !notNeeded.includes(f.property));
  if (failures.length > 0) throw new UsageError("invalid input", failures.map(withSource));
  // Only not-needed properties failed: the draft is otherwise valid, and the command never reads them.
  return draft as unknown as NodeInputs;
}

function withSource(failure: CheckFailure): CheckFailure {
  const base = failure.property.replace(/\[\d+\]$/, "");
  const source = PROPERTY_SOURCES[base];
  return { property: source ? `${failure.property} (${source})` : failure.property, reason: failure.reason };
}

// ---------------------------------------------------------------- plain-object helpers

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `over` on top of `base`: objects merge property by property, anything else (lists included)
 * replaces; an undefined value in `over` changes nothing.
 */
export function merged(base: DraftInputs, over: DraftInputs): DraftInputs {
  const out: DraftInputs = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isRecord(current) && isRecord(value) ? merged(current, value) : value;
  }
  return out;
}

/** Without undefined values and without objects left empty (an empty `proxy` would be a failure). */
function pruned(value: DraftInputs): DraftInputs {
  const out: DraftInputs = {};
  for (const [key, v] of Object.entries(withoutUndefined(value))) {
    if (isRecord(v)) {
      const inner = pruned(v);
      if (Object.keys(inner).length > 0) out[key] = inner;
    } else out[key] = v;
  }
  return out;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) current = isRecord(current) ? current[key] : undefined;
  return current;
}
