#!/usr/bin/env node
/**
 * mesh-windows-node: the command line on the same engine as the Pulumi provider. `run` is the whole
 * CLI with injectable streams, environment and stdin (tests and the demo call it in-process).
 */
import { processIo } from "./io";
import { run } from "./program";

export { run } from "./program";
export { EXIT, type CliIo, type ExitCode } from "./io";

if (require.main === module) {
  run(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`unexpected error (a bug; please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
