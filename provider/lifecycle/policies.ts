/**
 * Tailscale's system policies (HKLM\SOFTWARE\Policies\Tailscale, from the MSI's TS_* properties or
 * Group Policy) that concern the node's inputs, in one table. On every start the daemon forces the
 * preferences a policy sets to "always" or "never", whatever `tailscale up` asked for: a policy set by
 * someone else that contradicts an input would undo it silently and show as a change on every
 * refresh, so it is an error before joining (and a warning on refresh), naming both. Two policies
 * are the provider's own (autoUpdate, dnsRegistration): the join step writes them, because
 * `tailscale up --reset` cannot undo a policy. Pure functions.
 */
import { MeshError } from "../common/errors";
import type { NodeInputs } from "../node/types";
import type { PolicyValue } from "../scripts/catalogue";

type Forced = boolean | string | undefined;

interface ReadPolicy {
  name: string;
  input: keyof NodeInputs;
  /** The input value the policy forces, or undefined when it leaves the choice to the node. */
  forces: (value: string) => Forced;
}

const alwaysNever = (value: string): Forced => (value === "always" ? true : value === "never" ? false : undefined);
const inverted = (value: string): Forced => (value === "always" ? false : value === "never" ? true : undefined);
const anyText = (value: string): Forced => (value === "" ? undefined : value);

/** Policies set by others that can contradict an input (ipn/ipnlocal applySysPolicy). */
const READ_POLICIES: readonly ReadPolicy[] = [
  { name: "UseTailscaleDNSSettings", input: "acceptDns", forces: alwaysNever },
  { name: "AllowIncomingConnections", input: "shieldsUp", forces: inverted },
  { name: "UseTailscaleSubnets", input: "acceptRoutes", forces: alwaysNever },
  { name: "AdvertiseExitNode", input: "advertiseExitNode", forces: alwaysNever },
  { name: "ExitNodeAllowLANAccess", input: "exitNodeAllowLanAccess", forces: alwaysNever },
  { name: "ExitNodeID", input: "exitNode", forces: anyText },
  { name: "ExitNodeIP", input: "exitNode", forces: anyText },
];

/** The provider's own policies: written by the join step from an input, removed when the input is unset again. */
const WRITTEN_POLICIES = [
  { name: "InstallUpdates", input: "autoUpdate", valueOf: (v: unknown) => (v === true ? "always" : "never") },
  { name: "EnableDNSRegistration", input: "dnsRegistration", valueOf: (v: unknown) => String(v) },
] as const;

/** Every policy name the probe reads. */
export const POLICY_NAMES: readonly string[] = [...READ_POLICIES.map((p) => p.name), ...WRITTEN_POLICIES.map((p) => p.name)];

export interface PolicyConflict {
  policy: string;
  value: string;
  input: string;
  /** The sentence naming all three and what to do (no input value: an exit node is not secret, but stays out all the same). */
  message: string;
}

/**
 * Policies set on the host that contradict an input given explicitly (an unset input takes whatever
 * the policy says, which is no conflict). `policies`: the probe's reading, name -> value.
 */
export function policyConflicts(inputs: NodeInputs, policies: Readonly<Record<string, string>>): PolicyConflict[] {
  const conflicts: PolicyConflict[] = [];
  for (const { name, input, forces } of READ_POLICIES) {
    const value = policies[name];
    const given = inputs[input];
    if (value === undefined || given === undefined) continue;
    const forced = forces(value);
    if (forced === undefined || forced === given) continue;
    conflicts.push({
      policy: name,
      value,
      input,
      message:
        `the system policy ${name}="${value}" (HKLM\\SOFTWARE\\Policies\\Tailscale, set by Group Policy or the MSI) contradicts the input ${input}: ` +
        `Tailscale applies the policy over \`tailscale up\`; remove or change the policy on the host (or in the GPO that sets it), or ${forcedAdvice(input, forced)}`,
    });
  }
  return conflicts;
}

/** The error create and update fail with, before anything changes on the host. */
export function policyConflictError(host: string, conflicts: readonly PolicyConflict[]): MeshError {
  return new MeshError(`a system policy on the host contradicts ${conflicts.map((c) => c.input).join(", ")}`, {
    kind: "policy-conflict",
    host,
    step: "probe",
    seen: conflicts.map((c) => c.message).join("\n"),
    hint: "Tailscale applies system policies over `tailscale up`: remove or change the policy, or change the input as each line says; nothing was changed on the host",
  });
}

function forcedAdvice(input: string, forced: boolean | string): string {
  return typeof forced === "boolean" ? `set ${input} to ${forced} (or leave it out)` : `leave ${input} out`;
}

/** Inputs a policy on the host forces to a value (whatever the node asks): the daemon applies it over every `up`. */
export function forcedInputs(policies: Readonly<Record<string, string>>): string[] {
  return READ_POLICIES.filter(({ name, forces }) => policies[name] !== undefined && forces(policies[name]) !== undefined).map((p) => p.input);
}

/**
 * The provider's own policy values for the join step: one per input that is set, and a removal
 * (value null) for one the previous operation wrote and the inputs no longer set. Others are untouched.
 * With no inputs: every one the previous operation wrote, to remove (delete).
 */
export function writtenPolicyValues(inputs: Partial<NodeInputs>, previous?: Partial<NodeInputs>): PolicyValue[] {
  const values: PolicyValue[] = [];
  for (const { name, input, valueOf } of WRITTEN_POLICIES) {
    if (inputs[input] !== undefined) values.push({ name, value: valueOf(inputs[input]) });
    else if (previous?.[input] !== undefined) values.push({ name, value: null });
  }
  return values;
}

/** The provider's own policies whose value on the host is not what the inputs set (a refresh's drift). */
export function writtenPolicyDrift(inputs: Partial<NodeInputs>, policies: Readonly<Record<string, string>>): string[] {
  return WRITTEN_POLICIES.filter(({ name, input, valueOf }) => inputs[input] !== undefined && policies[name] !== valueOf(inputs[input])).map((p) => p.name);
}
