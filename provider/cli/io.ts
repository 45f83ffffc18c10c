/**
 * What the CLI touches outside itself, injectable so that tests (and the demo) run it in-process:
 * its two output streams, its environment and its standard input.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** All of standard input, read only when a command asks for it (--auth-key-stdin). */
  readStdin(): Promise<string>;
}

/** Exit codes, documented in `--help` and docs/cli.md. */
export const EXIT = {
  ok: 0,
  joined: 0,
  failed: 1,
  usage: 2,
  unreachable: 3,
  pendingManual: 10,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  0   joined (or: the command did what it was asked)
  10  pending-manual: a person must run the join script once in an interactive session
  1   failed: the error names the host, the step, what was seen and what to do
  2   bad input or usage (each failing property is named)
  3   status only: the host was unreachable; the last known state is shown`;

/** A usage problem found by the CLI itself (before any host is contacted): exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** One line per failing property, when the problem is the inputs. */
    readonly failures: { property: string; reason: string }[] = [],
  ) {
    super(message);
    this.name = "UsageError";
  }
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
      return Buffer.concat(chunks).toString("utf8");
    },
  };
}
