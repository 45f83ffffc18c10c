/**
 * The PowerShell the provider sends to Windows: each step's script (the shared functions in
 * common.ps1 followed by the step's own file) and the join script a person runs when a join ends
 * pending-manual. Scripts are constant text; values travel as data (step params, or the base64 data
 * line of the join script), never spliced into code.
 */
import * as fs from "fs";
import * as path from "path";
import type { JoinScriptData, StepName } from "./catalogue";

/** The one line of join-mesh.ps1 that carries its data; everything else in the template is constant. */
const JOIN_DATA_LINE = /^\$MeshJoinData = '([A-Za-z0-9+/=]*)'\r?$/m;

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

/** The files of each step's script after common.ps1: the probe carries the doctor's checks. */
const STEP_FILES: Record<StepName, string[]> = {
  probe: ["checks.ps1", "probe.ps1"],
  install: ["install.ps1"],
  join: ["join.ps1"],
  cleanup: ["cleanup.ps1"],
};

/** The complete script of one step, as the bootstrap runs it with the step's params. */
export function stepScript(name: StepName): string {
  return ["common.ps1", ...STEP_FILES[name]].map(readSource).join("\n");
}

/**
 * The join script for a person to run in an interactive session. CRLF line endings, so every
 * Notepad shows it properly; ASCII only, as Windows PowerShell 5.1 reads a BOM-less script as ANSI.
 */
export function buildJoinScript(data: JoinScriptData): string {
  const template = readSource("join-mesh.ps1");
  const encoded = Buffer.from(JSON.stringify(data), "utf8").toString("base64");
  if (!JOIN_DATA_LINE.test(template)) throw new Error("join-mesh.ps1 has lost its $MeshJoinData line");
  return template.replace(JOIN_DATA_LINE, `$MeshJoinData = '${encoded}'`).replace(/\r?\n/g, "\r\n");
}

/** The data a join script carries (the simulator and tests read it back). */
export function readJoinScriptData(text: string): JoinScriptData {
  const match = JOIN_DATA_LINE.exec(text);
  if (!match || match[1] === "") throw new Error("not a join script: no $MeshJoinData line with data");
  return JSON.parse(Buffer.from(match[1], "base64").toString("utf8")) as JoinScriptData;
}

/** The exact line a person runs, elevated, in an interactive session to finish a pending-manual join. */
export function manualCommand(joinScriptPath: string): string {
  return `powershell.exe -NoProfile -ExecutionPolicy Bypass -File "${joinScriptPath}"`;
}
