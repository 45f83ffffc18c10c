/**
 * One exec on the TypeScript back end, as Windows PowerShell running the provider's bootstrap
 * (provider/transport/protocol.ts) handles it: decode the payload from stdin, run the step, print
 * its progress lines as they come and one result line last, exit 0 or 1. A process killed because
 * its channel closed prints nothing more and exits 1.
 */
import type { StepName } from "../../../provider/scripts/catalogue";
import {
  PROGRESS_MARK,
  PROTOCOL_VERSION,
  RESULT_MARK,
  decodePayload,
  encodeMarkedLine,
  type StepEnvelope,
  type StepPayload,
  type StepProgress,
} from "../../../provider/transport/protocol";
import type { StepIo } from "../../backend";
import { isStepName } from "../../step-params";
import { Killed } from "./clock";

/** Exit code of a powershell.exe killed because its channel closed (TerminateProcess gives 1). */
const KILLED_EXIT_CODE = 1;

/** A failure the step script would throw; it becomes the bootstrap's {ok:false, error}. */
export class ScriptError extends Error {
  constructor(
    message: string,
    readonly type = "System.Management.Automation.RuntimeException",
  ) {
    super(message);
  }
}

export type Progress = (message: string, data?: Record<string, unknown>) => void;

/** Runs a step the bootstrap decoded: its params are still unchecked. */
export type StepRunner = (step: StepName, params: unknown, progress: Progress, signal: AbortSignal) => Promise<unknown>;

export async function runBootstrap(stdin: string, io: StepIo, signal: AbortSignal, runStep: StepRunner): Promise<number> {
  const progress: Progress = (message, data) => {
    const line: StepProgress = data ? { message, data } : { message };
    if (!signal.aborted) io.stdout(encodeMarkedLine(PROGRESS_MARK, line));
  };
  let envelope: StepEnvelope<unknown>;
  try {
    const payload = decodeStdin(stdin);
    if (payload.v !== PROTOCOL_VERSION) throw new ScriptError(`unsupported protocol version ${String(payload.v)}`);
    if (typeof payload.step !== "string" || !isStepName(payload.step)) {
      throw new ScriptError(`unknown step "${String(payload.step)}"`, "System.ArgumentException");
    }
    envelope = { ok: true, value: await runStep(payload.step, payload.params, progress, signal) };
  } catch (error) {
    if (error instanceof Killed || signal.aborted) return KILLED_EXIT_CODE;
    envelope = { ok: false, error: errorOf(error) };
  }
  if (signal.aborted) return KILLED_EXIT_CODE;
  io.stdout(encodeMarkedLine(RESULT_MARK, envelope));
  return envelope.ok ? 0 : 1;
}

function decodeStdin(stdin: string): StepPayload {
  let payload: unknown;
  try {
    payload = decodePayload(stdin);
  } catch {
    throw new ScriptError("Invalid JSON primitive: the payload on stdin is not base64 of UTF-8 JSON.", "System.ArgumentException");
  }
  if (!payload || typeof payload !== "object") throw new ScriptError("the payload on stdin is not a JSON object", "System.ArgumentException");
  return payload as StepPayload;
}

function errorOf(error: unknown): { message: string; type?: string } {
  if (error instanceof ScriptError) return { message: error.message, type: error.type };
  return { message: error instanceof Error ? error.message : String(error), type: "System.Management.Automation.RuntimeException" };
}
