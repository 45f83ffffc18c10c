/**
 * The command line's flags, in groups the commands share: the input flags come from the node's
 * declaration (flags.ts); the flags about the command itself are here. Secrets have no flag: only a
 * file, stdin or an environment variable (see secrets.ts).
 */
import type { Command } from "commander";
import { addGroup } from "./flags";

export interface CommonFlags {
  state?: string;
  json?: boolean;
  quiet?: boolean;
}

/** What commander hands a command: the common flags, the input and secret flags given, and its own. */
export type CommandFlags = CommonFlags & { config?: string; showSecrets?: boolean; backend?: string } & Record<string, unknown>;

export function addCommonOptions(command: Command): Command {
  return command
    .option("--config <file.json>", "the node's inputs as JSON (docs/inputs.md), without secrets; flags override it")
    .option("--state <file>", "state file to use instead of the one per host under $MESH_WINDOWS_NODE_HOME")
    .option("--json", "print one JSON object on stdout (progress stays on stderr)")
    .option("--quiet", "no progress lines on stderr");
}

export const addConnectionOptions = (command: Command): Command => addGroup(command, "connection");
export const addJoinOptions = (command: Command): Command => addGroup(command, "join");
export const addOnDeleteOptions = (command: Command): Command => addGroup(command, "delete");

/** Only the flags given on the command line (commander also reports defaults, e.g. of --no-accept-routes). */
export function givenFlags(command: Command): CommandFlags {
  const options = command.opts();
  return Object.fromEntries(Object.keys(options).filter((key) => command.getOptionValueSource(key) === "cli").map((key) => [key, options[key]]));
}
