/**
 * What every command shares: a Reporter whose Redactor learns each secret as it is read, and one
 * place where failures become output and exit codes.
 */
import { isMeshError } from "../common/errors";
import { Redactor } from "../common/redact";
import { secretsOf } from "../node";
import type { NodeInputs } from "../node";
import type { DraftInputs } from "./assemble";
import type { CliIo, ExitCode } from "./io";
import type { CommonFlags } from "./options";
import { Reporter } from "./render";
import type { Target } from "./target";

export interface CommandScope {
  reporter: Reporter;
  /** Set once the host is known, so a failure can point at its state file. */
  target?: Target;
  /** Adds every secret in the assembled inputs to the Redactor, before anything can print them. */
  learnSecrets(draft: DraftInputs): void;
}

export async function runCommand(
  name: string,
  flags: CommonFlags,
  io: CliIo,
  body: (scope: CommandScope) => Promise<ExitCode>,
): Promise<ExitCode> {
  const redactor = new Redactor();
  const scope: CommandScope = {
    reporter: new Reporter(io, redactor, flags.json ?? false, flags.quiet ?? false),
    learnSecrets: (draft) => {
      for (const secret of secretsOf(draft as unknown as NodeInputs)) redactor.add(secret);
    },
  };
  try {
    return await body(scope);
  } catch (error) {
    return scope.reporter.failure(name, error, hostKeyHint(error, scope.target));
  }
}

/** A refused host key is the state file's doing when no key was pinned: say where it is and how to move on. */
function hostKeyHint(error: unknown, target: Target | undefined): string | undefined {
  const recorded = target?.record?.outputs;
  if (!isMeshError(error, "ssh-host-key") || !recorded?.hostKey || recorded.connection.hostKey) return undefined;
  return (
    `the key ${recorded.hostKey} was recorded on first use in ${target!.stateFile}; if the host was reinstalled, ` +
    "check its new key on the host (ssh-keygen -lf C:\\ProgramData\\ssh\\ssh_host_ed25519_key.pub) and pass it with --host-key"
  );
}
