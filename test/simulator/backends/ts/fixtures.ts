/** Parameters, scenarios and hosts the TypeScript back end's step tests share. */
import {
  DEFAULT_JOIN_SCRIPT_PATH,
  DEFAULT_STATE_DIR,
  FAILURE_RULES,
  UP_KILL_MARGIN_SECONDS,
  DAEMON_WAIT_SECONDS,
  type CleanupParams,
  type InstallParams,
  type JoinParams,
} from "../../../../provider/scripts/catalogue";
import type { HostBackend } from "../../../../simulator/backend";
import type { HostState } from "../../../../simulator/host-state";
import { scenarioByName, type Scenario } from "../../../../simulator/scenarios";
import { AUTH_KEY, backendFor, joinScriptTextFor, runStep } from "./step-runner";

export const LOGIN_SERVER = "https://headscale.example.net";

export function installParams(overrides: Partial<InstallParams> = {}): InstallParams {
  return { method: "msi", version: null, msiUrl: null, loginServer: LOGIN_SERVER, stateDir: DEFAULT_STATE_DIR, ...overrides };
}

export function joinParams(overrides: Partial<JoinParams> = {}): JoinParams {
  const params: JoinParams = {
    policy: { loginUrl: LOGIN_SERVER, hostname: "win-01", unattendedMode: "always", policyValues: [] },
    daemonEnv: null, acceptRoutes: false,
    upArgs: [`--login-server=${LOGIN_SERVER}`, "--hostname=win-01", "--unattended", "--accept-routes", "--timeout=30s"],
    authKey: AUTH_KEY,
    attempts: 3,
    retryDelaySeconds: 5,
    timeoutSeconds: 30,
    upKillMarginSeconds: UP_KILL_MARGIN_SECONDS,
    daemonWaitSeconds: DAEMON_WAIT_SECONDS, verifyRestart: false,
    rules: FAILURE_RULES,
    stateDir: DEFAULT_STATE_DIR,
    joinScriptPath: DEFAULT_JOIN_SCRIPT_PATH,
    joinScriptText: "",
    ...overrides,
  };
  return { ...params, joinScriptText: overrides.joinScriptText ?? joinScriptTextFor(params) };
}

export function cleanupParams(overrides: Partial<CleanupParams> = {}): CleanupParams {
  return { joinScriptPath: DEFAULT_JOIN_SCRIPT_PATH, stateDir: DEFAULT_STATE_DIR, logout: false, uninstall: false, ...overrides };
}

export function keyFilesIn(state: HostState): string[] {
  return Object.keys(state.files).filter((path) => /\\authkey-[^\\]*\.txt$/i.test(path));
}

/** A scenario row with only the fields a test needs. */
export function scenario(fields: Partial<Scenario>): Scenario {
  return { name: "test", description: "test", expect: { state: "joined", joinScriptLeft: false }, ...fields };
}

/** A scenario's host after a successful MSI install, ready for join. */
export async function installedBackend(scenarioOrName: Scenario | string): Promise<HostBackend> {
  const backend = await backendFor(scenarioOrName);
  const row = typeof scenarioOrName === "string" ? scenarioByName(scenarioOrName) : scenarioOrName;
  // Through the proxy the host's network sends its downloads through, when it has one.
  await runStep(backend, "install", installParams({ proxy: row.host?.webProxy ? { url: row.host.webProxy.url } : null }));
  return backend;
}
