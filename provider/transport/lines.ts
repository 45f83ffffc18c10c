/**
 * Reading what a host prints: a byte stream split into lines as chunks arrive, and a bounded,
 * redacted tail of the lines that are not part of the protocol (enough to explain a failure).
 */
import { StringDecoder } from "string_decoder";
import type { Redactor } from "../common/redact";

const NOISE_LINES_KEPT = 40;
const NOISE_LINE_CHARS = 400;

export class NoiseTail {
  private lines: string[] = [];

  constructor(private readonly redactor: Redactor) {}

  add(line: string): void {
    if (line.trim() === "") return;
    const clipped = line.length > NOISE_LINE_CHARS ? line.slice(0, NOISE_LINE_CHARS) + "..." : line;
    this.lines.push(this.redactor.text(clipped));
    if (this.lines.length > NOISE_LINES_KEPT) this.lines.shift();
  }

  clear(): void {
    this.lines = [];
  }

  text(): string {
    return this.lines.join(" | ");
  }

  /** " (last output: ...)" or nothing. */
  suffix(): string {
    const text = this.text();
    return text ? ` (last output: ${text})` : "";
  }
}

/** Splits a byte stream into lines as chunks arrive (a line, or a UTF-8 character, may span chunks). */
export class LineSplitter {
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
