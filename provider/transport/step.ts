/**
 * One remote step = one exec of the constant bootstrap (protocol.ts): the payload goes on stdin,
 * stdout is read line by line as it arrives, progress lines are passed on at once, and the single
 * result line decides the outcome. Everything the host sends is redacted before it leaves here.
 */
import { StringDecoder } from "string_decoder";
import type { ClientChannel } from "ssh2";
import { MeshError } from "../common/errors";
import type { Redactor } from "../common/redact";
import type { LiveConnection } from "./dial";
import { encodePayload, LANGUAGE_MODE_MARK, parseLine, PROTOCOL_VERSION, STEP_COMMAND_LINE, type StepEnvelope } from "./protocol";
import type { StepRequest, TransportStats } from "./types";

export interface StepContext {
  label: string;
  redactor: Redactor;
  log?: (line: string) => void;
  stats: TransportStats;
}

/** The link went down while the step ran: whether it took effect on the host is unknown. */
export class ConnectionDropped extends Error {}

/** Diagnostics kept from output that is not part of the protocol: enough to explain a failure, bounded. */
const NOISE_LINES_KEPT = 40;
const NOISE_LINE_CHARS = 400;

class NoiseTail {
  private readonly lines: string[] = [];

  constructor(private readonly redactor: Redactor) {}

  add(line: string): void {
    if (line.trim() === "") return;
    const clipped = line.length > NOISE_LINE_CHARS ? line.slice(0, NOISE_LINE_CHARS) + "..." : line;
    this.lines.push(this.redactor.text(clipped));
    if (this.lines.length > NOISE_LINES_KEPT) this.lines.shift();
  }

  text(): string {
    return this.lines.join(" | ");
  }
}

/** Splits a byte stream into lines as chunks arrive (a line, or a UTF-8 character, may span chunks). */
class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private pending = "";

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const parts = (this.pending + this.decoder.write(chunk)).split("\n");
    this.pending = parts.pop() ?? "";
    for (const line of parts) this.onLine(line.replace(/\r$/, ""));
  }

  end(): void {
    const rest = this.pending + this.decoder.end();
    this.pending = "";
    if (rest !== "") this.onLine(rest.replace(/\r$/, ""));
  }
}

export function runStep(connection: LiveConnection, request: StepRequest, timeoutMs: number, context: StepContext): Promise<unknown> {
  const { label, redactor, stats } = context;
  const where = { host: label, step: request.name };
  return new Promise((resolve, reject) => {
    let settled = false;
    let channel: ClientChannel | undefined;
    let envelope: StepEnvelope<unknown> | undefined;
    let exitCode: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    const noise = new NoiseTail(redactor);

    const finish = (outcome: () => unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      connection.client.removeListener("close", onConnectionClosed);
      try {
        resolve(outcome());
      } catch (error) {
        reject(error);
      }
    };
    const onConnectionClosed = () =>
      finish(() => {
        throw new ConnectionDropped(`the connection closed during step "${request.name}"${noiseSuffix(noise)}`);
      });
    connection.client.once("close", onConnectionClosed);

    timer = setTimeout(
      () =>
        finish(() => {
          // Closing the channel ends the remote process (OpenSSH kills it) and keeps the connection usable.
          channel?.close();
          throw new MeshError(`no answer from the host within ${(timeoutMs / 1000).toFixed(1)} s; the step was stopped`, {
            kind: "step-timeout",
            ...where,
            seen: noise.text() || "no output",
            hint: "the host may be overloaded or a command on it is waiting for input; raise the step timeout if the host is just slow",
          });
        }),
      timeoutMs,
    );

    const stdout = new LineSplitter((line) => {
      const parsed = parseLine(line);
      if (parsed.kind === "noise") noise.add(parsed.text);
      else if (parsed.kind === "result") envelope = parsed.envelope;
      else {
        const progress = redactor.value(parsed.progress);
        context.log?.(`[${label}] ${request.name}: ${progress.message}`);
        request.onProgress?.(progress);
      }
    });
    const stderr = new LineSplitter((line) => noise.add(line));

    stats.roundTrips++;
    stats.bytesSent += Buffer.byteLength(STEP_COMMAND_LINE);
    const failToStart = (error: Error) =>
      finish(() => {
        if (!connection.alive) throw new ConnectionDropped(`the connection closed before step "${request.name}" started`);
        throw new MeshError("the host refused to start the step", {
          kind: "step-failed",
          ...where,
          seen: redactor.text(error.message),
          hint: "check the OpenSSH server's MaxSessions setting and its log (Event Viewer > OpenSSH > Operational)",
        });
      });
    const onOpened = (error: Error | undefined, opened: ClientChannel) => {
      if (error) {
        failToStart(error);
        return;
      }
      channel = opened;
      if (settled) {
        opened.close();
        return;
      }
      opened.on("data", (chunk: Buffer) => {
        stats.bytesReceived += chunk.length;
        stdout.push(chunk);
      });
      opened.stderr.on("data", (chunk: Buffer) => {
        stats.bytesReceived += chunk.length;
        stderr.push(chunk);
      });
      opened.on("exit", (code: number | null) => {
        if (typeof code === "number") exitCode = code;
      });
      opened.on("close", () => {
        stdout.end();
        stderr.end();
        finish(() => {
          if (envelope) return valueOf(envelope, where, redactor);
          if (!connection.alive) throw new ConnectionDropped(`the connection closed during step "${request.name}"${noiseSuffix(noise)}`);
          const mode = languageMode(noise.text());
          if (mode) throw languageModeError(mode, where);
          throw new MeshError(`the step ended without a result (exit code ${exitCode ?? "unknown"})`, {
            kind: "step-failed",
            ...where,
            seen: noise.text() || "no output",
            hint:
              "Windows PowerShell did not run the step to its end; the output seen usually says why " +
              "(e.g. powershell.exe missing from PATH, or the OpenSSH default shell rejecting the command)",
          });
        });
      });
      const input = encodePayload({ v: PROTOCOL_VERSION, step: request.name, script: request.script, params: request.params }) + "\n";
      stats.bytesSent += Buffer.byteLength(input);
      opened.end(input);
    };
    try {
      connection.client.exec(STEP_COMMAND_LINE, onOpened);
    } catch (error) {
      // ssh2 throws "Not connected" when the socket closed between steps.
      failToStart(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** The language mode the bootstrap reported instead of running the step, if it did. */
function languageMode(text: string): string | undefined {
  const at = text.indexOf(LANGUAGE_MODE_MARK);
  return at < 0 ? undefined : text.slice(at + LANGUAGE_MODE_MARK.length).split(/\s/)[0];
}

function languageModeError(mode: string, where: { host: string; step: string }): MeshError {
  return new MeshError(`PowerShell on the host runs in ${mode} mode, in which the provider's scripts cannot run`, {
    kind: "host-not-ready",
    ...where,
    seen: `$ExecutionContext.SessionState.LanguageMode = ${mode}`,
    hint:
      "an AppLocker or WDAC (Device Guard) policy constrains PowerShell for this account: connect as an account the policy " +
      "exempts, or allow powershell.exe FullLanguage for it (e.g. an AppLocker rule for administrators), then run again",
  });
}

function noiseSuffix(noise: NoiseTail): string {
  const text = noise.text();
  return text ? ` (last output: ${text})` : "";
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
