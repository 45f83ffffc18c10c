/**
 * `doctor`: before a first deployment (or when one fails), what on this host stands in the way. One
 * connection, one probe with the read-only checks that create and update also run; nothing changes
 * on the host and nothing is recorded. Exit 1 when a check fails.
 */
import { diagnoseHost, type HostCheck } from "../lifecycle";
import { overlayFromCommandLine, validated, withSecrets } from "./assemble";
import { runCommand } from "./command";
import { EXIT, type CliIo, type ExitCode } from "./io";
import type { CommandFlags } from "./options";
import { INSTALL_SECRETS, readSecrets } from "./secrets";
import { NOT_NEEDED_TO_CONNECT } from "./status";
import { locateTarget } from "./target";

const MARKS: Record<HostCheck["status"], string> = { pass: "ok  ", warn: "WARN", fail: "FAIL" };

export function doctorCommand(flags: CommandFlags, io: CliIo): Promise<ExitCode> {
  return runCommand("doctor", flags, io, async (scope) => {
    const { reporter } = scope;
    const secrets = await readSecrets(flags, io, INSTALL_SECRETS);
    const draft = withSecrets(overlayFromCommandLine(flags), secrets, io);
    scope.learnSecrets(draft);
    const inputs = validated(draft, NOT_NEEDED_TO_CONNECT);
    const target = locateTarget(inputs, flags.state, io, false);
    scope.target = target;

    // A host key recorded by an earlier provision is enforced; otherwise the first one seen is trusted.
    const { host, checks } = await diagnoseHost(inputs, { log: reporter.progress }, target.record?.outputs.hostKey);
    const failed = checks.filter((check) => check.status === "fail").length;
    const warned = checks.filter((check) => check.status === "warn").length;
    const verdict = failed > 0 ? "not ready" : warned > 0 ? "ready, with warnings" : "ready";
    reporter.result({ command: "doctor", host, verdict, checks }, [
      `doctor: ${host} is ${verdict}`,
      ...checks.flatMap((check) => [`  ${MARKS[check.status]} ${check.id.padEnd(21)} ${check.seen}`, ...(check.fix && check.status !== "pass" ? [`       ${"".padEnd(21)} what to do: ${check.fix}`] : [])]),
    ]);
    return failed > 0 ? EXIT.failed : EXIT.ok;
  });
}
