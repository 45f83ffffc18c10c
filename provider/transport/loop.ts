/**
 * One powershell.exe per operation: the constant loader is exec'd once (protocol.ts), the step loop
 * goes on stdin as the first frame, and each step after that is one frame on stdin answered by
 * progress lines and one result line, so a step costs one round trip and no process start. A step
 * that fails on the host leaves the loop running; a step that does not answer in time closes the
 * channel (OpenSSH then ends the process) and the next step starts a new loop. Everything the host
 * sends is redacted before it leaves here.
 */
import type { ClientChannel } from "ssh2";
import { MeshError } from "../common/errors";
import type { Redactor } from "../common/redact";
import type { LiveConnection } from "./dial";
import { languageModeError } from "./language-mode";
import { LineSplitter, NoiseTail } from "./lines";
import { FrameWriter, LOOP_FRAME_LINE, parseLine, STEP_COMMAND_LINE, type StepEnvelope } from "./protocol";
import type { StepRequest, TransportStats } from "./types";

export interface StepContext {
  label: string;
  redactor: Redactor;
  log?: (line: string) => void;
  stats: TransportStats;
}

/** The link went down while the step ran: whether it took effect on the host is unknown. */
export class ConnectionDropped extends Error {}

/** The step waiting for its result line. */
interface Pending {
  request: StepRequest;
  settle: (outcome: () => unknown) => void;
}

export class StepLoop {
  private channel: Promise<ClientChannel> | undefined;
  private readonly frames = new FrameWriter();
  private readonly noise: NoiseTail;
  private pending: Pending | undefined;
  private ended = false;
  private exitCode: number | undefined;

  constructor(
    readonly connection: LiveConnection,
    private readonly context: StepContext,
  ) {
    this.noise = new NoiseTail(context.redactor);
  }

  /** False once the channel closed, timed out or was ended: the next step needs a new loop. */
  get usable(): boolean {
    return !this.ended && this.connection.alive;
  }

  run(request: StepRequest, timeoutMs: number): Promise<unknown> {
    const { label, redactor, stats } = this.context;
    const where = { host: label, step: request.name };
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (outcome: () => unknown) => {
        if (this.pending?.request !== request) return;
        this.pending = undefined;
        clearTimeout(timer);
        this.connection.client.removeListener("close", onConnectionClosed);
        try {
          resolve(outcome());
        } catch (error) {
          reject(error);
        }
      };
      const onConnectionClosed = () =>
        settle(() => {
          throw new ConnectionDropped(`the connection closed during step "${request.name}"${this.noise.suffix()}`);
        });
      this.pending = { request, settle };
      this.noise.clear();
      this.connection.client.once("close", onConnectionClosed);
      timer = setTimeout(
        () =>
          settle(() => {
            // Closing the channel ends the remote process (OpenSSH kills it) and keeps the connection usable.
            this.end(true);
            throw new MeshError(`no answer from the host within ${(timeoutMs / 1000).toFixed(1)} s; the step was stopped`, {
              kind: "step-timeout",
              ...where,
              seen: this.noise.text() || "no output",
              hint: "the host may be overloaded or a command on it is waiting for input; raise the step timeout if the host is just slow",
            });
          }),
        timeoutMs,
      );
      stats.roundTrips++;
      const parts = typeof request.script === "string" ? [request.script] : request.script;
      const frame = this.frames.frame(request.name, parts, request.params) + "\n";
      this.open().then(
        (channel) => {
          if (this.pending?.request !== request) return;
          stats.bytesSent += Buffer.byteLength(frame);
          channel.write(frame);
        },
        (error: Error) => {
          this.ended = true;
          settle(() => {
            if (!this.connection.alive) throw new ConnectionDropped(`the connection closed before step "${request.name}" started`);
            throw new MeshError("the host refused to start the step", {
              kind: "step-failed",
              ...where,
              seen: redactor.text(error.message),
              hint: "check the OpenSSH server's MaxSessions setting and its log (Event Viewer > OpenSSH > Operational)",
            });
          });
        },
      );
    });
  }

  /** Ends the loop: end of stdin lets powershell.exe finish; `abort` closes the channel (the process is killed). */
  end(abort = false): void {
    this.ended = true;
    void this.channel?.then(
      (channel) => (abort ? channel.close() : channel.end()),
      () => undefined,
    );
  }

  private open(): Promise<ClientChannel> {
    this.channel ??= new Promise<ClientChannel>((resolve, reject) => {
      const { stats } = this.context;
      stats.bytesSent += Buffer.byteLength(STEP_COMMAND_LINE) + LOOP_FRAME_LINE.length + 1;
      try {
        this.connection.client.exec(STEP_COMMAND_LINE, (error, channel) => {
          if (error) return reject(error);
          this.listen(channel);
          channel.write(LOOP_FRAME_LINE + "\n");
          resolve(channel);
        });
      } catch (error) {
        // ssh2 throws "Not connected" when the socket closed between steps.
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    return this.channel;
  }

  private listen(channel: ClientChannel): void {
    const { label, redactor, stats } = this.context;
    const stdout = new LineSplitter((line) => {
      const parsed = parseLine(line);
      const pending = this.pending;
      if (parsed.kind === "noise") {
        this.noise.add(parsed.text);
        // A constrained PowerShell says so and stops; it may only exit once stdin ends, so the step
        // ends here instead of waiting for the channel to close.
        const constrained = pending && languageModeError(parsed.text, { host: label, step: pending.request.name });
        if (constrained) {
          this.ended = true;
          channel.close();
          pending.settle(() => {
            throw constrained;
          });
        }
      } else if (parsed.kind === "result") pending?.settle(() => valueOf(parsed.envelope, { host: label, step: pending.request.name }, redactor));
      else if (pending) {
        const progress = redactor.value(parsed.progress);
        this.context.log?.(`[${label}] ${pending.request.name}: ${progress.message}`);
        pending.request.onProgress?.(progress);
      }
    });
    const stderr = new LineSplitter((line) => this.noise.add(line));
    channel.on("data", (chunk: Buffer) => {
      stats.bytesReceived += chunk.length;
      stdout.push(chunk);
    });
    channel.stderr.on("data", (chunk: Buffer) => {
      stats.bytesReceived += chunk.length;
      stderr.push(chunk);
    });
    channel.on("exit", (code: number | null) => {
      if (typeof code === "number") this.exitCode = code;
    });
    channel.on("close", () => {
      this.ended = true;
      stdout.end();
      stderr.end();
      const pending = this.pending;
      pending?.settle(() => {
        const name = pending.request.name;
        if (!this.connection.alive) throw new ConnectionDropped(`the connection closed during step "${name}"${this.noise.suffix()}`);
        throw new MeshError(`the step ended without a result (exit code ${this.exitCode ?? "unknown"})`, {
          kind: "step-failed",
          host: label,
          step: name,
          seen: this.noise.text() || "no output",
          hint:
            "Windows PowerShell did not run the step to its end; the output seen usually says why " +
            "(e.g. powershell.exe missing from PATH, or the OpenSSH default shell rejecting the command)",
        });
      });
    });
  }
}

function valueOf(envelope: StepEnvelope<unknown>, where: { host: string; step: string }, redactor: Redactor): unknown {
  if (envelope.ok) return redactor.value(envelope.value);
  const { message, type, line, script } = envelope.error;
  const at = line !== undefined ? `line ${line}${script ? `: ${script.trim()}` : ""}` : undefined;
  throw new MeshError(`the step failed on the host: ${redactor.text(message)}`, {
    kind: "step-failed",
    ...where,
    seen: redactor.text([type, at].filter(Boolean).join(" at ") || "no detail"),
    hint: "fix the cause on the host named above, then run the operation again; steps are safe to repeat",
  });
}
