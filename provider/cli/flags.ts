/**
 * The command line's input flags, read off the node's declaration: which flag sets which property,
 * in which group of commands, how its text becomes a value, and how failures name their source.
 * Secrets have no value flag here: only files, stdin and the environment (secrets.ts).
 */
import { Command, Option } from "commander";
import { LOGIN_FIELDS, NODE_INPUTS, filled, secretPartsOf, walkFields, type CliBinding, type CliGroup, type Field, type SecretSources } from "../node";
import { readKeyFile } from "./files";
import { UsageError } from "./io";

export interface FlagBinding {
  /** The input property, e.g. "connection.port". */
  path: string;
  field: Field;
  cli: CliBinding;
  /** Commander's key for the flag's value, e.g. "port", "jumpPort", "acceptRoutes". */
  attribute: string;
  /** The flag without its argument, e.g. "--port". */
  name: string;
  groups: CliGroup[];
}

export interface SecretBinding {
  path: string;
  sources: SecretSources;
}

/** The command group a property belongs to: how to connect, what to join with, what delete does. */
function groupOf(path: string): CliGroup {
  const top = path.split(".")[0];
  return top === "connection" ? "connection" : top === "onDelete" ? "delete" : "join";
}

function flagName(cli: CliBinding): string {
  return cli.flag.split(" ")[0]!;
}

export function bindingOf(path: string, field: Field, cli: CliBinding): FlagBinding {
  const option = new Option(cli.flag);
  return { path, field, cli, attribute: option.attributeName(), name: flagName(cli), groups: [groupOf(path), ...(cli.alsoIn ?? [])] };
}

const publicFields = [...walkFields(Object.fromEntries(Object.entries(NODE_INPUTS).filter(([, f]) => !f.internal)))];

export const FLAG_BINDINGS: readonly FlagBinding[] = publicFields.filter(([, f]) => f.cli).map(([path, f]) => bindingOf(path, f, f.cli!));

export const SECRET_BINDINGS: readonly SecretBinding[] = publicFields.filter(([, f]) => f.secretSources).map(([path, f]) => ({ path, sources: f.secretSources! }));

/** A number flag: a whole number becomes a number; anything else stays text for the check to name. */
export function numberFlag(value: string): number | string {
  return /^[+-]?\d+$/.test(value.trim()) ? Number(value) : value;
}

/** A true/false flag (an option that unset leaves to Tailscale): "true" and "false" become booleans; anything else stays text for the check to name. */
export function booleanFlag(value: string): boolean | string {
  const word = value.trim().toLowerCase();
  return word === "true" ? true : word === "false" ? false : value;
}

function repeated(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The commander option of one binding: choices for enums, parsing for numbers and repeated lists. */
export function optionOf(binding: FlagBinding): Option {
  const { field, cli } = binding;
  const option = new Option(cli.flag, filled(cli.help, field));
  if (field.kind === "enum") option.choices(field.type.values.map((v) => v.value));
  if (field.kind === "integer" || field.kind === "number") option.argParser(numberFlag);
  if (field.kind === "boolean" && option.required) option.argParser(booleanFlag);
  if (cli.source === "repeat") option.argParser(repeated);
  return option;
}

/** Adds the flags of one group (input flags, and the file/stdin flags of its secrets) to a command. */
export function addGroup(command: Command, group: CliGroup): Command {
  for (const binding of FLAG_BINDINGS.filter((b) => b.groups.includes(group))) command.addOption(optionOf(binding));
  for (const { path, sources } of SECRET_BINDINGS) {
    for (const cli of [sources.file, sources.stdin]) {
      if (cli && [groupOf(path), ...(cli.alsoIn ?? [])].includes(group)) command.addOption(new Option(cli.flag, cli.help));
    }
  }
  return command;
}

/** The value a flag sets: a file's text for key files, true/false for switches, else as parsed. */
function valueOf(binding: FlagBinding, given: unknown): unknown {
  if (binding.cli.source === "file") return readKeyFile(String(given), binding.name);
  // A value that holds a secret (a URL's token) must not come from argv, which every user can list.
  if (secretPartsOf(binding.field, given).length > 0) {
    const env = binding.field.secretSources?.env;
    throw new UsageError(`${binding.name}: the value holds a secret (a token in its query), which the command line would show in the process list and shell history; ${env ? `set ${env} instead` : "leave it out"}`);
  }
  return given;
}

/** The flags given, as a partial NodeInputs (files named by flags are read here). */
export function inputsFromFlags(flags: Record<string, unknown>): Record<string, unknown> {
  const draft: Record<string, unknown> = {};
  for (const binding of FLAG_BINDINGS) {
    const given = flags[binding.attribute];
    if (given === undefined) continue;
    const parts = binding.path.split(".");
    let at = draft;
    for (const part of parts.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
    at[parts[parts.length - 1]!] = valueOf(binding, given);
  }
  return draft;
}

/**
 * How a property is given on the command line, for failures: "--port", "MESH_AUTH_KEY / --auth-key-file / ...".
 * `asSecret`: where its value goes when it holds a secret (a URL with a token: its variable, not the flag).
 */
export function sourceOf(path: string, asSecret = false): string | undefined {
  const flag = FLAG_BINDINGS.find((b) => b.path === path);
  const secret = SECRET_BINDINGS.find((b) => b.path === path);
  if (flag && !(asSecret && secret)) return flag.name;
  if (secret) return [secret.sources.env, secret.sources.file, secret.sources.stdin].map((s) => (typeof s === "string" ? s : s && flagName(s))).filter(Boolean).join(" / ");
  // An SSH hop as a whole fails for having no way to log in: name the ways.
  const ways = LOGIN_FIELDS.map((name) => sourceOf(`${path}.${name}`)).filter((s): s is string => s !== undefined);
  if (ways.length > 0) return ways.length > 1 ? `${ways.slice(0, -1).join(", ")} or ${ways[ways.length - 1]}` : ways[0];
  // Any other object: the flags of what it requires (controlServer: --control-kind).
  const required = publicFields.filter(([p, f]) => p.startsWith(`${path}.`) && !p.slice(path.length + 1).includes(".") && f.required);
  const names = required.map(([p]) => sourceOf(p)).filter((s): s is string => s !== undefined);
  return names.length > 0 ? names.join(", ") : undefined;
}
