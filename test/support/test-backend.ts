/**
 * A back end for transport tests. Steps are named by what they do to the wire, not after Windows:
 *   echo      returns its params (so does any step name not listed here, e.g. "join" or "probe")
 *   progress  prints a progress line, waits for release() (or the channel closing), then returns its params
 *   fail      prints `params.noise` on stderr, then a failed result carrying `params.message`
 *   crash     prints `params.stderr` on stderr and exits with `params.exitCode`, without a result
 */
import type { HostBackend, StepIo } from "../../simulator/backend";
import { decodePayload, encodeMarkedLine, PROGRESS_MARK, RESULT_MARK } from "../../provider/transport/protocol";

export class TestBackend implements Pick<HostBackend, "exec"> {
  private waiting: (() => void)[] = [];

  /** Lets every "progress" step that is waiting go on to its result. */
  release(): void {
    for (const go of this.waiting.splice(0)) go();
  }

  async exec(_commandLine: string, stdin: string, io: StepIo): Promise<number> {
    const payload = decodePayload(stdin);
    const params = (payload.params ?? {}) as Record<string, unknown>;
    switch (payload.step) {
      case "progress":
        io.stdout(encodeMarkedLine(PROGRESS_MARK, { message: "waiting for release", data: { attempt: 1 } }));
        await new Promise<void>((resolve) => {
          this.waiting.push(resolve);
          io.signal.addEventListener("abort", () => resolve());
        });
        io.stdout(encodeMarkedLine(RESULT_MARK, { ok: true, value: payload.params }));
        return 0;
      case "fail":
        if (typeof params.noise === "string") io.stderr(params.noise);
        io.stdout(
          encodeMarkedLine(RESULT_MARK, {
            ok: false,
            error: { message: String(params.message), type: "System.Management.Automation.RuntimeException", line: 3, script: "  throw $m" },
          }),
        );
        return 1;
      case "crash":
        io.stderr(String(params.stderr));
        return Number(params.exitCode);
      default:
        io.stdout(encodeMarkedLine(RESULT_MARK, { ok: true, value: payload.params }));
        return 0;
    }
  }
}
