/**
 * read (pulumi refresh): one connection, one passive probe, nothing changed on the host. What the
 * probe finds that differs from the declared state is reported as `drift`, which makes the next
 * `pulumi up` run an update that repairs it.
 */
import { isMeshError } from "../common/errors";
import { DEFAULT_STATE_DIR, type ProbeResult } from "../scripts/catalogue";
import { connectionSettings, secretsOf, withDefaults } from "./inputs";
import type { NodeOutputs } from "./model";
import { withOperation, type OperationOptions } from "./operation";
import { withoutUndefined } from "./outputs";

/** A refresh should not hang for the full create deadline on a host that is down. */
const READ_CONNECT_DEADLINE_MS = 60_000;

export type DriftKind =
  | "tailscale-missing"
  | "service-stopped"
  | "service-disabled"
  | "login-url-changed"
  | "not-connected"
  | "join-script-present"
  | "key-file-present";

export interface ReadOutcome {
  outputs: NodeOutputs;
  /** Set when the host could not be reached and the last known state was kept. */
  warning?: string;
}

export async function readNode(previous: NodeOutputs, options: OperationOptions = {}): Promise<ReadOutcome> {
  const inputs = withDefaults(previous);
  const settings = connectionSettings(inputs.connection, previous.hostKey);
  settings.connectDeadlineMs = Math.min(settings.connectDeadlineMs, READ_CONNECT_DEADLINE_MS);
  let probe: ProbeResult;
  try {
    probe = await withOperation(settings, secretsOf(inputs), inputs.stepTimeoutSeconds * 1000, options, (op) =>
      op.step("probe", { joinScriptPath: inputs.joinScriptPath, stateDir: DEFAULT_STATE_DIR }),
    );
  } catch (e) {
    // Unreachable or slow: keep what we knew. A changed host key or rejected credentials must fail loudly.
    if (isMeshError(e, "ssh-unreachable") || isMeshError(e, "ssh-dropped") || isMeshError(e, "step-timeout")) {
      const warning = `host unreachable during refresh; keeping the last known state (${e.message.split("\n")[0]})`;
      options.log?.(warning);
      return { outputs: previous, warning };
    }
    throw e;
  }
  return { outputs: applyProbe(previous, probe) };
}

/** The refreshed outputs: the previous ones with what the probe observed. */
export function applyProbe(previous: NodeOutputs, probe: ProbeResult): NodeOutputs {
  const connected = probe.tailscaleIps.length > 0;
  const joinedNow = previous.state === "joined" || connected;
  const drift: DriftKind[] = [];
  if (!probe.tailscale.installed) drift.push("tailscale-missing");
  if (probe.service && probe.service.status !== "Running") drift.push("service-stopped");
  if (probe.service && probe.service.startType === "Disabled") drift.push("service-disabled");
  if (probe.tailscale.installed && (probe.policy.loginUrl ?? undefined) !== (previous.loginServer ?? undefined)) drift.push("login-url-changed");
  if (joinedNow && !connected) drift.push("not-connected");
  if (joinedNow && probe.joinScriptPresent) drift.push("join-script-present");
  if (probe.keyFiles.length > 0) drift.push("key-file-present");

  return withoutUndefined({
    ...previous,
    state: joinedNow ? "joined" : "pending-manual",
    pendingReason: joinedNow ? "" : previous.pendingReason,
    tailscaleIps: probe.tailscaleIps,
    tailscaleVersion: probe.tailscale.version ?? "",
    // Once joined, the script and the command are no longer needed (and the script holds a key).
    joinScript: joinedNow ? "" : previous.joinScript,
    manualCommand: joinedNow ? "" : previous.manualCommand,
    drift,
  });
}
