/**
 * The wire contract between the Node side and a Windows host (real or simulated).
 *
 * One operation = one SSH exec of a short constant loader, passed with -EncodedCommand so neither
 * cmd.exe nor PowerShell (whichever is the OpenSSH default shell) can reinterpret it, and one
 * powershell.exe that runs every step of the operation. Everything else travels on stdin, one line
 * per frame, each base64 of gzip: the first frame is the step loop (LOOP_SCRIPT, UTF-8 text), every
 * later one a step (UTF-8 JSON, StepFrame). ASCII lines, so the console code page cannot mangle
 * non-ASCII values, and no command-line limit applies; .NET Framework 4.5+ (Windows PowerShell 5.1)
 * has GZipStream. A script travels once per operation and is referenced by its digest afterwards.
 * Parameters are never spliced into code: the script receives them as an object. End of stdin ends
 * the loop.
 *
 * The host answers each step with marked lines on stdout, each base64 of UTF-8 JSON:
 *   ##mesh-progress:<b64>  zero or more, streamed as the step runs
 *   ##mesh-result:<b64>    exactly one, last for the step; the loop then reads the next frame
 * Anything else on stdout/stderr is noise kept (redacted) for diagnostics.
 */
import { createHash } from "crypto";
import { gunzipSync, gzipSync } from "zlib";

export const PROTOCOL_VERSION = 2;
export const PROGRESS_MARK = "##mesh-progress:";
export const RESULT_MARK = "##mesh-result:";

/** One step frame on stdin. `scripts` defines the parts the host has not seen yet; `run` names the parts of this step, in order. */
export interface StepFrame {
  v: number;
  step: string;
  scripts: Record<string, string>;
  run: string[];
  params: unknown;
}

/** A step as the host resolves it: the script (its parts joined with newlines) and its params. */
export interface StepPayload {
  v: number;
  step: string;
  script: string;
  params: unknown;
}

export interface StepProgress {
  message: string;
  /** Optional structured detail, e.g. { attempt: 2, of: 3 }. */
  data?: Record<string, unknown>;
}

export type StepEnvelope<T> =
  | { ok: true; value: T }
  | { ok: false; error: { message: string; type?: string; line?: number; script?: string } };

/** The bootstrap's one line on a host whose PowerShell is not in FullLanguage mode, and its exit code. */
export const LANGUAGE_MODE_MARK = "##mesh-language-mode:";
export const LANGUAGE_MODE_EXIT_CODE = 3;

/**
 * The command-line part: reads the first frame (the loop) from stdin and runs it with the rest of
 * stdin. A script started with -EncodedCommand reads redirected stdin through `$input`, an
 * enumerator of lines that yields each line as it arrives.
 */
export const LOADER_SCRIPT = [
  // Under AppLocker/WDAC PowerShell runs in ConstrainedLanguage mode, where the .NET calls below fail:
  // said first, in words that language allows, as one plain line (exit code LANGUAGE_MODE_EXIT_CODE).
  "$m=[string]$ExecutionContext.SessionState.LanguageMode",
  `if($m -ne 'FullLanguage'){'${LANGUAGE_MODE_MARK}'+$m;exit ${LANGUAGE_MODE_EXIT_CODE}}`,
  "$f=$input;$null=$f.MoveNext()",
  "$z=New-Object IO.Compression.GZipStream((New-Object IO.MemoryStream(,[Convert]::FromBase64String($f.Current))),[IO.Compression.CompressionMode]::Decompress)",
  ". ([ScriptBlock]::Create((New-Object IO.StreamReader($z)).ReadToEnd())) $f",
].join("\n");

/**
 * The step loop, run by the loader under Windows PowerShell 5.1 (and pwsh 7 in tests). Written for
 * 5.1: no `&&`, `??`, ternaries. A step that throws is answered with {ok:false} and the loop reads
 * on. `Write-MeshProgress` and `Write-MeshLine` are visible to the step script, which is invoked in
 * a child scope with the decoded params as its single argument.
 */
export const LOOP_SCRIPT = [
  "param($Frames)",
  "$ErrorActionPreference = 'Stop'",
  "$ProgressPreference = 'SilentlyContinue'",
  "function Write-MeshLine([string]$Mark, $Value) {",
  "  $json = ConvertTo-Json -InputObject $Value -Compress -Depth 12",
  "  [Console]::Out.WriteLine($Mark + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($json)))",
  "  [Console]::Out.Flush()",
  "}",
  "function Write-MeshProgress([string]$Message, $Data) {",
  "  $p = @{ message = $Message }",
  "  if ($null -ne $Data) { $p.data = $Data }",
  `  Write-MeshLine '${PROGRESS_MARK}' $p`,
  "}",
  "function Read-MeshFrame([string]$Line) {",
  "  $zip = New-Object IO.Compression.GZipStream((New-Object IO.MemoryStream(,[Convert]::FromBase64String($Line))), [IO.Compression.CompressionMode]::Decompress)",
  "  (New-Object IO.StreamReader($zip, [Text.Encoding]::UTF8)).ReadToEnd() | ConvertFrom-Json",
  "}",
  "$MeshScripts = @{}",
  "while ($Frames.MoveNext()) {",
  "  $line = ([string]$Frames.Current).Trim()",
  "  if ($line -eq '') { continue }",
  "  try {",
  "    $frame = Read-MeshFrame $line",
  `    if ($frame.v -ne ${PROTOCOL_VERSION}) { throw ('unsupported protocol version ' + $frame.v) }`,
  "    if ($null -ne $frame.scripts) { foreach ($part in $frame.scripts.PSObject.Properties) { $MeshScripts[$part.Name] = [string]$part.Value } }",
  "    $text = foreach ($name in @($frame.run)) {",
  "      if (-not $MeshScripts.ContainsKey([string]$name)) { throw ('unknown script part ' + $name) }",
  "      $MeshScripts[[string]$name]",
  "    }",
  "    $step = [ScriptBlock]::Create((@($text) -join \"`n\"))",
  "    $value = & $step $frame.params",
  `    Write-MeshLine '${RESULT_MARK}' @{ ok = $true; value = $value }`,
  "  } catch {",
  "    $e = @{ message = [string]$_.Exception.Message; type = $_.Exception.GetType().FullName }",
  "    if ($_.InvocationInfo) { $e.line = $_.InvocationInfo.ScriptLineNumber; $e.script = [string]$_.InvocationInfo.Line }",
  `    Write-MeshLine '${RESULT_MARK}' @{ ok = $false; error = $e }`,
  "  }",
  "}",
].join("\n");

/** Base64 of UTF-16LE, the form `-EncodedCommand` takes. */
export function encodePowerShellCommand(script: string): string {
  return Buffer.from(script, "utf16le").toString("base64");
}

export function decodePowerShellCommand(encoded: string): string {
  return Buffer.from(encoded, "base64").toString("utf16le");
}

export const POWERSHELL_EXE = "powershell.exe";
export const POWERSHELL_FLAGS = ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand"];

/** The exact command line sent for every operation; it contains no value that depends on input. */
export const STEP_COMMAND_LINE = [POWERSHELL_EXE, ...POWERSHELL_FLAGS, encodePowerShellCommand(LOADER_SCRIPT)].join(" ");

/** One stdin line: base64 of gzip of the text. */
export function encodeFrameLine(text: string): string {
  return gzipSync(Buffer.from(text, "utf8")).toString("base64");
}

export function decodeFrameLine(line: string): string {
  return gunzipSync(Buffer.from(line.replace(/\s/g, ""), "base64")).toString("utf8");
}

/** The first stdin line of every operation: the loop itself. */
export const LOOP_FRAME_LINE = encodeFrameLine(LOOP_SCRIPT);

/** The name a script part goes by once the host has it: a digest of its text. */
export function scriptPartName(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("base64url").slice(0, 16);
}

/**
 * Frames for one loop (one powershell.exe): remembers which parts that process already holds, so
 * each is sent once. `parts` joined with newlines is the step's whole script.
 */
export class FrameWriter {
  private readonly sent = new Set<string>();

  frame(step: string, parts: readonly string[], params: unknown): string {
    const scripts: Record<string, string> = {};
    const run = parts.map((text) => {
      const name = scriptPartName(text);
      if (!this.sent.has(name)) scripts[name] = text;
      this.sent.add(name);
      return name;
    });
    const frame: StepFrame = { v: PROTOCOL_VERSION, step, scripts, run, params };
    return encodeFrameLine(JSON.stringify(frame));
  }
}

/** The host's side of FrameWriter (the simulated host's): resolves a frame line into the step it asks for. */
export class FrameReader {
  private readonly scripts = new Map<string, string>();

  read(line: string): StepPayload {
    const frame = JSON.parse(decodeFrameLine(line)) as Partial<StepFrame>;
    for (const [name, text] of Object.entries(frame.scripts ?? {})) this.scripts.set(name, text);
    const texts = (frame.run ?? []).map((name) => {
      const text = this.scripts.get(name);
      if (text === undefined) throw new Error(`unknown script part ${name}`);
      return text;
    });
    return { v: frame.v ?? 0, step: String(frame.step), script: texts.join("\n"), params: frame.params };
  }
}

export function encodeMarkedLine(mark: string, value: unknown): string {
  return mark + Buffer.from(JSON.stringify(value), "utf8").toString("base64");
}

export type ParsedLine =
  | { kind: "progress"; progress: StepProgress }
  | { kind: "result"; envelope: StepEnvelope<unknown> }
  | { kind: "noise"; text: string };

/** Classifies one stdout line (without its line ending). A malformed marked line is noise, not a crash. */
export function parseLine(line: string): ParsedLine {
  const text = line.replace(/\r$/, "");
  for (const [mark, kind] of [
    [PROGRESS_MARK, "progress"],
    [RESULT_MARK, "result"],
  ] as const) {
    if (text.startsWith(mark)) {
      try {
        const value = JSON.parse(Buffer.from(text.slice(mark.length), "base64").toString("utf8"));
        return kind === "progress"
          ? { kind, progress: value as StepProgress }
          : { kind, envelope: value as StepEnvelope<unknown> };
      } catch {
        return { kind: "noise", text };
      }
    }
  }
  return { kind: "noise", text };
}
