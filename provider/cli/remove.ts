/**
 * `remove`: delete what the provider left on the host that holds a secret (the join script, key
 * files), and log out or uninstall only when asked; then forget the host's record. Without a record
 * (the state file was lost) it cleans the host from the flags alone.
 */
import { deleteNode } from "../lifecycle";
import { merged, overlayFromCommandLine, validated, withSecrets } from "./assemble";
import { runCommand } from "./command";
import { EXIT, type CliIo, type ExitCode } from "./io";
import type { CommandFlags } from "./options";
import { CONTROL_SECRETS, readSecrets } from "./secrets";
import { deleteRecord } from "./state";
import { NOT_NEEDED_TO_CONNECT } from "./status";
import { currentOutputs, locateTarget, recordedInputs, unrecordedOutputs } from "./target";

export function removeCommand(flags: CommandFlags, io: CliIo): Promise<ExitCode> {
  return runCommand("remove", flags, io, async (scope) => {
    const { reporter } = scope;
    const overlay = overlayFromCommandLine(flags);
    const target = locateTarget(overlay, flags.state, io, true);
    scope.target = target;
    const record = target.record;

    const secrets = await readSecrets(flags, io, CONTROL_SECRETS);
    const base = record ? merged(recordedInputs(record), { connection: overlay.connection, onDelete: overlay.onDelete }) : overlay;
    const draft = withSecrets(base, secrets, io);
    scope.learnSecrets(draft);
    const inputs = validated(draft, NOT_NEEDED_TO_CONNECT);
    if (!record) reporter.progress(`no record of ${target.label} in ${target.stateFile}: cleaning the host from the flags given (host key trusted on first use)`);

    const result = await deleteNode(record ? currentOutputs(record, inputs) : unrecordedOutputs(inputs), { log: reporter.progress });
    deleteRecord(target.stateFile);

    const human = [
      `removed: ${target.label}`,
      `  deleted on the host: ${result.removed.join(", ") || "nothing (nothing of ours was left)"}`,
      `  tailscale logout:    ${result.loggedOut ? "done" : inputs.onDelete?.logout ? "failed (see the messages)" : "not asked (--logout)"}`,
      `  uninstall:           ${result.uninstalled ? "done" : inputs.onDelete?.uninstall ? "failed (see the messages)" : "not asked (--uninstall)"}`,
      ...result.messages.map((m) => `  message:             ${m}`),
      `  state file:          ${target.stateFile} (deleted)`,
    ];
    reporter.result({ command: "remove", host: target.label, state: "removed", ...result, stateFile: target.stateFile }, human);
    return EXIT.ok;
  });
}
