/**
 * What Windows PowerShell 5.1 has, for the static check (powershell-51.ts): its commands with their
 * parameter sets, as PSScriptAnalyzer inventoried Windows Server 2016 (test/fixtures/windows-powershell-5.1/,
 * derived by tools/powershell-51-inventory.js), and how 5.1 binds a written parameter name: the
 * exact name or alias, else a prefix of exactly one parameter (several is 5.1's "ambiguous" error).
 *
 * The inventory lists no parameter aliases (its parameter sets are Get-Command -Syntax text), so only
 * the common parameters' aliases, which the language fixes, are known: a command's own parameter
 * aliases (-Args, -LP, ...) are reported as unknown. Write the full name.
 */
import { readFileSync } from "fs";
import { join } from "path";

/** A command as the binder sees it: its parameter sets (names), and whether it takes the common parameters. */
export interface CommandShape {
  name: string;
  /** Where it comes from, for messages: a 5.1 module, or "this script". */
  origin: string;
  common: boolean;
  sets: string[][];
  /** Parameter aliases, where known (functions the script defines). */
  aliases: Record<string, string[]>;
}

interface InventoryFile {
  source: string;
  commands: Record<string, { module: string; type: string; common: boolean; sets: string[] }>;
  aliases: Record<string, string>;
}

/** 5.1's common parameters and their aliases (about_CommonParameters); -ProgressAction came in 7.4. */
const COMMON_PARAMETERS: Record<string, string[]> = {
  Verbose: ["vb"],
  Debug: ["db"],
  ErrorAction: ["ea"],
  WarningAction: ["wa"],
  InformationAction: ["infa"],
  ErrorVariable: ["ev"],
  WarningVariable: ["wv"],
  InformationVariable: ["iv"],
  OutVariable: ["ov"],
  OutBuffer: ["ob"],
  PipelineVariable: ["pv"],
};
/** The risk-mitigation parameters' aliases; the inventory lists the parameters where a command has them. */
const RISK_ALIASES: Record<string, string[]> = { WhatIf: ["wi"], Confirm: ["cf"] };

export const INVENTORY_PATH = join(__dirname, "..", "fixtures", "windows-powershell-5.1", "commands.json");

let inventory: { commands: Map<string, CommandShape>; aliases: Map<string, string>; modules: Set<string> } | undefined;

function load(): NonNullable<typeof inventory> {
  if (inventory) return inventory;
  const file = JSON.parse(readFileSync(INVENTORY_PATH, "utf8")) as InventoryFile;
  const commands = new Map<string, CommandShape>();
  for (const [name, entry] of Object.entries(file.commands)) {
    const sets = entry.sets.map((set) => (set === "" ? [] : set.split(" ")));
    commands.set(name.toLowerCase(), { name, origin: entry.module, common: entry.common, sets, aliases: {} });
  }
  const aliases = new Map(Object.entries(file.aliases).map(([alias, module]) => [alias.toLowerCase(), module]));
  const modules = new Set(Object.values(file.commands).map((entry) => entry.module.toLowerCase()));
  inventory = { commands, aliases, modules };
  return inventory;
}

/** A 5.1 command by name, case-insensitive; `module` when the script qualified it (Module\Name). */
export function inventoryCommand(name: string, module?: string): CommandShape | undefined {
  const command = load().commands.get(name.toLowerCase());
  if (command && module !== undefined && command.origin.toLowerCase() !== module.toLowerCase()) return undefined;
  return command;
}

/** The module exporting an alias of that name in 5.1 (the inventory does not say what it stands for). */
export function inventoryAlias(name: string): string | undefined {
  return load().aliases.get(name.toLowerCase());
}

export function isInventoryModule(name: string): boolean {
  return load().modules.has(name.toLowerCase());
}

export type Binding = { parameter: string } | { unknown: true } | { ambiguous: string[] };

/** Every parameter the command takes (any set, and the common ones), each with its aliases. */
function allParameters(command: CommandShape): Map<string, string[]> {
  const parameters = new Map<string, string[]>();
  for (const set of command.sets) for (const name of set) parameters.set(name, [...(command.aliases[name] ?? []), ...(RISK_ALIASES[name] ?? [])]);
  if (command.common) for (const [name, aliases] of Object.entries(COMMON_PARAMETERS)) parameters.set(name, aliases);
  return parameters;
}

/** The parameter `written` (without its dash) binds to, as 5.1's binder decides. */
export function bindParameter(command: CommandShape, written: string): Binding {
  const wanted = written.toLowerCase();
  const parameters = allParameters(command);
  for (const [name, aliases] of parameters) {
    if ([name, ...aliases].some((candidate) => candidate.toLowerCase() === wanted)) return { parameter: name };
  }
  const matches = [...parameters].filter(([name, aliases]) => [name, ...aliases].some((candidate) => candidate.toLowerCase().startsWith(wanted))).map(([name]) => name);
  if (matches.length === 1) return { parameter: matches[0] };
  return matches.length === 0 ? { unknown: true } : { ambiguous: matches };
}

/** Whether one parameter set takes all these (bound) parameters together; common ones go with any. */
export function oneSetTakes(command: CommandShape, parameters: string[]): boolean {
  const own = parameters.filter((name) => !(command.common && name in COMMON_PARAMETERS));
  return own.length === 0 || command.sets.some((set) => own.every((name) => set.includes(name)));
}
