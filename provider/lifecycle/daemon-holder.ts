/**
 * Which other Windows account holds the Tailscale daemon, read from what `tailscale up` printed.
 * Over SSH the CLI's identity is the SSH user's Windows account; the daemon serves one account at a
 * time: "Tailscale already in use by <account>" (ipn/ipnserver/server.go) or "running in server mode
 * (<account>); connection from <other> not allowed" (ipn/ipnlocal/local.go). A person must act as,
 * or on, that account, so the pending reason and what to do name it.
 */
import type { Attempt } from "../scripts/catalogue";

const HOLDER_PATTERNS = [/already in use by ([^,\r\n]+?)(?:,\s*pid\b|\s*$|\r|\n)/i, /running in server mode \(["']?([^)"'\r\n]+)["']?\)/i];

/** The account named by the last "in-use" attempt, if any. */
export function daemonHolder(attempts: readonly Attempt[]): string | undefined {
  const last = attempts.at(-1);
  if (!last || last.class !== "in-use") return undefined;
  for (const pattern of HOLDER_PATTERNS) {
    const found = pattern.exec(last.message);
    if (found) return found[1].trim();
  }
  return undefined;
}

/** The warning (and log line) that names the holder and what to do. */
export function holderAdvice(holder: string): string {
  return (
    `daemon-held: the Tailscale daemon is in use by ${holder} (their tray app or a CLI session holds it); ` +
    `run the join script as ${holder}, or have ${holder} quit Tailscale (tray icon > Exit) and run up again`
  );
}
