/**
 * The PowerShell the provider sends to Windows: each step's script (the shared functions in
 * common.ps1 and folders.ps1, then the step's own file) and the join script a person runs when a join ends
 * pending-manual. Scripts are constant text; values travel as data (step params, or the base64 data
 * line of the join script), never spliced into code.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { JoinScriptData, StepName } from "./catalogue";

/** The one line of join-mesh.ps1 that carries its data; everything else in the template is constant. */
const JOIN_DATA_LINE = /^\$MeshJoinData = '([A-Za-z0-9+/=]*)'\r?$/m;

/** The line of join-mesh.ps1 that the shared folder functions (folders.ps1) replace. */
const FOLDERS_LINE = /^#include folders\.ps1\r?$/m;

const sources = new Map<string, string>();

/** The build copies *.ps1 next to the compiled JavaScript, so __dirname works from source and from dist. */
function readSource(file: string): string {
  let text = sources.get(file);
  if (text === undefined) {
    text = fs.readFileSync(path.join(__dirname, file), "utf8").replace(/^\uFEFF/, "");
    sources.set(file, text);
  }
  return text;
}

/** A here-string opener at the end of a line: inside one, a line starting with # is text, not a comment. */
const HERE_STRING = /@["']\r?$/m;

/**
 * The text as it goes to the host: every comment line emptied (kept as a line, so the line numbers
 * an error names still match the file). Comments are for readers of the source, and a third of the
 * bytes. A script holding a here-string is sent as it is.
 */
function withoutCommentLines(text: string): string {
  if (HERE_STRING.test(text)) return text;
  return text.replace(/^[ \t]*#.*$/gm, "");
}

/** Each step's own files, after the shared ones: the probe carries the doctor's checks and the preference reader. */
const STEP_FILES: Record<StepName, string[]> = {
  probe: ["checks.ps1", "tailscale-prefs.ps1", "probe.ps1"],
  stage: ["stage.ps1"],
  append: ["append.ps1"],
  install: ["install.ps1"],
  join: ["restart-check.ps1", "join.ps1"],
  configure: ["restart-check.ps1", "configure.ps1"],
  cleanup: ["cleanup.ps1"],
};

/**
 * One step's script in its parts: the shared functions and the folder functions, each sent once per
 * operation, then the step's own files.
 */
export function stepScriptParts(name: StepName): string[] {
  return ["common.ps1", "folders.ps1", ...STEP_FILES[name]].map((file) => withoutCommentLines(readSource(file)));
}

/** The complete script of one step, as the step loop runs it with the step's params. */
export function stepScript(name: StepName): string {
  return stepScriptParts(name).join("\n");
}

/**
 * The join script for a person to run in an interactive session. CRLF line endings, so every
 * Notepad shows it properly; ASCII only, as Windows PowerShell 5.1 reads a BOM-less script as ANSI.
 */
export function buildJoinScript(data: JoinScriptData): string {
  const template = readSource("join-mesh.ps1");
  const encoded = Buffer.from(JSON.stringify(data), "utf8").toString("base64");
  if (!JOIN_DATA_LINE.test(template)) throw new Error("join-mesh.ps1 has lost its $MeshJoinData line");
  if (!FOLDERS_LINE.test(template)) throw new Error("join-mesh.ps1 has lost its #include folders.ps1 line");
  return template
    .replace(FOLDERS_LINE, () => readSource("folders.ps1").trimEnd())
    .replace(JOIN_DATA_LINE, `$MeshJoinData = '${encoded}'`)
    .replace(/\r?\n/g, "\r\n");
}

/** The data a join script carries (the simulator and tests read it back). */
export function readJoinScriptData(text: string): JoinScriptData {
  const match = JOIN_DATA_LINE.exec(text);
  if (!match || match[1] === "") throw new Error("not a join script: no $MeshJoinData line with data");
  return JSON.parse(Buffer.from(match[1], "base64").toString("utf8")) as JoinScriptData;
}

/**
 * The exact line a person runs, elevated, in an interactive session to finish a pending-manual join.
 * It reads the join script once, checks those bytes' SHA-256 against the script the provider wrote,
 * and runs the very bytes it checked (no window between check and use); a swapped file is refused
 * and not run. Safe to paste into cmd.exe and PowerShell alike: one double-quoted argument holding
 * no `$`, backtick, double quote, `%` or `!` (joinScriptPath's rule keeps the path free of them), so
 * neither shell changes it; a script block runs no file, so no execution policy applies.
 */
export function manualCommand(joinScriptPath: string, joinScriptText: string): string {
  const sha256 = createHash("sha256").update(joinScriptText, "utf8").digest("hex").toUpperCase();
  const bytes = "(Get-Variable j -ValueOnly)";
  return (
    `powershell.exe -NoProfile -Command "Set-Variable j (Get-Content -LiteralPath '${joinScriptPath}' -Encoding Byte -Raw); ` +
    `if ((Get-FileHash -InputStream ([IO.MemoryStream]::new(${bytes}))).Hash -ne '${sha256}') ` +
    "{ Write-Host 'Not run: not the join script the deployment wrote.'; exit 1 }; " +
    `& ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString(${bytes})))"`
  );
}
