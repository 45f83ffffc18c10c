/**
 * Deciding what a create or update must do, from what the host looks like now (probe), what the
 * user asks for (inputs) and what the last operation recorded (previous outputs). Pure functions:
 * every decision here is unit-tested without a host.
 */
import type { ProbeResult } from "../scripts/catalogue";
import type { NodeInputs, NodeOutputs } from "../node/types";
import { writtenPolicyDrift } from "./policies";
import { daemonEnvDrift } from "./daemon-env";
import { prefsDrift } from "./prefs";
import { withDefaults } from "../node";

export interface ConvergePlan {
  install: boolean;
  join: boolean;
  /**
   * Apply the node's own policies and the daemon's environment without a new join (the configure
   * step): a joined node whose only changes are there. Never with join, which writes them itself.
   */
  configure: boolean;
  /**
   * Remove leftover secrets with the cleanup step: the join script of a node that is joined and stays
   * so, or auth-key files an interrupted join left behind.
   */
  cleanup: boolean;
  /** Why, in words (no values), for progress lines. */
  reasons: string[];
}

/** Inputs whose change needs a new `tailscale up`. */
const JOIN_INPUTS = [
  "loginServer",
  "hostname",
  "advertiseTags",
  "acceptRoutes",
  "advertiseRoutes",
  "advertiseExitNode",
  "acceptDns",
  "shieldsUp",
  "exitNode",
  "exitNodeAllowLanAccess",
] as const;

/**
 * Inputs the configure step applies without `tailscale up` (the policies the provider writes, the
 * daemon's environment file): a new join would need a fresh auth key and disturb a working node.
 */
const CONFIGURE_INPUTS = ["autoUpdate", "dnsRegistration", "daemon"] as const;

export function planConverge(probe: ProbeResult, inputs: NodeInputs, previous?: NodeOutputs): ConvergePlan {
  const reasons: string[] = [];
  const method = inputs.install?.method ?? "msi";
  const wantedVersion = inputs.install?.version;

  const missing = !probe.tailscale.installed;
  const wrongVersion = !missing && wantedVersion !== undefined && probe.tailscale.version !== wantedVersion;
  const install = method !== "none" && (missing || wrongVersion);
  if (install) reasons.push(missing ? "Tailscale is not installed" : `Tailscale ${probe.tailscale.version} installed, ${wantedVersion} wanted`);

  const joinReasons: string[] = [];
  const configureReasons: string[] = [];
  if (!previous) joinReasons.push("new node");
  else {
    if (previous.state === "pending-manual" && probe.tailscaleIps.length === 0) joinReasons.push("still pending a manual join");
    const changed = JOIN_INPUTS.filter((k) => !sameValue(previous[k], inputs[k]));
    if (changed.length > 0) joinReasons.push(`changed: ${changed.join(", ")}`);
    const reconfigured = CONFIGURE_INPUTS.filter((k) => !sameValue(previous[k], inputs[k]));
    if (reconfigured.length > 0) configureReasons.push(`changed: ${reconfigured.join(", ")}`);
    if (install) joinReasons.push("Tailscale (re)installed");
    if (probe.tailscaleIps.length === 0 && previous.state === "joined") joinReasons.push("the node has no Tailscale address");
    // Only the control server knows; the refresh that asked it recorded the finding.
    if (previous.drift?.includes("node-missing")) joinReasons.push("the node is missing from the control server");
    if (previous.drift?.includes("lost-after-restart")) joinReasons.push("the node did not survive a restart of the Tailscale service");
    if (previous.drift?.includes("key-expired")) joinReasons.push("the node's key has expired on the control server (it joins again to re-authenticate)");
    if ((probe.policy.loginUrl ?? undefined) !== inputs.loginServer) joinReasons.push("LoginURL policy differs");
    const policies = writtenPolicyDrift(inputs, probe.systemPolicies);
    if (policies.length > 0) configureReasons.push(`${policies.join(", ")} policy differs`);
    const envKeys = daemonEnvDrift(inputs, probe.daemonEnv);
    if (envKeys.length > 0) configureReasons.push(`${envKeys.join(", ")} differs in the daemon's environment file`);
    const prefs = prefsDrift({ ...withDefaults(inputs), routesNote: previous.routesNote }, probe);
    if (prefs.length > 0) joinReasons.push(`${prefs.join(", ")} differs in Tailscale's preferences on the host`);
    if (probe.service && (probe.service.status !== "Running" || probe.service.startType !== "Automatic")) {
      joinReasons.push(`service is ${probe.service.status}/${probe.service.startType}`);
    }
  }
  const join = joinReasons.length > 0;
  const configure = !join && configureReasons.length > 0;
  // A join writes the policies and the environment file itself.
  reasons.push(...joinReasons, ...configureReasons.map((reason) => (join ? reason : `${reason}: configure without a new join`)));

  const leftoverScript = !join && probe.joinScriptPresent;
  if (leftoverScript) reasons.push("a join script is still on the host");
  if (probe.keyFiles.length > 0) reasons.push("auth-key files were left on the host");
  return { install, join, configure, cleanup: leftoverScript || probe.keyFiles.length > 0, reasons };
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
