/**
 * The wire contract between the Node side and a Windows host (real or simulated).
 *
 * One remote step = one SSH exec of a constant bootstrap, passed with -EncodedCommand so neither
 * cmd.exe nor PowerShell (whichever is the OpenSSH default shell) can reinterpret it. The step's
 * script and its parameters travel on stdin as base64 of UTF-8 JSON: ASCII only, so the console
 * code page cannot mangle non-ASCII values, and no size limit of the command line applies (the
 * technique Ansible's Windows-over-SSH connection uses). Parameters are never spliced into code:
 * the script receives them as an object.
 *
 * The host answers with marked lines on stdout, each base64 of UTF-8 JSON:
 *   ##mesh-progress:<b64>  zero or more, streamed as the step runs
 *   ##mesh-result:<b64>    exactly one, last
 * Anything else on stdout/stderr is noise kept (redacted) for diagnostics.
 */

export const PROTOCOL_VERSION = 1;
export const PROGRESS_MARK = "##mesh-progress:";
export const RESULT_MARK = "##mesh-result:";

/** What travels on stdin. `script` is constant text from this package; `params` is pure data. */
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
 * Runs on the host under Windows PowerShell 5.1 (and pwsh 7 in tests). It must stay small: it is the
 * only text on the command line (about 2.7 encoded characters per character, and cmd.exe stops at
 * 8,191). Written for 5.1: no `&&`, `??`, ternaries. `Write-MeshProgress` and `Write-MeshLine` are
 * visible to the step script, which is invoked with the decoded params as its single argument.
 */
export const BOOTSTRAP_SCRIPT = [
  // Under AppLocker/WDAC PowerShell runs in ConstrainedLanguage mode, where the .NET calls below fail:
  // said first, in words that language allows, as one plain line (exit code LANGUAGE_MODE_EXIT_CODE).
  `$mode = [string]$ExecutionContext.SessionState.LanguageMode`,
  `if ($mode -ne 'FullLanguage') { '${LANGUAGE_MODE_MARK}' + $mode; exit ${LANGUAGE_MODE_EXIT_CODE} }`,
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
  "try {",
  "  $raw = ($input | Out-String) -replace '\\s', ''",
  "  $payload = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($raw)) | ConvertFrom-Json",
  `  if ($payload.v -ne ${PROTOCOL_VERSION}) { throw ('unsupported protocol version ' + $payload.v) }`,
  "  $step = [ScriptBlock]::Create([string]$payload.script)",
  "  $value = & $step $payload.params",
  `  Write-MeshLine '${RESULT_MARK}' @{ ok = $true; value = $value }`,
  "} catch {",
  "  $e = @{ message = [string]$_.Exception.Message; type = $_.Exception.GetType().FullName }",
  "  if ($_.InvocationInfo) { $e.line = $_.InvocationInfo.ScriptLineNumber; $e.script = [string]$_.InvocationInfo.Line }",
  `  Write-MeshLine '${RESULT_MARK}' @{ ok = $false; error = $e }`,
  "  exit 1",
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

/** The exact command line sent for every step; it contains no value that depends on input. */
export const STEP_COMMAND_LINE = [POWERSHELL_EXE, ...POWERSHELL_FLAGS, encodePowerShellCommand(BOOTSTRAP_SCRIPT)].join(" ");

export function encodePayload(payload: StepPayload): string {
  return Buffer.from(JSON.stringify(payload), "utf8").toString("base64");
}

export function decodePayload(b64: string): StepPayload {
  return JSON.parse(Buffer.from(b64.replace(/\s/g, ""), "base64").toString("utf8")) as StepPayload;
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
