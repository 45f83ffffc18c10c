/**
 * tailscale.exe on the simulated host: `version`, `up`, `set`, `status --json` and `logout`, answering
 * as the CLI does (tailscale-texts.ts) and changing the node's login state and its preferences
 * (tailscale-state.ts) as the daemon would. Over
 * SSH the daemon answers as the scenario says (scenario.join, one entry per `up`, the last
 * repeating); in a person's interactive session as scenario.interactiveJoin says.
 */
import { createHash } from "node:crypto";
import { POLICY_KEYS } from "../../provider/scripts/catalogue";
import type { HostState } from "../host-state";
import type { JoinBehaviour } from "../scenarios";
import { WindowsRegistry } from "../windows-model";
import { exit, readFile, type ProgramAnswer, type ProgramRun } from "./program";
import { parseDurationSeconds, parseSetFlags, parseUpFlags } from "./tailscale-flags";
import { forgetProfile, prefsAfterUp, setPrefs, writePrefs } from "./tailscale-state";
import { tailnetAddressesFor, tailnetNodeName, tailscaleLogoutRun, tailscaleUpRun, type UpContext, type UpRun } from "./tailscale-texts";

/** The control server a node logs in to when neither a flag nor a policy names one. */
const DEFAULT_CONTROL_URL = "https://controlplane.tailscale.com";
/** How long the CLI waits on the daemon for calls other than `up` (cleanup.ps1 gives `logout` as much). */
const OTHER_CALL_SECONDS = 60;

export function tailscale(argv: string[], run: ProgramRun): ProgramAnswer {
  const [command, ...rest] = argv;
  const { tailscale: ts } = run.state;
  switch (command) {
    case "version":
      return exit(0, `${ts.version}\n  tailscale commit: 0000000000000000000000000000000000000000\n  go version: go1.25.1`);
    case "up":
      return tailscaleUp(rest, run);
    case "status": {
      if (!rest.includes("--json")) return exit(2, "", "simulator: only `tailscale status --json` is simulated");
      const unreachable = daemonProblem(run) ?? refusal(steadyBehaviour(run), run);
      if (unreachable) return unreachable;
      const name = ts.nodeName ?? tailnetNodeName(run.state.computerName);
      const status = {
        BackendState: ts.backendState,
        Self: { HostName: run.state.computerName, DNSName: ts.nodeName ? `${name}.tail-sim.ts.net.` : "", TailscaleIPs: run.state.adapterIps },
        Peer: peersOf(run),
      };
      return exit(0, JSON.stringify(status, null, 2));
    }
    case "set": {
      const parsed = parseSetFlags(rest);
      if ("error" in parsed) return exit(2, "", `simulator: only the accept-routes, accept-dns, shields-up and exit-node flags of \`tailscale set\` are simulated (${parsed.error})`);
      const answer = daemonProblem(run) ?? exit(0, "");
      if ("exitCode" in answer && answer.exitCode === 0) answer.finish = () => setPrefs(run.state, parsed.flags);
      return answer;
    }
    case "logout": {
      const unreachable = daemonProblem(run);
      if (unreachable) return unreachable;
      const answer = answerOf(tailscaleLogoutRun(steadyBehaviour(run), upContext(run, "", OTHER_CALL_SECONDS)));
      if ("exitCode" in answer && answer.exitCode === 0) {
        answer.finish = () => {
          forgetLogin(run.state);
          forgetProfile(run.state);
        };
      }
      return answer;
    }
    default:
      return exit(2, "", `tailscale: unknown subcommand ${JSON.stringify(command ?? "")}`);
  }
}

/** The other nodes, as `status --json` lists them: one subnet router offering the scenario's routes. */
function peersOf(run: ProgramRun): Record<string, unknown> {
  const routes = run.scenario.tailnet?.offeredRoutes ?? [];
  if (routes.length === 0 || run.state.tailscale.backendState !== "Running") return {};
  return { "nodekey:5u8n3tr0u7e4": { HostName: "subnet-router", DNSName: "subnet-router.tail-sim.ts.net.", TailscaleIPs: ["100.64.0.254"], PrimaryRoutes: routes } };
}

/** The node is logged out: no login server, no name, no tailnet address. */
export function forgetLogin(state: HostState): void {
  Object.assign(state.tailscale, { backendState: "NeedsLogin", loggedInLoginServer: null, nodeName: null });
  state.adapterIps = [];
}

/** The CLI prints its errors on stderr. */
function answerOf(run: UpRun): ProgramAnswer {
  if (!run.finished) return { hang: true };
  return run.exitCode === 0 ? exit(0, run.output, "", run.seconds) : exit(run.exitCode, "", run.output, run.seconds);
}

/**
 * The daemon answers only when its service runs and its pipe exists: a CLI started while it is still
 * starting spends its 20 s pipe dial, by which time the daemon is up (tailscale#14077, #16086).
 */
function daemonProblem(run: ProgramRun): ProgramAnswer | undefined {
  const ts = run.state.tailscale;
  if (ts.service?.status !== "Running") return exit(1, "", "failed to connect to local tailscaled process; is the Tailscale service running?");
  if (!ts.startingSeconds) return undefined;
  delete ts.startingSeconds;
  return answerOf(tailscaleUpRun("daemon-unreachable", upContext(run, "", OTHER_CALL_SECONDS)));
}

/** How the daemon answers CLI calls other than `up`: over SSH like its last `up` behaviour. */
function steadyBehaviour(run: ProgramRun): JoinBehaviour {
  return run.session === "interactive" ? "joined" : (run.scenario.join?.at(-1) ?? "joined");
}

/** A daemon that refuses this session: the `up` texts for that behaviour, else nothing. */
function refusal(behaviour: JoinBehaviour, run: ProgramRun): ProgramAnswer | undefined {
  if (behaviour === "daemon-unreachable" || behaviour === "in-use" || behaviour === "hang") {
    return answerOf(tailscaleUpRun(behaviour, upContext(run, "", OTHER_CALL_SECONDS)));
  }
  return undefined;
}

function upContext(run: ProgramRun, authKey: string, timeoutSeconds: number): UpContext {
  return { computerName: run.state.computerName, authKey, timeoutSeconds };
}

/** The scenario's answer to this `up`: over SSH the next entry of scenario.join (the last repeats). */
function upBehaviour(run: ProgramRun): JoinBehaviour {
  if (run.session === "interactive") return run.scenario.interactiveJoin ?? "joined";
  const behaviours = run.scenario.join ?? ["joined"];
  run.record.sshUpRuns++;
  return behaviours[Math.min(run.record.sshUpRuns, behaviours.length) - 1];
}

function tailscaleUp(args: string[], run: ProgramRun): ProgramAnswer {
  const parsed = parseUpFlags(args);
  if ("error" in parsed) return exit(2, "", parsed.error);
  const { flags } = parsed;
  const timeout = flags.has("timeout") ? parseDurationSeconds(flags.get("timeout") ?? "") : 0;
  if (timeout === undefined) return exit(2, "", `invalid value ${JSON.stringify(flags.get("timeout"))} for flag -timeout: parse error`);

  // resolveValueFromFile: the file's content, trimmed of whitespace (a byte order mark is not whitespace).
  let authKey = flags.get("auth-key") ?? flags.get("authkey") ?? "";
  if (authKey.startsWith("file:")) {
    const path = authKey.slice("file:".length);
    const content = readFile(run.state, path);
    if (content === undefined) return exit(1, "", `open ${path}: The system cannot find the file specified.`);
    authKey = content.replace(/^[\t\n\v\f\r \u0085\u00a0]+|[\t\n\v\f\r \u0085\u00a0]+$/g, "");
  }
  run.record.keyHashes.push(createHash("sha256").update(authKey, "utf8").digest("hex"));

  let behaviour = upBehaviour(run);
  const unreachable = daemonProblem(run);
  if (unreachable) return unreachable;
  // A key the control server cannot recognise (empty, or with a byte order mark in front) is refused.
  if (behaviour === "joined" && (authKey === "" || authKey.startsWith("\uFEFF"))) behaviour = "auth-rejected";

  const answer = answerOf(tailscaleUpRun(behaviour, upContext(run, authKey, timeout)));
  if (behaviour === "joined" && "exitCode" in answer) answer.finish = () => logIn(run.state, flags);
  return answer;
}

/** A joined node: Running, on the control server a flag or policy names, with its tailnet name and addresses. */
function logIn(state: HostState, flags: Map<string, string>): void {
  const registry = new WindowsRegistry(state);
  const policy = (name: string) => {
    for (const key of POLICY_KEYS) {
      const value = registry.getValue(key, name);
      if (value !== undefined) return String(value);
    }
    return undefined;
  };
  const ts = state.tailscale;
  ts.backendState = "Running";
  ts.loggedInLoginServer = flags.get("login-server") ?? policy("LoginURL") ?? DEFAULT_CONTROL_URL;
  ts.nodeName = tailnetNodeName(flags.get("hostname") ?? policy("Hostname") ?? state.computerName);
  state.adapterIps = tailnetAddressesFor(state.computerName);
  writePrefs(state, prefsAfterUp(flags, ts.loggedInLoginServer));
}
