/**
 * Runs one step on a back end exactly as the SSH server would hand it over: the constant command
 * line, and on stdin the step loop and one frame (the step's real script from provider/scripts,
 * its params), then end of stdin.
 */
import { stepScript } from "../../provider/scripts";
import type { StepName, StepTypes } from "../../provider/scripts/catalogue";
import {
  FrameWriter,
  LOOP_FRAME_LINE,
  STEP_COMMAND_LINE,
  parseLine,
  type StepEnvelope,
  type StepProgress,
} from "../../provider/transport/protocol";
import type { HostBackend } from "../backend";
import { StdinLines } from "../stdin-lines";

/** Stdin of one loop running these steps, one after the other, then ending. */
export function loopStdin(...steps: { step: string; script: string; params: unknown }[]): StdinLines {
  const frames = new FrameWriter();
  return StdinLines.of([LOOP_FRAME_LINE, ...steps.map(({ step, script, params }) => frames.frame(step, [script], params))].join("\n"));
}

export interface StepRun<T> {
  exitCode: number;
  /** The last result line's envelope; undefined when the host printed none. */
  envelope: StepEnvelope<T> | undefined;
  progress: StepProgress[];
  /** Every other line, stdout and stderr. */
  noise: string[];
}

export async function runStep<S extends StepName>(
  backend: HostBackend,
  step: S,
  params: StepTypes[S]["params"],
  script: string = stepScript(step),
): Promise<StepRun<StepTypes[S]["result"]>> {
  const progress: StepProgress[] = [];
  const noise: string[] = [];
  let envelope: StepEnvelope<StepTypes[S]["result"]> | undefined;
  const stdin = loopStdin({ step, script, params });
  const exitCode = await backend.exec(STEP_COMMAND_LINE, stdin, {
    stdout: (line) => {
      const parsed = parseLine(line);
      if (parsed.kind === "progress") progress.push(parsed.progress);
      else if (parsed.kind === "result") envelope = parsed.envelope as StepEnvelope<StepTypes[S]["result"]>;
      else noise.push(parsed.text);
    },
    stderr: (line) => noise.push(line),
    signal: new AbortController().signal,
  });
  return { exitCode, envelope, progress, noise };
}

/** The step's value; throws with everything the host printed when it did not succeed. */
export async function stepValue<S extends StepName>(backend: HostBackend, step: S, params: StepTypes[S]["params"]): Promise<StepTypes[S]["result"]> {
  const run = await runStep(backend, step, params);
  if (!run.envelope?.ok) throw new Error(`step ${step} failed (exit ${run.exitCode}): ${JSON.stringify(run.envelope)}\n${run.noise.join("\n")}`);
  return run.envelope.value;
}
