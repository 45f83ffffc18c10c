/**
 * `status`: the refresh view. One connection, one passive probe (nothing changes on the host), then
 * what the state means: joined, or pending-manual with the command a person still has to run, and
 * any drift with what fixes it. With the control server's credential in the environment, its node
 * list too (key expiry, duplicate nodes). A host that cannot be reached shows its last known state
 * (exit 3).
 */
import { readNode } from "../lifecycle";
import { merged, overlayFromCommandLine, validated, withSecrets } from "./assemble";
import { runCommand } from "./command";
import { EXIT, UsageError, type CliIo, type ExitCode } from "./io";
import type { CommandFlags } from "./options";
import { exitCodeOf, nodeLines, nodeReport } from "./render";
import { CONTROL_SECRETS, INSTALL_SECRETS, readSecrets } from "./secrets";
import { writeRecord } from "./state";
import { currentOutputs, locateTarget, recordedInputs } from "./target";

/**
 * Properties status and remove may go without: they never join or install, and without the control
 * server's credential they just do not ask it (the state file never holds one). The recorded
 * install.msiFile may be gone from this machine since.
 */
export const NOT_NEEDED_TO_CONNECT = ["authKey", ...INSTALL_SECRETS, ...CONTROL_SECRETS, "install.msiFile"];

export function statusCommand(flags: CommandFlags, io: CliIo): Promise<ExitCode> {
  return runCommand("status", flags, io, async (scope) => {
    const { reporter } = scope;
    const overlay = overlayFromCommandLine(flags);
    const target = locateTarget(overlay, flags.state, io, true);
    scope.target = target;
    const record = target.record;
    if (!record) throw new UsageError(`no record of ${target.label} in ${target.stateFile}: status reads what provision recorded, so run provision first`);

    // The control server's credential from the environment, when set: then the refresh asks it too.
    const secrets = await readSecrets(flags, io, CONTROL_SECRETS);
    const draft = withSecrets(merged(recordedInputs(record), { connection: overlay.connection }), secrets, io);
    scope.learnSecrets(draft);
    const previous = currentOutputs(record, validated(draft, NOT_NEEDED_TO_CONNECT));

    const { outputs, warning } = await readNode(previous, { log: reporter.progress });
    if (warning) {
      const report = { ...nodeReport("status", target, outputs), unreachable: true, warning, recordedAt: record.savedAt };
      const human = [`unreachable: ${warning}`, `last known state, recorded ${record.savedAt}:`, ...nodeLines(target, outputs)];
      reporter.result(report, human);
      return EXIT.unreachable;
    }
    writeRecord(target.stateFile, outputs, target.ownHome);
    reporter.result(nodeReport("status", target, outputs), nodeLines(target, outputs));
    return exitCodeOf(outputs);
  });
}
