/**
 * The TypeScript model of provider/scripts/join.ps1: configures Tailscale and runs `tailscale up`,
 * every attempt and retry on the host; when the CLI cannot reach the daemon over SSH, it leaves the
 * join script for a person. What tailscale.exe and the service do is the one program model's
 * (simulator/programs); this models what the script decides: files, policy, retries, classification.
 */
import { randomBytes } from "node:crypto";
import { Redactor } from "../../../provider/common/redact";
import { TAILSCALE_EXE, type Attempt, type AttemptClass, type FailureRule, type JoinParams, type JoinResult } from "../../../provider/scripts/catalogue";
import { joinPath, parentOf } from "../../windows-model";
import { Killed } from "./clock";
import type { NativeRun, Script } from "./common";
import { assertAdminOnlyFolder, confirmScriptFolder, protectFolder } from "./folders";
import { applyDaemonEnv } from "./daemon-env";
import { resolveRouteAcceptance } from "./route-guard";
import { restartCheck } from "./restart-check";

export async function join(script: Script, params: JoinParams): Promise<JoinResult> {
  script.requireAdmin(params.stateDir);
  protectFolder(script, params.stateDir);
  // A key file left by an attempt whose process was killed mid-join (no `finally` ran) goes first.
  for (const stale of script.keyFiles(params.stateDir)) script.files.deleteFile(stale);
  // The service restart below applies both, changed or not.
  script.writePolicy(params.policy);
  await applyDaemonEnv(script, params.daemonEnv, params.stateDir);
  const serviceProblem = await script.restartService();
  if (serviceProblem) return { outcome: "failed", reason: "service-not-running", message: serviceProblem, attempts: [] };
  // Attempts count from the moment the daemon can answer.
  const daemonProblem = await script.waitDaemon(params.daemonWaitSeconds);
  if (daemonProblem) return { outcome: "failed", reason: "service-not-running", message: daemonProblem, attempts: [] };

  const upArgs = ["up", ...completeUpArgs(params.upArgs, params.timeoutSeconds)];
  const redactor = new Redactor([params.authKey]);
  const attempts: Attempt[] = [];
  let rule: FailureRule | undefined;
  for (let number = 1; number <= params.attempts; number++) {
    script.progress(`tailscale up: attempt ${number} of ${params.attempts}`, { attempt: number, of: params.attempts });
    const run = await upWithKeyFile(script, upArgs, params);
    const message = redactor.text(run.output);
    rule = run.exitCode === 0 ? undefined : params.rules.find((candidate) => matches(candidate, message));
    const attemptClass: AttemptClass = run.exitCode === 0 ? "joined" : (rule?.class ?? "other");
    attempts.push({ number, class: attemptClass, message, seconds: run.seconds });
    if (attemptClass === "joined") {
      // The join script (if an earlier run left one) holds a key that is no longer needed.
      script.files.deleteFile(params.joinScriptPath);
      const addresses = [...script.state.adapterIps];
      const name = await nodeName(script);
      const restart = params.verifyRestart ? await restartCheck(script, addresses, params.daemonWaitSeconds, "once to check the node survives it") : null;
      const tailscaleIps = restart ? restart.addresses : addresses;
      const routes = params.acceptRoutes ? await resolveRouteAcceptance(script) : null;
      return {
        outcome: "joined",
        tailscaleIps,
        nodeName: name,
        owner: script.accountName(),
        restart: restart && { verified: restart.verified, seen: restart.seen },
        attempts,
        routes,
      };
    }
    if (rule && !rule.retry) return { outcome: "failed", reason: attemptClass, message, attempts };
    if (number < params.attempts) {
      script.progress(`attempt ${number} of ${params.attempts}: ${attemptClass}, retrying in ${params.retryDelaySeconds}s`, {
        attempt: number,
        of: params.attempts,
        class: attemptClass,
      });
      await script.elapse(params.retryDelaySeconds, script.host.clock.durations.retryDelayMs);
    }
  }
  // Attempts exhausted. A failure no rule knows may be retried, but is not handed to a person.
  const last = attempts[attempts.length - 1];
  if (rule?.manual) {
    const problem = await writeJoinScript(script, params);
    if (problem !== undefined) return { outcome: "failed", reason: "join-script-unwritable", message: redactor.text(problem), attempts };
    return { outcome: "pending-manual", reason: last.class, attempts };
  }
  return { outcome: "failed", reason: last.class, message: last.message, attempts };
}

/**
 * One `tailscale up` with the key in a file of the state directory that lives only for the run
 * (removed in a `finally`: whatever happens, except the whole process being killed). The CLI is
 * killed once it outlives its own timeout by the margin the provider gives.
 */
async function upWithKeyFile(script: Script, upArgs: readonly string[], params: JoinParams): Promise<NativeRun> {
  assertAdminOnlyFolder(script, params.stateDir);
  const keyFile = script.files.writeFile(joinPath(params.stateDir, `authkey-${guidN()}.txt`), params.authKey);
  try {
    const deadline = params.timeoutSeconds + params.upKillMarginSeconds;
    return await script.native(TAILSCALE_EXE, [...upArgs, `--auth-key=file:${keyFile}`], deadline, script.host.clock.durations.upAttemptMs);
  } finally {
    if (!script.signal.aborted) script.files.deleteFile(keyFile);
  }
}

/** Get-MeshNodeName: `tailscale status --json`, Self.DNSName's first label (else Self.HostName); best effort. */
async function nodeName(script: Script): Promise<string | null> {
  const run = await script.native(TAILSCALE_EXE, ["status", "--json"], 30);
  if (run.exitCode !== 0) return null;
  try {
    const self = (JSON.parse(run.output) as { Self?: { DNSName?: string; HostName?: string } }).Self;
    if (self?.DNSName) return self.DNSName.split(".")[0];
    return self?.HostName ?? null;
  } catch {
    return null;
  }
}

/**
 * Write-MeshJoinScript: only into a folder the product owns or only administrators can change;
 * staged in the state directory, given its own protected ACL, moved into place. Returns undefined once in place, otherwise Windows' message; the staged copy goes either way.
 */
async function writeJoinScript(script: Script, params: JoinParams): Promise<string | undefined> {
  const stagedPath = joinPath(params.stateDir, `join-mesh-${guidN()}.ps1`);
  try {
    confirmScriptFolder(script, parentOf(params.joinScriptPath), params.stateDir);
    const staged = script.files.writeFile(stagedPath, params.joinScriptText);
    await script.setAdminOnlyAcl(staged);
    script.files.moveFile(staged, params.joinScriptPath);
    return undefined;
  } catch (error) {
    if (error instanceof Killed) throw error;
    return error instanceof Error ? error.message : String(error);
  } finally {
    script.files.deleteFile(stagedPath);
  }
}

/**
 * Complete-MeshUpArgument (join-mesh.ps1 does the same): --unattended keeps the node up once the
 * CLI exits, --reset makes the flags the whole configuration, --timeout bounds the wait for Running;
 * each added only when missing.
 */
export function completeUpArgs(upArgs: readonly string[], timeoutSeconds: number): string[] {
  const has = (flag: string) => upArgs.some((arg) => new RegExp(`^${flag}(=|$)`, "i").test(arg));
  const completed = [...upArgs];
  if (!has("--unattended")) completed.push("--unattended");
  if (!has("--reset")) completed.push("--reset");
  if (!has("--timeout")) completed.push(`--timeout=${timeoutSeconds}s`);
  return completed;
}

/** PowerShell's -match: case-insensitive. */
export function matches(rule: FailureRule, text: string): boolean {
  return new RegExp(rule.pattern, "i").test(text);
}

/** [guid]::NewGuid().ToString('N'): 32 hex digits. */
export function guidN(): string {
  return randomBytes(16).toString("hex");
}
