/**
 * What the CLI prints. Progress (the engine's log lines, with the time since the command started)
 * goes to stderr; the result goes to stdout, either for a person or, with --json, as one JSON object.
 * Everything passes through the run's Redactor first, so no secret is printed even if a layer below
 * forgot to redact it.
 */
import { isMeshError } from "../common/errors";
import type { Redactor } from "../common/redact";
import type { AttemptClass, DriftKind } from "../lifecycle";
import type { NodeOutputs } from "../node";
import { EXIT, UsageError, type CliIo, type ExitCode } from "./io";
import type { Target } from "./target";

export class Reporter {
  private readonly started = Date.now();

  constructor(
    private readonly io: CliIo,
    readonly redactor: Redactor,
    readonly json: boolean,
    private readonly quiet: boolean,
  ) {}

  /** A progress line on stderr, e.g. "[   3.2s] [win-01] probe done in 0.4s". */
  readonly progress = (line: string): void => {
    if (this.quiet) return;
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1).padStart(6);
    this.io.stderr(`[${seconds}s] ${this.redactor.text(line)}\n`);
  };

  /** The command's result: the JSON object, or the human text. */
  result(report: Record<string, unknown>, human: string[]): void {
    if (this.json) this.io.stdout(JSON.stringify(this.redactor.value(report), null, 2) + "\n");
    else this.io.stdout(human.map((line) => this.redactor.text(line) + "\n").join(""));
  }

  /**
   * Prints a failure whole (a MeshError carries host, step, what was seen and what to do) and returns
   * its exit code. With --json the failure is the one JSON object on stdout, and also goes to stderr
   * for the person watching.
   */
  failure(command: string, error: unknown, extraHint?: string): ExitCode {
    const message = this.redactor.text(error instanceof Error ? error.message : String(error));
    let lines: string[];
    let details: Record<string, unknown>;
    if (error instanceof UsageError) {
      lines = [`error: ${message}`, ...error.failures.map((f) => `  ${f.property}: ${f.reason}`)];
      details = { kind: "invalid-input", failures: error.failures };
    } else if (isMeshError(error)) {
      lines = [`error: ${message}`];
      details = { kind: error.kind, host: error.host, step: error.step, seen: error.seen, hint: error.hint };
    } else {
      // Not a failure the engine foresaw: the stack is what a bug report needs.
      lines = [`unexpected error (a bug; please report it): ${error instanceof Error ? (error.stack ?? message) : message}`];
      details = { kind: "unexpected" };
    }
    if (extraHint) lines.push(`  ${extraHint}`);
    this.io.stderr(lines.map((line) => this.redactor.text(line) + "\n").join(""));
    if (this.json) {
      const state = error instanceof UsageError ? "invalid-input" : "failed";
      const report = { command, state, error: { message, ...details, extraHint } };
      this.io.stdout(JSON.stringify(this.redactor.value(report), null, 2) + "\n");
    }
    return error instanceof UsageError || isMeshError(error, "invalid-input") ? EXIT.usage : EXIT.failed;
  }
}

// ---------------------------------------------------------------- a node's state

/** The node as --json reports it: what a script needs, never a secret. */
export function nodeReport(command: string, target: Target, outputs: NodeOutputs): Record<string, unknown> {
  return {
    command,
    host: target.label,
    state: outputs.state,
    pendingReason: outputs.pendingReason,
    tailscaleIps: outputs.tailscaleIps,
    nodeName: outputs.nodeName,
    tailscaleVersion: outputs.tailscaleVersion,
    hostKey: outputs.hostKey,
    manualCommand: outputs.manualCommand,
    joinScriptPath: outputs.joinScriptPath,
    attempts: outputs.attempts,
    drift: outputs.drift ?? [],
    warnings: outputs.warnings ?? [],
    ...(outputs.controlNode && { controlNode: outputs.controlNode }),
    stateFile: target.stateFile,
  };
}

export function exitCodeOf(outputs: NodeOutputs): ExitCode {
  return outputs.state === "joined" ? EXIT.joined : EXIT.pendingManual;
}

/** Why a join could not finish over SSH, in words a newcomer can act on. */
const PENDING_REASONS: Record<AttemptClass, string> = {
  "daemon-unreachable":
    "Windows keeps SSH sessions apart from the Tailscale service's session, so `tailscale up` run over SSH cannot reach the service (it is running; the SSH session just cannot talk to it)",
  "in-use": "the Tailscale service belongs to another Windows user's session, and refuses `tailscale up` from this one",
  timeout: "`tailscale up` timed out on every attempt",
  "service-not-running": "the Tailscale service was not running",
  "auth-rejected": "the control server rejected the auth key",
  joined: "",
  other: "`tailscale up` failed in a way no rule classifies",
};

/** What a drift finding means and what fixes it. */
const DRIFT_MEANINGS: Record<Exclude<DriftKind, `pref-changed:${string}`>, string> = {
  "tailscale-missing": "Tailscale is not installed any more; `provision` installs it and joins again",
  "lost-after-restart": "the node was logged out when the Tailscale service restarted (tailscale#3186); `provision` joins it again",
  "service-stopped": "the Tailscale service is not running; `provision` restarts it",
  "service-disabled": "the Tailscale service is disabled; `provision` sets it back to Automatic",
  "policy-changed": "a system policy this node writes (InstallUpdates for autoUpdate, EnableDNSRegistration for dnsRegistration) has another value on the host; `provision` writes it again",
  "daemon-env-changed": "a line the node writes in the daemon's environment file (tailscaled-env.txt: proxy, log uploads, port) is missing or differs; `provision` writes it again and restarts the service",
  "login-url-changed": "the LoginURL policy on the host differs from the login server; `provision` rewrites it and joins again",
  "not-connected": "the node has no Tailscale address although it had joined; `provision` joins again",
  "node-missing": "the control server has no node for this host although it had joined (deleted there?); `provision` joins again",
  "join-script-present": "the join script (it holds an auth key) is still on the host although the node has joined; `provision` removes it",
  "key-file-present": "an auth-key file was left in the provider's state directory on the host; `provision` (or `remove`) deletes it",
  "minted-key-not-expired": "the key minted for the manual join is still valid although the node has joined; `provision` expires it",
  "key-expired": "the node's key has expired on the control server, which cut it off the mesh; `provision` joins again to re-authenticate (with a minted key, or a new auth key)",
  "key-expiry-enabled": "disableKeyExpiry is set but the node's key still expires; `provision` asks the control server to disable it",
  "node-replaced": "the host's addresses belong to another control-server node than the one recorded (it joined again under a new identity); the status now records the new node, and `provision` takes it as this host's",
};

export function driftMeaning(kind: string): string {
  const pref = /^pref-changed:(\w+)$/.exec(kind);
  if (pref) return `Tailscale's ${pref[1]} option on the host differs from the input (changed with \`tailscale set\`?); \`provision\` joins again, which sets it back`;
  return (DRIFT_MEANINGS as Record<string, string | undefined>)[kind] ?? "see docs/inputs.md (Refresh findings)";
}

/** How to run another command for the same host, e.g. the status check after a manual join. */
export function commandLineFor(command: string, target: Target): string {
  const port = target.port === 22 ? "" : ` --port ${target.port}`;
  const state = target.ownHome ? "" : ` --state ${target.stateFile}`;
  return `mesh-windows-node ${command} --host ${target.host}${port}${state}`;
}

/** The summary a person reads after provision or status. */
export function nodeLines(target: Target, outputs: NodeOutputs): string[] {
  const lines: string[] = [];
  if (outputs.state === "joined") {
    lines.push(`joined: ${target.label} is on the mesh`);
    lines.push(`  node name:   ${outputs.nodeName || "(not known: the node joined outside this tool's view)"}`);
    lines.push(`  addresses:   ${outputs.tailscaleIps.join(", ") || "(none right now)"}`);
  } else {
    lines.push(`pending-manual: ${target.label} could not join over SSH.`);
    lines.push(`  Why: ${PENDING_REASONS[outputs.pendingReason || "other"]}.`);
    lines.push("  One command finishes the join. A person runs it once on the host, in an interactive session");
    lines.push("  (Remote Desktop or the console), in PowerShell or cmd.exe started with \"Run as administrator\":");
    lines.push("");
    lines.push(`      ${outputs.manualCommand}`);
    lines.push("");
    lines.push(`  The join script ${outputs.joinScriptPath} holds the auth key, so only Administrators can read it;`);
    lines.push("  it deletes itself once the machine has joined. Then check with:");
    lines.push(`      ${commandLineFor("status", target)}`);
  }
  lines.push(`  tailscale:   ${outputs.tailscaleVersion || "(not installed)"}`);
  lines.push(`  host key:    ${outputs.hostKey} (enforced on later runs)`);
  if (outputs.attempts.length > 0) {
    const attempts = outputs.attempts.map((a) => `#${a.number} ${a.class} (${a.seconds.toFixed(1)}s)`).join(", ");
    lines.push(`  last join over SSH: ${attempts}`);
  }
  // Only a refresh reports drift; provision's outputs have none to show.
  if (outputs.drift?.length === 0) lines.push("  drift:       none (the host is as provisioned)");
  for (const kind of outputs.drift ?? []) lines.push(`  drift:       ${kind}: ${driftMeaning(kind)}`);
  const node = outputs.controlNode;
  if (node?.exists) {
    // A record written before controlNode had keyExpiry says nothing about it.
    const key = node.keyExpiry === undefined ? "" : node.keyExpiry ? `, key expires ${node.keyExpiry}` : ", key does not expire";
    lines.push(`  control:     node ${node.name} (id ${node.id})${key}`);
  }
  for (const warning of outputs.warnings ?? []) lines.push(`  warning:     ${warning}`);
  lines.push(`  state file:  ${target.stateFile}`);
  return lines;
}
