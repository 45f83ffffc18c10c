/**
 * `join-script`: the script a person runs on the host to finish a pending-manual join, built locally
 * from the inputs recorded for the host (flags and --config override them) exactly as provision
 * builds it. The auth key inside is `[redacted]` unless --show-secrets, which needs the key; the
 * manual command (it checks the script's SHA-256) is built for the real script only.
 */
import { REDACTED } from "../common/redact";
import { withDefaults } from "../node";
import { joinScriptFor, manualCommand } from "../lifecycle";
import { merged, overlayFromCommandLine, validated, withSecrets } from "./assemble";
import { runCommand } from "./command";
import { EXIT, UsageError, type CliIo, type ExitCode } from "./io";
import type { CommandFlags } from "./options";
import { CONTROL_SECRETS, readSecrets, secretEnv } from "./secrets";
import { locateTarget, recordedInputs } from "./target";

export function joinScriptCommand(flags: CommandFlags, io: CliIo): Promise<ExitCode> {
  return runCommand("join-script", flags, io, async (scope) => {
    const { reporter } = scope;
    const showSecrets = flags.showSecrets ?? false;
    if (!showSecrets && (flags.authKeyFile !== undefined || flags.authKeyStdin)) {
      throw new UsageError("the auth key only goes into the script with --show-secrets: add it, or leave out --auth-key-file / --auth-key-stdin");
    }
    const overlay = overlayFromCommandLine(flags);
    const target = locateTarget(overlay, flags.state, io, true);
    scope.target = target;
    const secrets = await readSecrets(flags, io, showSecrets ? ["authKey"] : []);
    const authKey = secrets.authKey;
    if (showSecrets && authKey === undefined) {
      throw new UsageError(`--show-secrets puts the auth key in the script: give it with ${secretEnv("authKey")}, --auth-key-file or --auth-key-stdin`);
    }
    const draft = withSecrets(target.record ? merged(recordedInputs(target.record), overlay) : overlay, secrets, io);
    scope.learnSecrets(draft);
    // No SSH here: the script is built locally, so credentials and the API key are not needed.
    const inputs = withDefaults(validated(draft, ["connection", "authKey", ...CONTROL_SECRETS]));
    const script = joinScriptFor(inputs, authKey ?? REDACTED);
    // The command checks the script's SHA-256: it is only right for the script with the real key, or
    // as recorded when provision wrote that script.
    const command = showSecrets ? manualCommand(inputs.joinScriptPath, script) : target.record?.outputs.manualCommand || "";

    if (reporter.json) {
      const report = { command: "join-script", host: target.label, joinScriptPath: inputs.joinScriptPath, manualCommand: command, authKey: showSecrets ? "included" : "redacted", script };
      // The person asked for the key: print it as is.
      io.stdout(JSON.stringify(showSecrets ? report : reporter.redactor.value(report), null, 2) + "\n");
    } else {
      io.stdout(showSecrets ? script : reporter.redactor.text(script));
      const notes = [
        `# ${target.label}: provision writes this script to ${inputs.joinScriptPath} (readable by Administrators only) when a join`,
        "# ends pending-manual. A person runs it once, elevated, in an interactive session (Remote Desktop or the console):",
        command
          ? `#   ${command}`
          : "#   (the command checks the script's SHA-256, so it is built with the real key: add --show-secrets, or use the manualCommand output of the deployment)",
        showSecrets ? "# The script above holds the auth key: do not paste it anywhere shared." : `# The auth key inside is ${REDACTED}; --show-secrets prints the real one.`,
      ];
      if (target.record?.outputs.state === "joined") notes.push(`# ${target.label} is recorded as joined: no join script is needed.`);
      io.stderr(notes.join("\n") + "\n");
    }
    return EXIT.ok;
  });
}
