/**
 * The TypeScript model of a person running provider/scripts/join-mesh.ps1 in an elevated
 * interactive session (RDP or console), where the CLI can reach the daemon: `powershell.exe -File`
 * on the script, which reads its data line and joins. Programs are the one program model's, started
 * in the "interactive" session; the person closes the window when `tailscale up` hangs past the
 * join step's own patience (its timeout and kill margin).
 */
import { createHash } from "node:crypto";
import { Redactor } from "../../../provider/common/redact";
import { readJoinScriptData } from "../../../provider/scripts";
import { TAILSCALE_EXE, UP_KILL_MARGIN_SECONDS, type AttemptClass, type JoinScriptData } from "../../../provider/scripts/catalogue";
import type { InteractiveRun } from "../../backend";
import { MANUAL_COMMAND_REFUSAL, MISSING_SCRIPT_FILE_EXIT_CODE, WINDOW_CLOSED_EXIT_CODE, missingScriptFileText, parseManualCommand } from "../../programs/powershell";
import { joinPath } from "../../windows-model";
import type { Script } from "./common";
import { assertAdminOnlyFolder, protectFolder } from "./folders";
import { completeUpArgs, guidN, matches } from "./join";

/** join-mesh.ps1's advice per failure class, shown to the person who ran it. */
const ADVICE: Record<AttemptClass, string> = {
  joined: "",
  "auth-rejected": "the control server rejected the auth key (expired, used up or revoked). Create a new key and deploy again to get a fresh join script.",
  "daemon-unreachable": 'run this script from Remote Desktop or the console, not over SSH, in Windows PowerShell started with "Run as administrator".',
  "in-use": "another Windows user holds Tailscale: close the Tailscale app in every other session (or sign them out), then run this script again.",
  timeout: "check that this machine can reach the control server, then run this script again.",
  "service-not-running": 'check "Get-Service Tailscale" and the logs in C:\\ProgramData\\Tailscale\\Logs, then run this script again.',
  other: "read the tailscale output above, fix what it names, then run this script again.",
};

export async function runJoinScript(script: Script, path: string): Promise<InteractiveRun> {
  const text = script.files.readFile(path);
  if (text === undefined) return { exitCode: MISSING_SCRIPT_FILE_EXIT_CODE, output: missingScriptFileText(path) };
  let data: JoinScriptData;
  try {
    data = readJoinScriptData(text);
  } catch (error) {
    return { exitCode: 1, output: error instanceof Error ? error.message : String(error) };
  }
  return joinInteractively(script, data);
}

/**
 * The manual command: reads the file once, runs those bytes only when their SHA-256 is the one the
 * command carries; otherwise says so and runs nothing.
 */
export async function runManualCommand(script: Script, command: string): Promise<InteractiveRun> {
  const parsed = parseManualCommand(command);
  if (parsed === undefined) return { exitCode: 1, output: `simulator: not a manual command: ${command}` };
  const text = script.files.readFile(parsed.path);
  if (text === undefined) return { exitCode: 1, output: `Cannot find path '${parsed.path}' because it does not exist.` };
  if (createHash("sha256").update(text, "utf8").digest("hex").toUpperCase() !== parsed.sha256) return { exitCode: 1, output: MANUAL_COMMAND_REFUSAL };
  return joinInteractively(script, readJoinScriptData(text));
}

async function joinInteractively(script: Script, data: JoinScriptData): Promise<InteractiveRun> {
  const { files, state } = script;
  const redactor = new Redactor([data.authKey]);
  const stateDir = data.stateDir.replace(/\\+$/, "");
  const logPath = joinPath(stateDir, "join-mesh.log");
  const shown: string[] = [];
  const finish = (exitCode: number): InteractiveRun => ({ exitCode, output: shown.join("\r\n") });
  // Write-JoinLine: on screen, and appended to join-mesh.log once the state directory exists.
  const say = (line: string) => {
    const safe = redactor.text(line);
    shown.push(safe);
    if (files.dirExists(stateDir)) files.writeFile(logPath, `${files.readFile(logPath) ?? ""}${sortableNow()} ${safe}\r\n`);
  };
  const stop = (problem: string, advice: string): InteractiveRun => {
    say(`FAILED: ${problem}`);
    say(`What to do: ${advice}`);
    say(`This script is still at ${data.joinScriptPath}; its log is ${logPath}.`);
    return finish(1);
  };

  if (!state.tailscale.installed) {
    shown.push(`Tailscale is not installed (${TAILSCALE_EXE} is missing): run the deployment (pulumi up) again.`);
    return finish(1);
  }
  try {
    protectFolder(script, stateDir);
  } catch (error) {
    shown.push(`FAILED: ${(error as Error).message}`);
    return finish(1);
  }
  say("Joining this machine to the mesh.");
  script.writePolicy(data.policy);
  say("Restarting the Tailscale service.");
  const serviceProblem = await script.restartService();
  if (serviceProblem) return stop(`the Tailscale service did not start: ${serviceProblem}`, ADVICE["service-not-running"]);

  // The folder is checked again right before the key goes into it.
  try {
    assertAdminOnlyFolder(script, stateDir);
  } catch (error) {
    return stop((error as Error).message, "run this script again: it takes the folder over first.");
  }
  say("Running tailscale up (this can take a minute).");
  const keyFile = files.writeFile(joinPath(stateDir, `authkey-${guidN()}.txt`), data.authKey);
  // join-mesh.ps1 calls the CLI directly (`&`), without Invoke-MeshNative's deadline or refusals.
  const up = await script.run(TAILSCALE_EXE, ["up", ...completeUpArgs(data.upArgs, data.timeoutSeconds), `--auth-key=file:${keyFile}`], "interactive");
  if ("hang" in up) {
    // The person gives up and closes the window: no `finally` runs, so the key file stays.
    await script.elapse(data.timeoutSeconds + UP_KILL_MARGIN_SECONDS);
    return finish(WINDOW_CLOSED_EXIT_CODE);
  }
  const output = [...up.stdout, ...up.stderr];
  for (const line of output) say(`  ${line}`);
  files.deleteFile(keyFile);
  if (up.exitCode !== 0) {
    const failure = data.rules.find((rule) => matches(rule, output.join("\n").trim()))?.class ?? "other";
    return stop(`tailscale up exited with code ${up.exitCode} (${failure}).`, ADVICE[failure]);
  }
  // `up` returned: confirm with the service itself that the node is Running.
  const status = await script.run(TAILSCALE_EXE, ["status", "--json"], "interactive");
  const parsed = "exitCode" in status && status.exitCode === 0 ? (JSON.parse(status.stdout.join("\n")) as { BackendState?: string; Self?: { TailscaleIPs?: string[] } }) : {};
  if (parsed.BackendState !== "Running") {
    return stop(`tailscale up finished but the node is ${parsed.BackendState ?? "unknown"}, not Running.`, 'run "tailscale status" to see why, then run this script again.');
  }
  say(`SUCCESS: this machine is on the mesh (${(parsed.Self?.TailscaleIPs ?? []).join(", ")}).`);
  files.deleteFile(data.joinScriptPath);
  say(`Removed ${data.joinScriptPath} and the key file; nothing more to do.`);
  return finish(0);
}

/** Get-Date -Format 's' (local time). */
function sortableNow(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
}
