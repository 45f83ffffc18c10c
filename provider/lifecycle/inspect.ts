/**
 * read (pulumi refresh): one connection, one passive probe, nothing changed on the host. With a
 * `controlServer`, its node list is fetched at the same time, and this host's node is picked from
 * it once the probe has said which addresses the host has; its key expiry and any other node
 * claiming the host are judged then (findings.ts). What differs from the declared state is reported
 * as `drift`, which makes the next `pulumi up` run an update that repairs it; what needs a person is
 * reported in `warnings`.
 *
 * Neither side can sink the other: an unreachable host keeps the last known state, and a control
 * server that is down or refuses the API key leaves the host's view, with a warning.
 */
import { policyConflicts, writtenPolicyDrift } from "./policies";
import { daemonEnvDrift } from "./daemon-env";
import { isMeshError } from "../common/errors";
import { Redactor } from "../common/redact";
import type { ControlNode } from "../control";
import type { ProbeResult } from "../scripts/catalogue";
import { controlNodeOutput, matchNode, readControlServer, type ControlReading } from "./control";
import { secretsOf, withDefaults, type DefaultedInputs } from "../node";
import { connectionSettings } from "./connection-settings";
import type { NodeOutputs } from "../node/types";
import { withOperation, type OperationOptions } from "./operation";
import { withoutUndefined } from "../common/objects";
import { nodeFindings, type Findings } from "./findings";
import { probeParams } from "./probe-params";
import { givenInputs } from "./outputs";
import { prefsDrift, type PrefInput } from "./prefs";

/** A refresh should not hang for the full create deadline on a host that is down. */
const READ_CONNECT_DEADLINE_MS = 60_000;

export type DriftKind =
  | "tailscale-missing"
  | "service-stopped"
  | "service-disabled"
  | "login-url-changed"
  | "policy-changed"
  | "daemon-env-changed"
  | "not-connected"
  | "node-missing"
  | "join-script-present"
  | "key-file-present"
  | "minted-key-not-expired"
  | "key-expired"
  | "key-expiry-enabled"
  | "node-replaced"
  /** Set by create/update: the node was logged out by the restart check's service restart (tailscale#3186). */
  | "lost-after-restart"
  /** A Tailscale option the node set holds another value in the daemon's state file (prefs.ts). */
  | `pref-changed:${PrefInput}`;

export interface ReadOutcome {
  outputs: NodeOutputs;
  /** Set when the host could not be reached and the last known state was kept. */
  warning?: string;
}

export async function readNode(previous: NodeOutputs, options: OperationOptions = {}): Promise<ReadOutcome> {
  const inputs = withDefaults(previous);
  const redactor = new Redactor(secretsOf(inputs));
  const [host, control] = await Promise.all([
    probeHost(inputs, previous.hostKey, redactor, options),
    readControlServer(inputs.controlServer, redactor, inputs.disableKeyExpiry),
  ]);
  if (control.status === "failed") options.log?.(control.warning);
  if ("unreachable" in host) return { outputs: keptOutputs(previous, control, host.unreachable), warning: host.unreachable };
  return { outputs: applyProbe(previous, host.probe, control) };
}

async function probeHost(
  inputs: DefaultedInputs,
  recordedHostKey: string,
  redactor: Redactor,
  options: OperationOptions,
): Promise<{ probe: ProbeResult } | { unreachable: string }> {
  const settings = connectionSettings(inputs.connection, recordedHostKey);
  settings.connectDeadlineMs = Math.min(settings.connectDeadlineMs, READ_CONNECT_DEADLINE_MS);
  try {
    const probe = await withOperation(settings, redactor, inputs.stepTimeoutSeconds * 1000, options, (op) =>
      op.step("probe", probeParams(inputs.joinScriptPath)),
    );
    return { probe };
  } catch (e) {
    // Unreachable or slow: keep what we knew. A changed host key or rejected credentials must fail loudly.
    if (isMeshError(e, "ssh-unreachable") || isMeshError(e, "ssh-dropped") || isMeshError(e, "step-timeout")) {
      const unreachable = `host unreachable during refresh; keeping the last known state (${e.message.split("\n")[0]})`;
      options.log?.(unreachable);
      return { unreachable };
    }
    throw e;
  }
}

/**
 * The refreshed outputs: the previous ones with what the probe observed, and what the control
 * server said when one is configured.
 */
export function applyProbe(previous: NodeOutputs, probe: ProbeResult, control: ControlReading = { status: "not-configured" }): NodeOutputs {
  const node = control.status === "answered" ? matchNode(control.nodes, { ips: probe.tailscaleIps, hostname: previous.hostname ?? probe.computerName }) : null;
  const findings = findingsOf(previous, control, node, probe.tailscaleIps, probe.computerName);
  const onHost = probe.tailscaleIps.length > 0;
  // The control server's word counts as much as the adapter's: a person may have joined the node by other means.
  const seenOnline = node?.online === true;
  const connected = onHost || seenOnline;
  const joinedNow = previous.state === "joined" || connected;

  const drift: DriftKind[] = [];
  if (!probe.tailscale.installed) drift.push("tailscale-missing");
  if (probe.service && probe.service.status !== "Running") drift.push("service-stopped");
  if (probe.service && probe.service.startType === "Disabled") drift.push("service-disabled");
  if (probe.tailscale.installed && (probe.policy.loginUrl ?? undefined) !== (previous.loginServer ?? undefined)) drift.push("login-url-changed");
  if (joinedNow && !connected) drift.push("not-connected");
  if (joinedNow && control.status === "answered" && node === null) drift.push("node-missing");
  if (joinedNow && probe.joinScriptPresent) drift.push("join-script-present");
  if (probe.keyFiles.length > 0) drift.push("key-file-present");
  if (joinedNow && previous.mintedKey) drift.push("minted-key-not-expired");
  if (probe.tailscale.installed && writtenPolicyDrift(previous, probe.systemPolicies).length > 0) drift.push("policy-changed");
  if (probe.tailscale.installed && daemonEnvDrift(previous, probe.daemonEnv).length > 0) drift.push("daemon-env-changed");
  if (joinedNow) drift.push(...prefsDrift({ ...withDefaults(previous), routesNote: previous.routesNote }, probe).map((input) => `pref-changed:${input}` as const));
  drift.push(...findings.drift);
  // Not drift: the next `up` could not repair it (it refuses to join against the policy).
  const conflicts = policyConflicts(givenInputs(previous), probe.systemPolicies).map((c) => `policy-conflict: ${c.message}`);

  const withControl = withControlReading(previous, control, node);
  return withoutUndefined({
    ...withControl,
    warnings: [...(withControl.warnings ?? []), ...findings.warnings, ...conflicts],
    state: joinedNow ? "joined" : "pending-manual",
    pendingReason: joinedNow ? "" : previous.pendingReason,
    tailscaleIps: onHost ? probe.tailscaleIps : seenOnline ? node.ipAddresses : [],
    nodeName: previous.nodeName || (node ? firstLabel(node.name) : ""),
    tailscaleVersion: probe.tailscale.version ?? "",
    // Once joined, the script and the command are no longer needed (and the script holds a key).
    joinScript: joinedNow ? "" : previous.joinScript,
    manualCommand: joinedNow ? "" : previous.manualCommand,
    drift,
  });
}

/** The host could not be asked: its part of the state stays as last known; the control server's answer is still news. */
function keptOutputs(previous: NodeOutputs, control: ControlReading, unreachable: string): NodeOutputs {
  const identity = { ips: previous.tailscaleIps, hostname: previous.hostname || previous.nodeName };
  const node = control.status === "answered" ? matchNode(control.nodes, identity) : null;
  const outputs = withControlReading(previous, control, node);
  // The host's drift stays as last known; what the control server says needs a person all the same.
  const { warnings } = findingsOf(previous, control, node, previous.tailscaleIps, "");
  return withoutUndefined({ ...outputs, warnings: [...(outputs.warnings ?? []), unreachable, ...warnings] });
}

/** Key expiry and duplicate identities, when the control server answered. */
function findingsOf(previous: NodeOutputs, control: ControlReading, node: ControlNode | null, ips: readonly string[], computerName: string): Findings {
  if (control.status !== "answered") return { drift: [], warnings: [] };
  const { disableKeyExpiry, keyExpiryWarningDays } = withDefaults(previous);
  return nodeFindings({
    nodes: control.nodes,
    node,
    ips,
    hostname: previous.hostname,
    computerName,
    recordedNodeId: previous.controlNode?.id,
    disableKeyExpiry,
    keyExpiryWarningDays,
    canDisableKeyExpiry: control.canDisableKeyExpiry,
    now: new Date(control.checkedAt),
  });
}

/**
 * `controlNode` and `warnings` as this refresh leaves them: a new answer replaces the old one, a
 * failed request keeps it (its `checkedAt` shows its age) and says why, and no control server means
 * no `controlNode`.
 */
function withControlReading(previous: NodeOutputs, control: ControlReading, node: ControlNode | null): NodeOutputs {
  const { controlNode, ...rest } = previous;
  switch (control.status) {
    case "not-configured":
      return { ...rest, warnings: [] };
    case "answered":
      return { ...rest, controlNode: controlNodeOutput(node, control.checkedAt), warnings: [] };
    case "failed":
      return { ...rest, ...(controlNode && { controlNode }), warnings: [control.warning] };
  }
}

/** Tailscale names nodes by their MagicDNS name; the node's own name is its first label. */
function firstLabel(name: string): string {
  return name.split(".")[0] ?? name;
}
