/**
 * How the join step classifies each `tailscale up` attempt: the classes, and the rules (data, sent
 * with the join step, so the host and the documentation use one table) that map the CLI's text to
 * them and say whether to retry or leave the join to a person.
 */

export type AttemptClass =
  | "joined"
  | "daemon-unreachable"
  | "in-use"
  | "auth-rejected"
  | "timeout"
  | "service-not-running"
  | "other";

/**
 * How a `tailscale up` failure is classified. Sent to the host as data, so the retry decision is
 * made there (one round trip for all attempts) with the same table the Node side documents.
 * `retry`: another attempt may help. `manual`: a person running the join script interactively can fix it.
 */
export interface FailureRule {
  class: Exclude<AttemptClass, "joined" | "other">;
  /** A .NET/JavaScript-compatible regular expression, matched case-insensitively. */
  pattern: string;
  retry: boolean;
  manual: boolean;
}

export const FAILURE_RULES: readonly FailureRule[] = [
  // The first matching rule wins, so the specific texts come first: "timeout waiting for Tailscale
  // service ..." also contains "waiting for Tailscale", and the CLI wraps "already in use by" in
  // "failed to connect to local tailscaled".
  {
    class: "timeout",
    pattern: "timeout waiting for|timed out",
    retry: true,
    manual: true,
  },
  {
    class: "in-use",
    pattern: "already in use by|running in server mode|connection from .+ not allowed",
    retry: true,
    manual: true,
  },
  {
    class: "daemon-unreachable",
    pattern: "failed to connect to local Tailscale daemon|failed to connect to local tailscaled|doesn't appear to be running|context deadline exceeded|waiting for Tailscale",
    retry: true,
    manual: true,
  },
  {
    class: "auth-rejected",
    pattern: "invalid key|key expired|not valid|unable to validate|auth ?key .*(rejected|invalid|expired)|authkey expired|404 Not Found",
    retry: false,
    manual: false,
  },
];

export interface Attempt {
  number: number;
  class: AttemptClass;
  /** The CLI's output, trimmed and with every secret redacted. */
  message: string;
  seconds: number;
}
