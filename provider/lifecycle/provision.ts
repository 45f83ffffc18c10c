/**
 * create and update: bring a Windows host to the declared state in as few round trips as possible
 * (probe, then install only when needed, then join with its retries on the host).
 */
import { MeshError } from "../common/errors";
import { Redactor } from "../common/redact";
import type { ControlServerClient } from "../control";
import {
  DEFAULT_STATE_DIR,
  FAILURE_RULES,
  UP_KILL_MARGIN_SECONDS,
  DAEMON_WAIT_SECONDS,
  type JoinParams,
  type JoinResult,
  type ProbeResult,
} from "../scripts/catalogue";
import { manualCommand } from "../scripts";
import { secretsOf, withDefaults, type DefaultedInputs } from "../node";
import { connectionSettings } from "./connection-settings";
import { upArgs } from "../scripts/up-args";
import type { NodeInputs, NodeOutputs } from "../node/types";
import { Operation, withOperation, type OperationOptions } from "./operation";
import { controlClientFor, expireKey, hasCredential, mintJoinKey, type MintedJoinKey } from "./control";
import { settleControlServer } from "./settle";
import { joinPolicy, joinScriptFor } from "./join-script";
import { planConverge } from "./plan";
import { policyConflictError, policyConflicts } from "./policies";
import { daemonEnvChange } from "./daemon-env";
import { outputsOf, unsetInputs } from "./outputs";
import { daemonHolder, holderAdvice } from "./daemon-holder";
import { checkSettings, checkWarnings, requireReady } from "./host-checks";
import { probeParams } from "./probe-params";
import { install } from "./install";
import { configure, restartFindings, type HostView } from "./configure";

export async function createNode(raw: NodeInputs, options: OperationOptions = {}): Promise<NodeOutputs> {
  return converge(raw, undefined, options);
}

export async function updateNode(previous: NodeOutputs, raw: NodeInputs, options: OperationOptions = {}): Promise<NodeOutputs> {
  return converge(raw, previous, options);
}

async function converge(raw: NodeInputs, previous: NodeOutputs | undefined, options: OperationOptions): Promise<NodeOutputs> {
  const inputs = withDefaults(raw);
  const settings = connectionSettings(inputs.connection, previous?.hostKey);
  const redactor = new Redactor(secretsOf(inputs));
  return withOperation(settings, redactor, inputs.stepTimeoutSeconds * 1000, options, async (op) => {
    const probe = await op.step("probe", probeParams(inputs.joinScriptPath, checkSettings(inputs)));
    requireAdmin(op, probe);
    requireReady(op, probe.checks ?? []);
    // A policy set by someone else that contradicts an input would undo it after every join: refused before anything changes.
    const conflicts = policyConflicts(raw, probe.systemPolicies);
    if (conflicts.length > 0) throw policyConflictError(op.label, conflicts);
    const plan = planConverge(probe, inputs, previous && { ...previous, ...withDefaults(previous) });
    op.log(plan.reasons.length ? `plan: ${plan.reasons.join("; ")}` : "plan: nothing to do");

    if (!probe.tailscale.installed && inputs.install.method === "none") {
      throw new MeshError("Tailscale is not installed and install.method is \"none\"", {
        kind: "install-failed",
        host: op.label,
        step: "install",
        hint: "install Tailscale on the host first, or set install.method to \"msi\" or \"winget\"",
      });
    }
    const control = hasCredential(inputs.controlServer) ? controlClientFor(inputs.controlServer, redactor) : undefined;
    // Minted before anything changes on the host: a control server that refuses fails the operation first.
    const joinKey = plan.join ? await keyForJoin(op, inputs, control) : undefined;

    let outputs: NodeOutputs;
    try {
      await removeScriptAtOldPath(op, previous, inputs);
      let version = probe.tailscale.version;
      if (plan.install) version = await install(op, inputs, probe);
      if (plan.cleanup) {
        await op.step("cleanup", { joinScriptPath: inputs.joinScriptPath, stateDir: DEFAULT_STATE_DIR, logout: false, uninstall: false });
      }
      const base = { inputs, hostKey: op.session.hostKeyFingerprint, tailscaleVersion: version ?? "" };
      if (joinKey) outputs = outputsAfterJoin(base, await join(op, inputs, joinKey, previous));
      else outputs = outputsWithoutJoin(base, plan.configure && previous ? await configure(op, inputs, previous) : probe, previous);
    } catch (error) {
      // Nothing holds the minted key (a failed join leaves no script): it must not outlive the operation.
      if (joinKey?.minted && control) await expireKey(control, joinKey.minted, "the operation failed", (line) => op.log(line));
      throw error;
    }
    const settled = await settleControlServer(control, { inputs, previous, minted: joinKey?.minted, outputs }, (line) => op.log(line));
    const warnings = [...checkWarnings(probe.checks ?? []), ...(settled.outputs.warnings ?? []), ...settled.warnings];
    return { ...settled.outputs, defaultedInputs: unsetInputs(raw), warnings: warnings.map((warning) => redactor.text(warning)) };
  });
}

interface JoinKey {
  /** Secret. */
  key: string;
  /** Set when the key was minted for this join (no authKey given). */
  minted?: MintedJoinKey;
}

async function keyForJoin(op: Operation, inputs: DefaultedInputs, control: ControlServerClient | undefined): Promise<JoinKey> {
  if (inputs.authKey) return { key: inputs.authKey };
  if (!control || !inputs.controlServer) {
    throw new MeshError("no auth key to join with", {
      kind: "invalid-input",
      host: op.label,
      step: "join",
      hint: "set authKey, or controlServer (with its apiKey or OAuth client) so that a key can be minted for this node",
    });
  }
  const minted = await mintJoinKey(control, inputs.controlServer, inputs.advertiseTags, (line) => op.log(line));
  return { key: minted.key, minted };
}

/** A moved joinScriptPath must not leave the old script (it holds a key) behind. */
async function removeScriptAtOldPath(op: Operation, previous: NodeOutputs | undefined, inputs: DefaultedInputs): Promise<void> {
  const oldPath = previous?.joinScriptPath;
  if (!oldPath || oldPath.toLowerCase() === inputs.joinScriptPath.toLowerCase()) return;
  op.log("joinScriptPath changed: removing the script at its old path");
  await op.step("cleanup", { joinScriptPath: oldPath, stateDir: DEFAULT_STATE_DIR, logout: false, uninstall: false });
}

function requireAdmin(op: Operation, probe: ProbeResult): void {
  if (probe.isAdmin) return;
  throw new MeshError("the SSH user is not an administrator on the host", {
    kind: "not-admin",
    host: op.label,
    step: "probe",
    hint: "connect as a member of the local Administrators group (installing Tailscale and writing its policy need it)",
  });
}

interface JoinOutcome {
  /** A failed join is thrown (joinFailure), never returned. */
  result: Exclude<JoinResult, { outcome: "failed" }>;
  /** The script written to the host when the result is pending-manual (a secret). */
  joinScriptText: string;
  /** The key minted for this join, if any. */
  minted?: MintedJoinKey;
}

async function join(op: Operation, inputs: DefaultedInputs, { key: authKey, minted }: JoinKey, previous?: NodeOutputs): Promise<JoinOutcome> {
  const args = upArgs(inputs);
  const policy = joinPolicy(inputs, previous);
  const joinScriptText = joinScriptFor(inputs, authKey, previous);
  const params: JoinParams = {
    policy,
    daemonEnv: daemonEnvChange(inputs, previous),
    acceptRoutes: inputs.acceptRoutes,
    upArgs: args,
    authKey,
    attempts: inputs.joinAttempts,
    retryDelaySeconds: inputs.joinRetryDelaySeconds,
    timeoutSeconds: inputs.joinTimeoutSeconds,
    upKillMarginSeconds: UP_KILL_MARGIN_SECONDS,
    daemonWaitSeconds: DAEMON_WAIT_SECONDS,
    verifyRestart: inputs.verifyRestart,
    rules: FAILURE_RULES,
    stateDir: DEFAULT_STATE_DIR,
    joinScriptPath: inputs.joinScriptPath,
    joinScriptText,
  };
  op.log(`joining (${inputs.joinAttempts} attempt(s), ${inputs.joinTimeoutSeconds}s each)`);
  const result = await op.step("join", params);
  if (result.outcome === "failed") throw joinFailure(op, result, inputs.joinScriptPath);
  if (result.outcome === "joined" && result.routes) op.log(result.routes.accepted ? "subnet routes of other nodes accepted" : `subnet routes not accepted: ${result.routes.reason}`);
  if (result.outcome === "pending-manual") {
    op.log(`join refused over SSH (${result.reason}); wrote ${inputs.joinScriptPath}: run it once in an interactive session`);
    const holder = daemonHolder(result.attempts);
    if (holder) op.log(holderAdvice(holder));
    if (minted) op.log(`the key in the join script is valid until ${minted.expiresAt}; after that, run up again for a fresh script`);
  }
  return { result, joinScriptText, minted };
}

function joinFailure(op: Operation, result: Extract<JoinResult, { outcome: "failed" }>, joinScriptPath: string): MeshError {
  const seen = result.message || result.attempts.at(-1)?.message || "";
  switch (result.reason) {
    case "join-script-unwritable": {
      const folder = joinScriptPath.replace(/[\\/][^\\/]*$/, "") || joinScriptPath;
      const why = result.attempts.at(-1)?.class ?? "unknown";
      return new MeshError(`tailscale up cannot join over SSH (${why}), and the join script for a person to run could not be written to ${joinScriptPath}`, {
        kind: "join-failed",
        host: op.label,
        step: "join",
        seen,
        hint:
          `choose another joinScriptPath (a folder only Administrators can change; the default is in the product's own state directory), or free disk space or fix the permissions of ${folder} on the host, ` +
          "then run again; nothing holding the key was left on the host",
      });
    }
    case "auth-rejected":
      return new MeshError("the control server rejected the auth key", {
        kind: "auth-rejected",
        host: op.label,
        step: "join",
        seen,
        hint: "create a new auth key (it may be expired, already used, or for another tailnet) and run again; nothing holding the key was left on the host",
      });
    case "service-not-running":
      return new MeshError("the Tailscale service does not start", {
        kind: "service-failed",
        host: op.label,
        step: "join",
        seen,
        hint: "check `Get-Service Tailscale` and the logs in C:\\ProgramData\\Tailscale\\Logs on the host",
      });
    default:
      return new MeshError(`tailscale up failed (${result.reason})`, {
        kind: "join-failed",
        host: op.label,
        step: "join",
        seen,
        hint: "see the message above; nothing holding the key was left on the host",
      });
  }
}

interface BaseOutputs {
  inputs: DefaultedInputs;
  hostKey: string;
  tailscaleVersion: string;
}

function outputsAfterJoin(base: BaseOutputs, { result, joinScriptText, minted }: JoinOutcome): NodeOutputs {
  const common = { tailscaleVersion: base.tailscaleVersion, hostKey: base.hostKey, attempts: result.attempts };
  if (result.outcome === "joined") {
    return outputsOf(base.inputs, {
      ...common,
      ...restartFindings(result.restart),
      state: "joined",
      pendingReason: "",
      tailscaleIps: result.tailscaleIps,
      nodeName: result.nodeName ?? "",
      nodeOwner: result.owner,
      joinScript: "",
      manualCommand: "",
      routesNote: result.routes?.reason ?? "",
    });
  }
  const holder = daemonHolder(result.attempts);
  return outputsOf(base.inputs, {
    ...common,
    state: "pending-manual",
    pendingReason: result.reason,
    tailscaleIps: [],
    nodeName: "",
    joinScript: joinScriptText,
    manualCommand: manualCommand(base.inputs.joinScriptPath, joinScriptText),
    mintedKey: minted && { id: minted.id, expiresAt: minted.expiresAt },
    warnings: holder ? [holderAdvice(holder)] : undefined,
  });
}

/** Nothing was joined: the node is (still) joined, as the probe (or the configure step after it) saw it. */
function outputsWithoutJoin(base: BaseOutputs, host: HostView, previous: NodeOutputs | undefined): NodeOutputs {
  return outputsOf(base.inputs, {
    state: "joined",
    pendingReason: "",
    tailscaleIps: host.tailscaleIps,
    warnings: host.warnings,
    drift: host.drift,
    nodeName: previous?.nodeName ?? "",
    nodeOwner: previous?.nodeOwner,
    tailscaleVersion: base.tailscaleVersion,
    hostKey: base.hostKey,
    joinScript: "",
    manualCommand: "",
    attempts: previous?.attempts ?? [],
    routesNote: previous?.routesNote,
    controlNode: previous?.controlNode,
  });
}
