/**
 * A back end for transport tests: a step loop like the provider's (first stdin line the loop, then
 * one frame per step, until end of stdin). Steps are named by what they do to the wire, not after Windows:
 *   echo      returns its params (so does any step name not listed here, e.g. "join" or "probe")
 *   progress  prints a progress line, waits for release() (or the channel closing), then returns its params
 *   fail      prints `params.noise` on stderr, then a failed result carrying `params.message`; the loop reads on
 *   crash     prints `params.stderr` on stderr and exits with `params.exitCode`, without a result
 *   pid       returns the number of the process (exec) it ran in, counted from 1
 */
import type { HostBackend, StepIo } from "../../simulator/backend";
import { encodeMarkedLine, FrameReader, PROGRESS_MARK, RESULT_MARK } from "../../provider/transport/protocol";

export class TestBackend implements Pick<HostBackend, "exec"> {
  private waiting: (() => void)[] = [];
  private processes = 0;

  /** Lets every "progress" step that is waiting go on to its result. */
  release(): void {
    for (const go of this.waiting.splice(0)) go();
  }

  async exec(_commandLine: string, stdin: AsyncIterable<string>, io: StepIo): Promise<number> {
    const pid = ++this.processes;
    const reader = new FrameReader();
    let first = true;
    for await (const line of stdin) {
      if (first) {
        first = false;
        continue;
      }
      const payload = reader.read(line);
      const params = (payload.params ?? {}) as Record<string, unknown>;
      const result = (value: unknown) => io.stdout(encodeMarkedLine(RESULT_MARK, { ok: true, value }));
      switch (payload.step) {
        case "progress":
          io.stdout(encodeMarkedLine(PROGRESS_MARK, { message: "waiting for release", data: { attempt: 1 } }));
          await new Promise<void>((resolve) => {
            this.waiting.push(resolve);
            io.signal.addEventListener("abort", () => resolve());
          });
          result(payload.params);
          break;
        case "fail":
          if (typeof params.noise === "string") io.stderr(params.noise);
          io.stdout(
            encodeMarkedLine(RESULT_MARK, {
              ok: false,
              error: { message: String(params.message), type: "System.Management.Automation.RuntimeException", line: 3, script: "  throw $m" },
            }),
          );
          break;
        case "crash":
          io.stderr(String(params.stderr));
          return Number(params.exitCode);
        case "pid":
          result({ pid });
          break;
        default:
          result(payload.params);
      }
    }
    return 0;
  }
}
