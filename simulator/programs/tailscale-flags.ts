/**
 * How tailscale.exe reads the arguments of `tailscale up` and `tailscale set`: Go's flag package over
 * the flags the CLI defines on Windows, so an argument the real CLI would refuse is refused by the
 * simulated one too (`set`: only the flags the simulator models).
 */

/** `tailscale up` flags on Windows (cmd/tailscale/cli/up.go), and whether each takes a value. */
const UP_FLAGS: Record<string, "bool" | "value"> = {
  qr: "bool", "qr-format": "value", "auth-key": "value", authkey: "value", audience: "value", "client-id": "value",
  "client-secret": "value", "id-token": "value", "login-server": "value", "accept-routes": "bool", "accept-dns": "bool",
  "host-routes": "bool", "exit-node": "value", "exit-node-allow-lan-access": "bool", "shields-up": "bool", ssh: "bool",
  "advertise-tags": "value", hostname: "value", "advertise-routes": "value", "advertise-connector": "bool",
  "advertise-exit-node": "bool", "report-posture": "bool", unattended: "bool", timeout: "value", json: "bool",
  reset: "bool", "force-reauth": "bool", "accept-risk": "value",
};

/** The flags of `tailscale set` the simulated CLI models (cmd/tailscale/cli/set.go defines more). */
const SET_FLAGS: Record<string, "bool" | "value"> = {
  "accept-routes": "bool", "accept-dns": "bool", "shields-up": "bool", "exit-node": "value", "exit-node-allow-lan-access": "bool",
};

export function parseUpFlags(args: readonly string[]): { flags: Map<string, string> } | { error: string } {
  return parseFlags(args, UP_FLAGS);
}

export function parseSetFlags(args: readonly string[]): { flags: Map<string, string> } | { error: string } {
  return parseFlags(args, SET_FLAGS);
}

/** Go's flag package: -name, --name, -name=value, and -name value for flags that take one. */
function parseFlags(args: readonly string[], defined: Record<string, "bool" | "value">): { flags: Map<string, string> } | { error: string } {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      if (i + 1 < args.length) return { error: `too many non-flag arguments: ${JSON.stringify(args.slice(i + 1))}` };
      break;
    }
    const match = /^--?([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!match || arg === "-") return { error: `too many non-flag arguments: ${JSON.stringify(args.slice(i))}` };
    const [, name, inline] = match;
    const kind = defined[name];
    if (kind === undefined) return { error: `flag provided but not defined: -${name}` };
    if (kind === "bool" || inline !== undefined) {
      flags.set(name, inline ?? "true");
    } else if (i + 1 < args.length) {
      flags.set(name, args[++i]);
    } else {
      return { error: `flag needs an argument: -${name}` };
    }
  }
  return { flags };
}

/** Go's time.ParseDuration for what --timeout is given; undefined when it would fail. */
export function parseDurationSeconds(text: string): number | undefined {
  if (text === "0") return 0;
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, "µs": 1e-6, ns: 1e-9 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== text) return undefined;
  return parts.reduce((sum, [, value, suffix]) => sum + Number(value) * unit[suffix], 0);
}
