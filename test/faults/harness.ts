/**
 * What the fault and security tests share: inputs pointing at a simulated host, a progress log,
 * readers of the host's state (key files, the join script, the state directory), restarting a host
 * "as the same machine" after a change, and waiting for a moment inside a step.
 */
import type { NodeInputs } from "../../provider/node/types";
import { DEFAULT_JOIN_SCRIPT_PATH, DEFAULT_STATE_DIR } from "../../provider/scripts/catalogue";
import { LATEST_TAILSCALE, SimulatedWindowsHost, type HostState, type Scenario, type SimulatedHostOptions } from "../../simulator";
import type { SimFile } from "../../simulator/host-state";

export const JOIN_SCRIPT_PATH = DEFAULT_JOIN_SCRIPT_PATH;
export const STATE_DIR = DEFAULT_STATE_DIR;

/** Inputs for a node on a simulated host (or a proxy in front of it), with fast joins. */
export function nodeInputs(target: { port: number; password: string }, authKey: string, overrides: Partial<NodeInputs> = {}): NodeInputs {
  return {
    connection: { host: "127.0.0.1", port: target.port, user: "Administrator", password: target.password, connectDeadlineSeconds: 10 },
    authKey,
    loginServer: "https://headscale.example.com",
    hostname: "win-01",
    advertiseTags: ["tag:windows"],
    install: { method: "msi", version: LATEST_TAILSCALE },
    joinAttempts: 3,
    joinRetryDelaySeconds: 1,
    joinTimeoutSeconds: 10,
    stepTimeoutSeconds: 120,
    providerVersion: "0.0.0-test",
    ...overrides,
  };
}

/** Progress lines, kept for assertions and leak checks. */
export class Log {
  readonly lines: string[] = [];
  readonly log = (line: string): void => void this.lines.push(line);

  has(pattern: RegExp): boolean {
    return this.lines.some((line) => pattern.test(line));
  }
}

export function keyFilesOf(state: HostState): string[] {
  return Object.keys(state.files).filter((path) => /\\authkey-[^\\]*\.txt$/i.test(path));
}

export function fileAt(state: HostState, path: string): SimFile | undefined {
  const name = Object.keys(state.files).find((p) => p.toLowerCase() === path.toLowerCase());
  return name === undefined ? undefined : state.files[name];
}

export function filesUnder(state: HostState, dir: string): string[] {
  const prefix = `${dir.toLowerCase()}\\`;
  return Object.keys(state.files).filter((path) => path.toLowerCase().startsWith(prefix));
}

/** Programs started on the host since `before` (its processLog length), without `tailscale version`. */
export function programsSince(state: HostState, before: number): string[] {
  return state.processLog.slice(before).filter((line) => !/tailscale\.exe" version$/.test(line));
}

/**
 * The same machine after a change made while the provider was away: stopped, then started again
 * on the same port with the same password, from `state` (and a new host key only when given).
 */
export async function restartAs(
  host: SimulatedWindowsHost,
  state: HostState,
  options: Pick<SimulatedHostOptions, "hostKey"> & { scenario?: Partial<Scenario> } = {},
): Promise<SimulatedWindowsHost> {
  const { port, password, scenario } = host;
  await host.stop();
  const changed: Scenario = { ...scenario, ...options.scenario, name: `${scenario.name} (restarted)`, host: state };
  return SimulatedWindowsHost.start({ scenario: changed, port, password, hostKey: options.hostKey });
}

/** Resolves once `condition` holds (polled every 10 ms); rejects after `timeoutMs`. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** How many payloads of `step` the host has received. */
export function stepsReceived(host: SimulatedWindowsHost, step: string): number {
  return host.payloads.filter((payload) => payload.step === step).length;
}
