/**
 * What tailscale.exe prints, per scenario behaviour, and the names and addresses a join gives: the
 * texts of the one model of the Windows programs (tailscale.ts), which both back ends of the
 * simulated host answer from, so one set of FAILURE_RULES classifies both alike.
 *
 * The `tailscale up` texts are the CLI's own words (tailscale/tailscale, cmd/tailscale/cli/up.go,
 * cliconndiag.go, client/local/local.go, ipn/ipnserver/server.go) as reported from Windows hosts:
 * the CLI prints the error on stderr and exits 1 (cmd/tailscale/tailscale.go).
 */
import type { JoinBehaviour } from "../scenarios";

/** tailscaled's process id in every text that names it (any fixed number will do). */
export const TAILSCALED_PID = 4172;
/** The interactive user who holds the daemon in the "in-use" case. */
export const OTHER_SESSION_USER = "alice";
/** tailscaled's process id as the other user's session sees it. */
export const OTHER_SESSION_PID = 6388;

export interface UpContext {
  computerName: string;
  /** The key the CLI read from its file; Tailscale's control server may echo it back. */
  authKey: string;
  /** The script's per-attempt timeout; `--timeout` in the arguments normally equals it. */
  timeoutSeconds: number;
}

/** One run of `tailscale up`: it either exits, or hangs until the caller stops it. */
export type UpRun =
  | { finished: true; exitCode: number; output: string; seconds: number }
  | { finished: false };

/**
 * `tailscale up` over SSH, per scenario behaviour. `seconds` is how long the real CLI takes to get
 * there (the model reports it in each Attempt; nothing sleeps that long).
 */
export function tailscaleUpRun(behaviour: JoinBehaviour, context: UpContext): UpRun {
  switch (behaviour) {
    case "joined":
      // With an auth key the CLI prints no login URL, hence no "Success." either.
      return { finished: true, exitCode: 0, output: "", seconds: 4 };
    case "daemon-unreachable":
      // tailscale/tailscale#14077: the CLI's LocalAPI call over the named pipe never answers from
      // the SSH session; cliconndiag finds tailscaled.exe running and wraps the error.
      return {
        finished: true,
        exitCode: 1,
        output:
          `failed to connect to local tailscaled (which appears to be running as tailscaled.exe, pid ${TAILSCALED_PID}). ` +
          `Got error: Get "http://local-tailscaled.sock/localapi/v0/status": context deadline exceeded`,
        seconds: 10,
      };
    case "in-use":
      // ipnserver answers 401 with inUseOtherUserError; runUp passes the Status error through cliconndiag.
      return {
        finished: true,
        exitCode: 1,
        output:
          `failed to connect to local tailscaled (which appears to be running as tailscaled.exe, pid ${TAILSCALED_PID}). ` +
          `Got error: 401 Unauthorized: Tailscale already in use by ${context.computerName}\\${OTHER_SESSION_USER}, pid ${OTHER_SESSION_PID}`,
        seconds: 1,
      };
    case "auth-rejected":
      // The control server's refusal arrives on the IPN bus; up.go prints it with fatalf. The
      // coordination server echoes the key (tailscale/tailscale#9715), so the text carries a secret.
      return {
        finished: true,
        exitCode: 1,
        output: `backend error: invalid key: API key ${context.authKey} not valid`,
        seconds: 2,
      };
    case "timeout":
      return {
        finished: true,
        exitCode: 1,
        output: `timeout waiting for Tailscale service to enter a Running state; check health with "tailscale status"`,
        seconds: context.timeoutSeconds,
      };
    case "hang":
      return { finished: false };
  }
}

/**
 * The node's name on the tailnet for a requested host name: the first label of its DNS name, which
 * Tailscale derives by lower-casing and turning anything outside [a-z0-9-] into "-" (at most 63).
 */
export function tailnetNodeName(hostname: string): string {
  const label = hostname.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63);
  return label || "node";
}

/** `tailscale logout` when the daemon is reachable: silent success. Unreachable: the up text. */
export function tailscaleLogoutRun(behaviour: JoinBehaviour, context: UpContext): UpRun {
  if (behaviour === "daemon-unreachable" || behaviour === "in-use" || behaviour === "hang") {
    return tailscaleUpRun(behaviour, context);
  }
  return { finished: true, exitCode: 0, output: "", seconds: 1 };
}

// ---------------------------------------------------------------- addresses

/**
 * The tailnet addresses a host gets when it joins: deterministic per computer name, so both back
 * ends (and any simulated control server) agree. n = FNV-1a 32-bit of the UTF-8 bytes of the
 * upper-cased computer name, modulo 254, plus 1; the addresses are 100.64.0.n and fd7a:115c:a1e0::n
 * (n in hex), the shapes Headscale hands out.
 *
 * PowerShell (every operand [uint64], so no step turns into a Double):
 *   $h = [uint64]2166136261
 *   foreach ($b in [Text.Encoding]::UTF8.GetBytes($name.ToUpperInvariant())) {
 *     $h = (([uint64]($h -bxor [uint64]$b)) * [uint64]16777619) % [uint64]4294967296 }
 *   $n = ($h % [uint64]254) + 1
 */
export function tailnetAddressesFor(computerName: string): string[] {
  const n = tailnetHostNumber(computerName);
  return [`100.64.0.${n}`, `fd7a:115c:a1e0::${n.toString(16)}`];
}

export function tailnetHostNumber(computerName: string): number {
  let hash = 2166136261;
  for (const byte of Buffer.from(computerName.toUpperCase(), "utf8")) {
    hash = Math.imul(hash ^ byte, 16777619) >>> 0;
  }
  return (hash % 254) + 1;
}
