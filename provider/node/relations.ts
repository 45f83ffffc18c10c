/**
 * Check rules between properties: what no single property's rule can see (a way to log in, a key or
 * a control server to mint one, the control server's credential, flags that need another property, a
 * step timeout long enough for the join it must hold). Values unknown during preview count as given.
 */
import { credentialProblem } from "../control/credentials";
import { DAEMON_WAIT_SECONDS, UP_KILL_MARGIN_SECONDS } from "../scripts/catalogue";
import { DEFAULTS } from "./defaults";
import { CONTROL_SERVER_KIND } from "./spec/control-server";
import { walkFields } from "./declare";
import { NODE_INPUTS } from "./spec/inputs";
import { installFailures } from "./install-relations";
import { nodeOptionFailures } from "./option-relations";
import { propertySchema } from "./schema";
import type { CheckFailure } from "./check";
import { isRecord, isUnknown } from "./unknown";

/** Longest time before the first attempt: the service's restart (30 s) and the wait for its pipe. */
const SERVICE_RESTART_SECONDS = 30 + DAEMON_WAIT_SECONDS;

/** Every input property with its path, for the rules the declaration states (onlyWhen). */
const FIELDS = [...walkFields(NODE_INPUTS)];
const CONTROL_SERVER_KINDS = CONTROL_SERVER_KIND.values.map((v) => v.value as "headscale" | "tailscale");

export function relationFailures(raw: unknown): CheckFailure[] {
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
  if (isRecord(controlServer)) failures.push(...credentialFailures(controlServer, given(raw.authKey) ? undefined : knownTags(raw)));
  if (isRecord(controlServer) && controlServer.kind === "headscale") {
    if (!given(controlServer.url)) {
      failures.push({ property: "controlServer.url", reason: "is required for kind \"headscale\": the Headscale server's base URL, e.g. https://headscale.example.com" });
    }
    if (!given(raw.authKey) && !given(controlServer.user) && knownTags(raw)?.length === 0) {
      failures.push({
        property: "controlServer.user",
        reason:
          "is required to mint an auth key on Headscale when authKey is not set and advertiseTags is empty: the Headscale user the node will belong to (from Headscale 0.28 a key with tags needs no user: set advertiseTags instead)",
      });
    }
  }
  failures.push(...needsControlServer(raw));
  if (isRecord(raw.install) && isRecord(raw.install.proxy)) failures.push(...proxyLoginFailures(raw.install.proxy, "install.proxy"));
  failures.push(...nodeOptionFailures(raw));
  failures.push(...installFailures(raw));

  failures.push(...onlyWhenFailures(raw));

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

/**
 * The control server's credential, by the rules the clients enforce (control/credentials.ts): an API
 * key, or on Tailscale an OAuth client (id and secret, never both ways), whose minted keys need tags.
 * `tags`: what a minted key will carry, when one will be minted (undefined: none is, or not known here).
 */
export function credentialFailures(controlServer: Record<string, unknown>, tags?: readonly string[]): CheckFailure[] {
  const kind = CONTROL_SERVER_KINDS.find((k) => k === controlServer.kind);
  // A missing or unknown kind has its own failure; which credential fits depends on it.
  if (!kind) return [];
  const marker = (value: unknown) => (given(value) ? "given" : undefined);
  const fields = { kind, apiKey: marker(controlServer.apiKey), oauthClientId: marker(controlServer.oauthClientId), oauthClientSecret: marker(controlServer.oauthClientSecret) };
  const problem = credentialProblem(fields, tags);
  if (!problem) return [];
  const property = problem.property === "advertiseTags" ? "advertiseTags" : `controlServer.${problem.property}`;
  return [{ property, reason: `${problem.summary}: ${problem.hint}` }];
}

/** Inputs that act through the control server's API, set without one. */
function needsControlServer(raw: Record<string, unknown>): CheckFailure[] {
  if (given(raw.controlServer)) return [];
  const failures: CheckFailure[] = [];
  if (isRecord(raw.onDelete) && raw.onDelete.removeFromControlServer === true) {
    failures.push({
      property: "onDelete.removeFromControlServer",
      reason: "needs controlServer: the node is removed through the control server's API; set controlServer, or remove this flag",
    });
  }
  if (raw.disableKeyExpiry === true) {
    failures.push({
      property: "disableKeyExpiry",
      reason: "needs controlServer: key expiry is disabled through the control server's API; set controlServer, or remove disableKeyExpiry",
    });
  }
  return failures;
}

/** The tags as far as check can know them: a list (empty when unset), or undefined while unknown or ill-typed. */
function knownTags(raw: Record<string, unknown>): string[] | undefined {
  const tags = raw.advertiseTags ?? [];
  return Array.isArray(tags) && !tags.some(isUnknown) ? tags.filter((tag): tag is string => typeof tag === "string") : undefined;
}

/** The ways an SSH hop logs in: at least one must be given (the CLI names their sources too). */
export const LOGIN_FIELDS = ["password", "privateKey", "agentSocketPath"] as const;

function authFailures(ssh: Record<string, unknown>, path: string): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (!LOGIN_FIELDS.some((name) => given(ssh[name]))) {
    const [password, privateKey, agent] = LOGIN_FIELDS.map((name) => `${path}.${name}`);
    failures.push({ property: path, reason: `has no way to log in: give one of ${password}, ${privateKey} or ${agent}` });
  }
  if (given(ssh.privateKeyPassword) && !given(ssh.privateKey)) {
    failures.push({
      property: `${path}.privateKeyPassword`,
      reason: `is only used to decrypt ${path}.privateKey, which is not set: set privateKey or remove privateKeyPassword`,
    });
  }
  return failures;
}

/** A proxy's login is a pair: the host builds one credential from both, and neither means anything alone. */
function proxyLoginFailures(proxy: Record<string, unknown>, path: string): CheckFailure[] {
  if (given(proxy.username) === given(proxy.password)) return [];
  const [missing, present] = given(proxy.username) ? ["password", "username"] : ["username", "password"];
  return [{ property: `${path}.${missing}`, reason: `is required with ${path}.${present}: the proxy's login is the two together; set both, or neither for a proxy without a login` }];
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
  return typeof value === "number" && propertySchema(property).safeParse(value).success ? value : undefined;
}

/** Properties given where a sibling enum says they are not used (onlyWhen in the declaration). */
function onlyWhenFailures(raw: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const [path, field] of FIELDS) {
    if (!field.onlyWhen) continue;
    const parts = path.split(".");
    const name = parts.pop()!;
    const parent = parts.reduce<unknown>((at, key) => (isRecord(at) ? at[key] : undefined), raw);
    if (!isRecord(parent) || !given(parent[name])) continue;
    const { sibling, value } = field.onlyWhen;
    const siblingField = FIELDS.find(([p]) => p === [...parts, sibling].join("."))?.[1];
    // An unset sibling has its default; an unknown or invalid one has its own failure.
    const actual = parent[sibling] ?? (siblingField?.kind === "enum" ? siblingField.default : undefined);
    const known = siblingField?.kind === "enum" && siblingField.type.values.some((v) => v.value === actual);
    if (known && actual !== value) {
      const siblingPath = [...parts, sibling].join(".");
      failures.push({ property: path, reason: `is only used with ${siblingPath} "${value}" (${sibling} is "${String(actual)}"): remove ${name} or set ${sibling} to "${value}"` });
    }
  }
  return failures;
}

/** Set, or unknown during preview (which may well be set). */
function given(value: unknown): boolean {
  return value !== undefined;
}
