/**
 * One exec on the TypeScript back end, as Windows PowerShell running the provider's loader and step
 * loop (provider/transport/protocol.ts) handles it: the process starts, the first stdin line must be
 * the loop, then each frame is decoded, its step run, its progress lines printed as they come and
 * one result line last, until end of stdin (exit 0). A process killed because its channel closed
 * prints nothing more and exits 1.
 */
import type { StepName } from "../../../provider/scripts/catalogue";
import {
  decodeFrameLine,
  FrameReader,
  LOOP_SCRIPT,
  PROGRESS_MARK,
  PROTOCOL_VERSION,
  RESULT_MARK,
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

/** A failure the step script would throw; it becomes the loop's {ok:false, error}. */
export class ScriptError extends Error {
  constructor(
    message: string,
    readonly type = "System.Management.Automation.RuntimeException",
  ) {
    super(message);
  }
}

export type Progress = (message: string, data?: Record<string, unknown>) => void;

/** Runs a step the loop decoded: its params are still unchecked. */
export type StepRunner = (step: StepName, params: unknown, progress: Progress, signal: AbortSignal) => Promise<unknown>;

/** What the loop tells its host: how long it spent working (starting up, and running steps). */
export type WorkMeter = (ms: number) => void;

export async function runLoop(
  stdin: AsyncIterable<string>,
  io: StepIo,
  signal: AbortSignal,
  start: () => Promise<void>,
  runStep: StepRunner,
  meter: WorkMeter,
): Promise<number> {
  try {
    const started = performance.now();
    await start();
    meter(performance.now() - started);
    const lines = stdin[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) return 0;
    if (!isTheLoop(first.value)) {
      // The loader would run whatever came; the simulator knows only the provider's loop.
      io.stderr("simulated host: the first stdin line is not the provider's step loop");
      return 1;
    }
    const reader = new FrameReader();
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      const began = performance.now();
      const envelope = await runFrame(reader, next.value, io, signal, runStep);
      if (signal.aborted) return KILLED_EXIT_CODE;
      io.stdout(encodeMarkedLine(RESULT_MARK, envelope));
      meter(performance.now() - began);
    }
    return signal.aborted ? KILLED_EXIT_CODE : 0;
  } catch (error) {
    if (error instanceof Killed || signal.aborted) return KILLED_EXIT_CODE;
    throw error;
  }
}

function isTheLoop(line: string): boolean {
  try {
    return decodeFrameLine(line) === LOOP_SCRIPT;
  } catch {
    return false;
  }
}

/** One frame as the loop's try/catch answers it: a value, or the error the step threw. */
async function runFrame(reader: FrameReader, line: string, io: StepIo, signal: AbortSignal, runStep: StepRunner): Promise<StepEnvelope<unknown>> {
  const progress: Progress = (message, data) => {
    const event: StepProgress = data ? { message, data } : { message };
    if (!signal.aborted) io.stdout(encodeMarkedLine(PROGRESS_MARK, event));
  };
  try {
    const payload = decodeFrame(reader, line);
    if (payload.v !== PROTOCOL_VERSION) throw new ScriptError(`unsupported protocol version ${String(payload.v)}`);
    if (typeof payload.step !== "string" || !isStepName(payload.step)) {
      throw new ScriptError(`unknown step "${String(payload.step)}"`, "System.ArgumentException");
    }
    return { ok: true, value: await runStep(payload.step, payload.params, progress, signal) };
  } catch (error) {
    if (error instanceof Killed || signal.aborted) throw new Killed();
    return { ok: false, error: errorOf(error) };
  }
}

function decodeFrame(reader: FrameReader, line: string): StepPayload {
  try {
    return reader.read(line);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("unknown script part")) throw new ScriptError(error.message);
    throw new ScriptError("Invalid JSON primitive: the frame on stdin is not base64 of gzip of UTF-8 JSON.", "System.ArgumentException");
  }
}

function errorOf(error: unknown): { message: string; type?: string } {
  if (error instanceof ScriptError) return { message: error.message, type: error.type };
  return { message: error instanceof Error ? error.message : String(error), type: "System.Management.Automation.RuntimeException" };
}
