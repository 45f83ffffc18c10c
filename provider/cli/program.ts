/**
 * The command line: commander's program with one subcommand per operation, run in-process against
 * an injectable CliIo. A fresh program per run, since commander keeps parsed values on it.
 */
import { Command, CommanderError } from "commander";
import { packageVersion } from "../common/version";
import { demoCommand } from "./demo";
import { doctorCommand } from "./doctor";
import { EXIT, EXIT_CODES_HELP, UsageError, type CliIo, type ExitCode } from "./io";
import { joinScriptCommand } from "./join-script";
import {
  addCommonOptions,
  addConnectionOptions,
  addJoinOptions,
  addOnDeleteOptions,
  givenFlags,
  type CommandFlags,
} from "./options";
import { provisionCommand } from "./provision";
import { removeCommand } from "./remove";
import { SECRET_BINDINGS } from "./flags";
import { refuseSecretsOnArgv, secretEnv, sourcesOf } from "./secrets";
import { STATE_HOME_ENV } from "./state";
import { statusCommand } from "./status";

const SECRETS_HELP = [
  "Secrets are never taken on the command line. Give them as:",
  ...SECRET_BINDINGS.map((b) => `  ${b.sources.label.padEnd(26)} ${sourcesOf(b)}`),
  "Files are read and trimmed; a file or stdin flag wins over the variable.",
].join("\n");

const EXAMPLES = `Examples:
  mesh-windows-node demo
  export ${secretEnv("authKey")}=tskey-auth-...  ${secretEnv("connection.password")}=...
  mesh-windows-node doctor --host win-01.example.com --login-server https://hs.example.com
  mesh-windows-node provision --host win-01.example.com --login-server https://hs.example.com --tag tag:server
  mesh-windows-node status --host win-01.example.com
  mesh-windows-node join-script --host win-01.example.com
  mesh-windows-node remove --host win-01.example.com

State: one file per host under $${STATE_HOME_ENV} (default ~/.config/mesh-windows-node), no secrets in it.
Documentation: docs/cli.md`;

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const handle = (command: (flags: CommandFlags, io: CliIo) => Promise<ExitCode>) => async (_options: unknown, self: Command) => {
    exitCode = await command(givenFlags(self), io);
  };

  const program = new Command("mesh-windows-node")
    .description("Put Windows machines on a Tailscale/Headscale mesh over SSH.")
    .version(packageVersion(), "-V, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      // commander echoes an unknown `--flag=value` whole; the value might be a secret.
      outputError: (text, write) => write(text.replace(/'(--?[^'=\s]+)=[^']*'/g, "'$1=…'")),
    })
    .showHelpAfterError("(add --help for the usage)")
    .addHelpText("after", `\n${SECRETS_HELP}\n\n${EXIT_CODES_HELP}\n\n${EXAMPLES}`);

  const withExitCodes = (command: Command) => command.addHelpText("after", `\n${EXIT_CODES_HELP}`);

  withExitCodes(
    addCommonOptions(addJoinOptions(addConnectionOptions(program.command("provision"))))
      .description("install Tailscale and join the host (create), or bring it back to the declared state (update, when the state file has a record)")
      .action(handle(provisionCommand)),
  );
  withExitCodes(
    addCommonOptions(addJoinOptions(addConnectionOptions(program.command("doctor"))))
      .description("check the host before a deployment (changes nothing): administrator, PowerShell, pending reboot, disk, TLS, VPNs, UDP 41641, reaching the packages and the control server")
      .action(handle(doctorCommand)),
  );
  withExitCodes(
    addCommonOptions(addConnectionOptions(program.command("status")))
      .description("probe the host (changes nothing) and say what its state means; records what it found")
      .action(handle(statusCommand)),
  );
  withExitCodes(
    addCommonOptions(addJoinOptions(addConnectionOptions(program.command("join-script"))))
      .description("print the join script for the host, from its recorded inputs (the auth key redacted)")
      .option("--show-secrets", "put the real auth key in the script (needs it from a secret source)")
      .action(handle(joinScriptCommand)),
  );
  withExitCodes(
    addCommonOptions(addOnDeleteOptions(addConnectionOptions(program.command("remove"))))
      .description("remove the join script and key files from the host (and log out or uninstall when asked); forget the host")
      .action(handle(removeCommand)),
  );
  program
    .command("demo")
    .description("the whole story on a built-in simulated Windows host, in seconds; needs nothing else")
    .option("--backend <kind>", "simulated host back end: ts (default) or pwsh (needs pwsh on PATH)")
    .action(async (_options: unknown, self: Command) => {
      exitCode = await demoCommand(givenFlags(self), io, run);
    });

  try {
    refuseSecretsOnArgv(argv);
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      const shownOnRequest = error.code === "commander.helpDisplayed" || error.code === "commander.version";
      return shownOnRequest ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
