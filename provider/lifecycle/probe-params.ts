/**
 * What every probe asks of the host, in one place: where the join script and the state directory are,
 * which system policies, daemon environment file and daemon state file to read, and (create, update and `doctor`
 * only; a refresh stays passive) the doctor's checks.
 */
import { DAEMON_ENV_FILE, DEFAULT_STATE_DIR, TAILSCALE_STATE_FILE, type CheckSettings, type ProbeParams } from "../scripts/catalogue";
import { POLICY_NAMES } from "./policies";

export function probeParams(joinScriptPath: string, checks?: CheckSettings): ProbeParams {
  return { joinScriptPath, stateDir: DEFAULT_STATE_DIR, policyNames: [...POLICY_NAMES], daemonEnvPath: DAEMON_ENV_FILE, tailscaleStatePath: TAILSCALE_STATE_FILE, ...(checks && { checks }) };
}
