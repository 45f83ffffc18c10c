/**
 * A static check that a script runs on Windows PowerShell 5.1: it must parse (tree-sitter-powershell,
 * no pwsh needed) and use only what 5.1 has. Commands and parameters are held to an ALLOWLIST, 5.1's
 * own inventory (inventory-51.ts): every command must be a 5.1 command, a function the script (or the
 * step loop that runs it) defines, or a program written with its extension or path (icacls.exe,
 * & $TailscaleExe); every named parameter must bind, as 5.1 binds it (exact name or alias, or an
 * unambiguous prefix), and the named parameters of one call must fit one of the command's sets.
 * Language features 5.1 lacks are found in the syntax tree (pipeline chains, automatic variables,
 * .NET Core members); 7-only operators (??, ??=, ?., ternary) and `clean` blocks are not in the
 * grammar, so they surface as parse errors. The script must be ASCII: 5.1 reads a file without a byte
 * order mark in the ANSI code page.
 *
 * The grammar wrongly rejects bare native arguments such as --timeout=30s (scripts quote them) and
 * reads no digits in a parameter name. Not checked: aliases (reported: the inventory does not say what
 * they stand for), splatted parameters, positional arguments, and script text in strings (AddScript).
 */
import { readFileSync } from "fs";
import { join } from "path";
import { Language, Parser, type Node } from "web-tree-sitter";
import { LOOP_SCRIPT } from "../../provider/transport/protocol";
import { bindParameter, inventoryAlias, inventoryCommand, isInventoryModule, oneSetTakes, type CommandShape } from "./inventory-51";

export interface Finding {
  line: number;
  rule: string;
  text: string;
  /** The command the finding is about, as the script wrote it. */
  command?: string;
  /** The parameter, as the script wrote it (without its dash). */
  parameter?: string;
}

/** -Encoding values 5.1 does not know (it has Unknown, String, Unicode, Byte, BigEndianUnicode, UTF8, UTF7, UTF32, Ascii, Default, Oem). */
const SEVEN_ONLY_ENCODINGS = new Set(["utf8nobom", "utf8bom", "ansi", "latin1", "bigendianutf32"]);

/** Automatic variables only PowerShell 6+ sets (in 5.1 they are silently $null). */
const SEVEN_ONLY_VARIABLES = new Set(["iswindows", "islinux", "ismacos", "iscoreclr", "psstyle", "enabledexperimentalfeatures", "psnativecommandargumentpassing"]);

/** .NET members .NET Framework 4.x lacks. */
const CORE_ONLY_MEMBERS = new Set(["getrelativepath", "latin1", "unixdomainsocketendpoint", "argumentlist"]);

/** A program or script file named by path or extension: Windows runs it, 5.1 does not bind its arguments. */
const PROGRAM_NAME = /[\\/:]|\.(exe|com|bat|cmd|ps1|msc|cpl)$/i;

let parser: Promise<Parser> | undefined;

function powershellParser(): Promise<Parser> {
  parser ??= (async () => {
    const modules = join(__dirname, "..", "..", "node_modules");
    // Bytes, not paths: under jest the loaders cannot fetch the files themselves.
    const runtime = readFileSync(join(modules, "web-tree-sitter", "web-tree-sitter.wasm"));
    await Parser.init({ wasmBinary: runtime });
    const language = await Language.load(readFileSync(join(modules, "tree-sitter-powershell", "tree-sitter-powershell.wasm")));
    return new Parser().setLanguage(language);
  })();
  return parser;
}

function childrenOf(node: Node | null | undefined): Node[] {
  return node?.children.filter((child): child is Node => !!child) ?? [];
}

function descendants(node: Node, type: string): Node[] {
  return node.descendantsOfType(type).filter((child): child is Node => !!child);
}

/** The text of a string literal ('x' or "x" without expansions), else undefined. */
function literalText(node: Node): string | undefined {
  if (node.type !== "string_literal") return undefined;
  const text = node.text;
  if (/^'[^']*'$/.test(text)) return text.slice(1, -1);
  if (/^"[^"$`]*"$/.test(text)) return text.slice(1, -1);
  return undefined;
}

/** The functions a script defines (function or filter statements, anywhere in it), with their parameters. */
function definedFunctions(root: Node): Map<string, CommandShape> {
  const functions = new Map<string, CommandShape>();
  for (const statement of descendants(root, "function_statement")) {
    const name = childrenOf(statement).find((child) => child.type === "function_name")?.text.replace(/^(global|script|local):/i, "");
    if (!name) continue;
    const declaration = childrenOf(statement).find((child) => child.type === "function_parameter_declaration");
    const paramBlock = childrenOf(childrenOf(statement).find((child) => child.type === "script_block")).find((child) => child.type === "param_block");
    const list = childrenOf(declaration ?? paramBlock).find((child) => child.type === "parameter_list");
    const parameters: string[] = [];
    const aliases: Record<string, string[]> = {};
    for (const parameter of childrenOf(list).filter((child) => child.type === "script_parameter")) {
      const variable = childrenOf(parameter).find((child) => child.type === "variable");
      if (!variable) continue;
      const parameterName = variable.text.replace(/^\$/, "");
      parameters.push(parameterName);
      for (const attribute of descendants(parameter, "attribute")) {
        if (/^alias$/i.test(childrenOf(attribute).find((child) => child.type === "attribute_name")?.text ?? "")) {
          aliases[parameterName] = descendants(attribute, "string_literal").map((literal) => literalText(literal) ?? "");
        }
      }
    }
    // [CmdletBinding()] or a [Parameter()] makes it an advanced function, which takes the common
    // parameters, and -WhatIf and -Confirm with SupportsShouldProcess.
    const attributes = [declaration, paramBlock].flatMap((node) => (node ? descendants(node, "attribute") : []));
    const named = (pattern: RegExp) => attributes.filter((attribute) => pattern.test(childrenOf(attribute).find((child) => child.type === "attribute_name")?.text ?? ""));
    const binding = named(/^cmdletbinding$/i);
    const advanced = binding.length > 0 || named(/^parameter$/i).length > 0;
    if (binding.some((attribute) => /SupportsShouldProcess(?!\s*=\s*\$false)/i.test(attribute.text))) parameters.push("WhatIf", "Confirm");
    functions.set(name.toLowerCase(), { name, origin: "this script", common: advanced, sets: [parameters], aliases });
  }
  return functions;
}

/** The functions a script defines, as the check binds calls to them. */
export async function functionsDefinedIn(script: string): Promise<CommandShape[]> {
  const tree = (await powershellParser()).parse(script);
  if (!tree) throw new Error("tree-sitter returned no tree");
  const functions = [...definedFunctions(tree.rootNode).values()];
  tree.delete();
  return functions;
}

export interface CheckOptions {
  /** Scripts whose functions the checked script may call: the step loop, for a step script. */
  definedBy?: string[];
}

/** Everything in `script` that Windows PowerShell 5.1 would not run as written. */
export async function findWindowsPowerShell51Problems(script: string, options: CheckOptions = {}): Promise<Finding[]> {
  const findings: Finding[] = [];
  const add = (node: Node, rule: string, about: Pick<Finding, "command" | "parameter"> = {}) =>
    findings.push({ line: node.startPosition.row + 1, rule, text: node.text.split("\n")[0].slice(0, 80), ...about });

  script.split("\n").forEach((text, index) => {
    if (/[^\x00-\x7f]/.test(text)) findings.push({ line: index + 1, rule: "non-ASCII character (5.1 reads a script without BOM as ANSI)", text: text.slice(0, 80) });
  });

  const parser = await powershellParser();
  const functions = new Map<string, CommandShape>();
  for (const other of options.definedBy ?? []) {
    for (const shape of await functionsDefinedIn(other)) functions.set(shape.name.toLowerCase(), shape);
  }
  const tree = parser.parse(script);
  if (!tree) throw new Error("tree-sitter returned no tree");
  for (const [name, shape] of definedFunctions(tree.rootNode)) functions.set(name, shape);

  const visit = (node: Node) => {
    if (node.type === "ERROR" || node.isMissing) {
      add(node, "does not parse (7-only syntax such as ??, ?., ternary or clean {}, or a plain syntax error)");
      return;
    }
    if (node.type === "pipeline_chain_tail") add(node, "&& / || pipeline chain (PowerShell 7)");
    if (node.type === "variable") {
      const name = node.text.replace(/^\$\{?|}$/g, "").replace(/^(global|script|local):/i, "").toLowerCase();
      if (SEVEN_ONLY_VARIABLES.has(name)) add(node, "automatic variable only PowerShell 6+ sets");
    }
    if (node.type === "member_name" && CORE_ONLY_MEMBERS.has(node.text.toLowerCase())) add(node, ".NET member that .NET Framework 4.x lacks");
    if (node.type === "command") checkCommand(node, functions, add);
    for (const child of childrenOf(node)) visit(child);
  };
  visit(tree.rootNode);
  tree.delete();
  return findings;
}

/** A step script as the step loop runs it: it may call the loop's Write-MeshProgress. */
export function findStepScriptProblems(script: string): Promise<Finding[]> {
  return findWindowsPowerShell51Problems(script, { definedBy: [LOOP_SCRIPT] });
}

type Add = (node: Node, rule: string, about?: Pick<Finding, "command" | "parameter">) => void;

/** The command a call resolves to in 5.1; undefined for a program, a script file or a computed name. */
function resolveCommand(nameNode: Node, dotSourced: boolean, functions: Map<string, CommandShape>, add: Add): CommandShape | undefined {
  const written = nameNode.type === "command_name_expr" ? childrenOf(nameNode)[0] : nameNode;
  if (dotSourced || !written) return undefined;
  const name = written.type === "command_name" ? written.text : literalText(written);
  // & $variable, & (expression): decided at run time.
  if (name === undefined) return undefined;
  const qualified = /^([A-Za-z][\w.]*)\\([A-Za-z][\w-]*)$/.exec(name);
  if (qualified && isInventoryModule(qualified[1])) {
    const command = inventoryCommand(qualified[2], qualified[1]);
    if (!command) add(nameNode, `${qualified[1]} has no command ${qualified[2]} in Windows PowerShell 5.1`, { command: name });
    return command;
  }
  const own = functions.get(name.toLowerCase());
  if (own) return own;
  const command = inventoryCommand(name);
  if (command) return command;
  if (PROGRAM_NAME.test(name)) return undefined;
  const aliasModule = inventoryAlias(name);
  if (aliasModule) {
    add(nameNode, `alias (exported by ${aliasModule}): write the full command name, so its parameters can be checked (5.1's inventory does not say what an alias stands for)`, { command: name });
  } else {
    add(nameNode, "not a command of Windows PowerShell 5.1, nor a function this script defines (a program is written with its extension: icacls.exe)", { command: name });
  }
  return undefined;
}

function checkCommand(command: Node, functions: Map<string, CommandShape>, add: Add): void {
  const nameNode = command.childForFieldName("command_name");
  if (!nameNode) return;
  const dotSourced = childrenOf(command).some((child) => child.type === "command_invokation_operator" && child.text === ".");
  const shape = resolveCommand(nameNode, dotSourced, functions, add);
  const elements = childrenOf(command.childForFieldName("command_elements")).filter((child) => child.type !== "command_argument_sep");
  const bound: string[] = [];
  for (const [index, element] of elements.entries()) {
    if (element.type !== "command_parameter") continue;
    // After --, everything is an argument.
    if (element.text === "--") break;
    const parameter = element.text.replace(/^-/, "").replace(/:$/, "");
    if (parameter.toLowerCase() === "encoding") {
      const value = elements[index + 1]?.text.replace(/^['"]|['"]$/g, "").toLowerCase();
      if (value && SEVEN_ONLY_ENCODINGS.has(value)) add(elements[index + 1], "-Encoding value only PowerShell 6+ knows", { command: nameNode.text, parameter });
    }
    if (!shape) continue;
    const about = { command: nameNode.text, parameter };
    const binding = bindParameter(shape, parameter);
    if ("parameter" in binding) bound.push(binding.parameter);
    else if ("ambiguous" in binding) add(element, `parameter name is ambiguous for ${shape.name} in Windows PowerShell 5.1 (${binding.ambiguous.join(", ")})`, about);
    else add(element, `no parameter of ${shape.name} (${shape.origin}) in Windows PowerShell 5.1 matches this name or prefix`, about);
  }
  if (shape && !oneSetTakes(shape, bound)) {
    add(nameNode, `no parameter set of ${shape.name} in Windows PowerShell 5.1 takes ${bound.map((name) => `-${name}`).join(" ")} together`, { command: nameNode.text });
  }
}
