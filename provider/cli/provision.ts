/**
 * `provision`: create the node, or update it when the state file has a previous result for this
 * host. The flags and the config file are the whole desired state (as a Pulumi program is): a tag
 * left out is removed from the node.
 */
import { createNode, updateNode } from "../lifecycle";
import { overlayFromCommandLine, validated, withProviderVersion, withSecrets } from "./assemble";
import { runCommand } from "./command";
import type { CliIo, ExitCode } from "./io";
import type { CommandFlags } from "./options";
import { exitCodeOf, nodeLines, nodeReport } from "./render";
import { NODE_SECRETS, readSecrets } from "./secrets";
import { writeRecord } from "./state";
import { locateTarget, recordedOutputs } from "./target";

export function provisionCommand(flags: CommandFlags, io: CliIo): Promise<ExitCode> {
  return runCommand("provision", flags, io, async (scope) => {
    const { reporter } = scope;
    const secrets = await readSecrets(flags, io, NODE_SECRETS);
    const draft = withProviderVersion(withSecrets(overlayFromCommandLine(flags), secrets, io));
    scope.learnSecrets(draft);
    const inputs = validated(draft);
    const target = locateTarget(inputs, flags.state, io, false);
    scope.target = target;

    const record = target.record;
    if (record) reporter.progress(`updating ${target.label}: last provisioned ${record.savedAt} (${record.outputs.state}), host key ${record.outputs.hostKey}`);
    else reporter.progress(`creating ${target.label}: no earlier record in ${target.stateFile}`);
    const log = { log: reporter.progress };
    const outputs = record ? await updateNode(recordedOutputs(record), inputs, log) : await createNode(inputs, log);

    writeRecord(target.stateFile, outputs, target.ownHome);
    reporter.result(nodeReport("provision", target, outputs), nodeLines(target, outputs));
    return exitCodeOf(outputs);
  });
}
