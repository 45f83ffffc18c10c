/**
 * A static check that a script runs on Windows PowerShell 5.1: it must parse (tree-sitter-powershell,
 * no pwsh needed) and use nothing only PowerShell 6/7 has. The syntax tree is walked for pipeline
 * chains, 7-only commands, parameters, parameter values and automatic variables; 7-only operators
 * (??, ??=, ?., ternary) and `clean` blocks are not in the grammar, so they surface as parse errors.
 * The script must be ASCII: 5.1 reads a file without a byte order mark in the ANSI code page.
 *
 * The grammar wrongly rejects bare native arguments such as --timeout=30s: scripts quote them.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { Language, Parser, type Node } from "web-tree-sitter";

export interface Finding {
  line: number;
  rule: string;
  text: string;
}

const SEVEN_ONLY_COMMANDS = new Set(
  [
    "Join-String", "Get-Error", "Test-Json", "ConvertFrom-Markdown", "Show-Markdown", "Get-MarkdownOption", "Set-MarkdownOption",
    "Get-Uptime", "Remove-Alias", "Remove-Service", "ConvertTo-CliXml", "ConvertFrom-CliXml", "Get-PSSubsystem", "Get-SecureRandom",
    "Enable-ExperimentalFeature", "Disable-ExperimentalFeature", "Get-ExperimentalFeature",
  ].map((name) => name.toLowerCase()),
);

const WEB_SEVEN_ONLY = [
  "SkipCertificateCheck", "Authentication", "Token", "SslProtocol", "Resume", "SkipHttpErrorCheck", "StatusCodeVariable",
  "ResponseHeadersVariable", "NoProxy", "AllowUnencryptedAuthentication", "SkipHeaderValidation", "MaximumRetryCount",
  "RetryIntervalSec", "Form", "HttpVersion", "ConnectionTimeoutSeconds", "OperationTimeoutSeconds", "PreserveAuthorizationOnRedirect",
];

/** Parameters a command has only in PowerShell 6/7 (names lower-cased, with the command's aliases). */
const SEVEN_ONLY_PARAMETERS: Record<string, string[]> = {
  "foreach-object": ["Parallel", "ThrottleLimit", "TimeoutSeconds", "AsJob", "UseNewRunspace"],
  "convertfrom-json": ["AsHashtable", "Depth", "NoEnumerate", "DateKind"],
  "convertto-json": ["AsArray", "EnumsAsStrings", "EscapeHandling"],
  "invoke-webrequest": WEB_SEVEN_ONLY,
  "invoke-restmethod": WEB_SEVEN_ONLY,
  "get-content": ["AsByteStream"],
  "set-content": ["AsByteStream"],
  "add-content": ["AsByteStream"],
  "out-file": ["AsByteStream"],
  "split-path": ["Extension", "LeafBase"],
  "join-path": ["AdditionalChildPath"],
  "start-process": ["Environment"],
  "select-object": ["SkipIndex"],
  "set-service": ["SecurityDescriptorSddl", "Force"],
  "get-childitem": ["FollowSymlink"],
  "import-module": ["UseWindowsPowerShell", "SkipEditionCheck"],
};
for (const alias of ["%", "foreach"]) SEVEN_ONLY_PARAMETERS[alias] = SEVEN_ONLY_PARAMETERS["foreach-object"];
for (const alias of ["iwr", "curl", "wget"]) SEVEN_ONLY_PARAMETERS[alias] = WEB_SEVEN_ONLY;
SEVEN_ONLY_PARAMETERS.irm = WEB_SEVEN_ONLY;
SEVEN_ONLY_PARAMETERS.gc = SEVEN_ONLY_PARAMETERS.cat = SEVEN_ONLY_PARAMETERS["get-content"];

/** -Encoding values 5.1 does not know (it has Unknown, String, Unicode, Byte, BigEndianUnicode, UTF8, UTF7, UTF32, Ascii, Default, Oem). */
const SEVEN_ONLY_ENCODINGS = new Set(["utf8nobom", "utf8bom", "ansi", "latin1", "bigendianutf32"]);

/** Automatic variables only PowerShell 6+ sets (in 5.1 they are silently $null). */
const SEVEN_ONLY_VARIABLES = new Set(["iswindows", "islinux", "ismacos", "iscoreclr", "psstyle", "enabledexperimentalfeatures", "psnativecommandargumentpassing"]);

/** .NET members .NET Framework 4.x lacks. */
const CORE_ONLY_MEMBERS = new Set(["getrelativepath", "latin1", "unixdomainsocketendpoint", "argumentlist"]);

/** ProgressAction became a common parameter in 7.4. */
const SEVEN_ONLY_COMMON = new Set(["progressaction"]);

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

/** Everything in `script` that Windows PowerShell 5.1 would not run as PowerShell 7 does. */
export async function findPowerShell7Only(script: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const add = (node: Node, rule: string) => findings.push({ line: node.startPosition.row + 1, rule, text: node.text.split("\n")[0].slice(0, 80) });

  script.split("\n").forEach((text, index) => {
    if (/[^\x00-\x7f]/.test(text)) findings.push({ line: index + 1, rule: "non-ASCII character (5.1 reads a script without BOM as ANSI)", text: text.slice(0, 80) });
  });

  const tree = (await powershellParser()).parse(script);
  if (!tree) throw new Error("tree-sitter returned no tree");
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
    if (node.type === "command") checkCommand(node, add);
    for (const child of node.children) if (child) visit(child);
  };
  visit(tree.rootNode);
  tree.delete();
  return findings;
}

function checkCommand(command: Node, add: (node: Node, rule: string) => void): void {
  const nameNode = command.childForFieldName("command_name");
  const name = (nameNode?.text ?? "").toLowerCase();
  if (nameNode && SEVEN_ONLY_COMMANDS.has(name)) add(nameNode, "command only PowerShell 6+ has");
  const elements = command.childForFieldName("command_elements")?.children.filter((child): child is Node => !!child && child.type !== "command_argument_sep") ?? [];
  elements.forEach((element, index) => {
    if (element.type !== "command_parameter") return;
    const parameter = element.text.replace(/^-/, "").replace(/:$/, "").toLowerCase();
    if (SEVEN_ONLY_COMMON.has(parameter)) add(element, "common parameter only PowerShell 7.4+ has");
    if ((SEVEN_ONLY_PARAMETERS[name] ?? []).some((known) => known.toLowerCase() === parameter)) add(element, `parameter of ${nameNode?.text} only PowerShell 6+ has`);
    if (parameter === "encoding") {
      const value = elements[index + 1]?.text.replace(/^['"]|['"]$/g, "").toLowerCase();
      if (value && SEVEN_ONLY_ENCODINGS.has(value)) add(elements[index + 1], "-Encoding value only PowerShell 6+ knows");
    }
  });
}
