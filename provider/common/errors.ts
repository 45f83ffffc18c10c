/**
 * Every failure a user sees is built here, so each carries the same facts: which host, which
 * step, what was seen, and what to do. Messages are redacted by the caller's Redactor before
 * they reach this builder; nothing here reads secrets.
 */
export type FailureKind =
  | "invalid-input"
  | "ssh-unreachable"
  | "ssh-auth"
  | "ssh-host-key"
  | "ssh-dropped"
  | "step-timeout"
  | "step-failed"
  | "install-failed"
  | "service-failed"
  | "auth-rejected"
  | "join-failed"
  | "not-admin"
  | "policy-conflict"
  /** The host cannot take the deployment as it is (a doctor check failed, PowerShell constrained). */
  | "host-not-ready"
  | "control-server"
  | "control-auth"
  | "unsupported"
  /** `pulumi import` of a host that is not a node on the mesh. */
  | "not-importable";

export interface MeshErrorDetails {
  kind: FailureKind;
  /** The host label, e.g. "win-01" or "10.0.0.5:22". */
  host?: string;
  /** The lifecycle step or remote step, e.g. "connect", "join". */
  step?: string;
  /** What was seen (already redacted). */
  seen?: string;
  /** What the user can do about it. */
  hint?: string;
}

export class MeshError extends Error {
  readonly kind: FailureKind;
  readonly host?: string;
  readonly step?: string;
  readonly seen?: string;
  readonly hint?: string;

  constructor(summary: string, details: MeshErrorDetails) {
    super(formatMessage(summary, details));
    this.name = "MeshError";
    this.kind = details.kind;
    this.host = details.host;
    this.step = details.step;
    this.seen = details.seen;
    this.hint = details.hint;
  }
}

function formatMessage(summary: string, d: MeshErrorDetails): string {
  const where = [d.host && `[${d.host}]`, d.step && `${d.step}:`].filter(Boolean).join(" ");
  const lines = [`${where ? where + " " : ""}${summary}`];
  if (d.seen) lines.push(`  seen: ${d.seen}`);
  if (d.hint) lines.push(`  what to do: ${d.hint}`);
  return lines.join("\n");
}

export function isMeshError(e: unknown, kind?: FailureKind): e is MeshError {
  return e instanceof MeshError && (kind === undefined || e.kind === kind);
}
