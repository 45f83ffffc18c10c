/**
 * The join step's parameters around a join script's data, as the lifecycle sends them, with the
 * settings these tests do not vary: one attempt, no delay, no daemon environment, routes off, no
 * restart check. Overrides replace any of them.
 */
import { buildJoinScript } from "../../provider/scripts";
import { DAEMON_WAIT_SECONDS, UP_KILL_MARGIN_SECONDS, type JoinParams, type JoinScriptData } from "../../provider/scripts/catalogue";

export function joinStepParams(data: JoinScriptData, overrides: Partial<JoinParams> = {}): JoinParams {
  return {
    ...data,
    daemonEnv: null,
    acceptRoutes: false,
    attempts: 1,
    retryDelaySeconds: 0,
    upKillMarginSeconds: UP_KILL_MARGIN_SECONDS,
    daemonWaitSeconds: DAEMON_WAIT_SECONDS,
    verifyRestart: false,
    joinScriptText: buildJoinScript(data),
    ...overrides,
  };
}
