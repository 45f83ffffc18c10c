/**
 * One exec on the pwsh back end: the loader the provider sent (decoded from its -EncodedCommand),
 * run in pwsh after a prelude that sets up the sandbox's Windows stand-ins (the *.ps1 next to this
 * file), with stdin's lines passed on as they arrive. Before a step script runs for the first time,
 * the same loop checks it with the prelude's Find-SimNewerSyntax (one frame of its own, answered to
 * this side only): a script Windows PowerShell 5.1's parser would refuse fails as the loop reports
 * a parse error from [ScriptBlock]::Create, and nothing of it runs.
 */
import { join } from "node:path";
import { SID_USERS, TAILSCALE_EXE } from "../../../provider/scripts/catalogue";
import { FrameReader, FrameWriter, RESULT_MARK, decodePowerShellCommand, encodeMarkedLine, parseLine, type StepPayload } from "../../../provider/transport/protocol";
import type { StepIo } from "../../backend";
import { DEFAULT_READERS } from "../../host-state";
import { msiIndex, msiSignature } from "../../programs/pkgs";
import type { Scenario } from "../../scenarios";
import { StdinLines } from "../../stdin-lines";

/** The stand-ins, dot-sourced in this order (later files use earlier ones). */
const STAND_INS = ["state.ps1", "registry.ps1", "items.ps1", "content.ps1", "services.ps1", "security.ps1", "system.ps1", "language.ps1"];

/** The check, run by the loop as a step of its own: the first construct 5.1 cannot parse, or null. */
const SYNTAX_CHECK_SCRIPT = "param($Params)\n@{ problem = (Find-SimNewerSyntax -Text ([string]$Params.text)) }";

/** A single-quoted PowerShell string literal. */
function quotePowerShell(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** PowerShell to run before the loader (it reads the sandbox's place from the environment). */
export function preludeFor(scenario: Scenario): string {
  return [
    "# Windows stand-ins of the simulated host (pulumi-mesh-windows, simulator/backends/pwsh).",
    "$SimDir = $env:MESH_SIM_DIR",
    "$PSNativeCommandArgumentPassing = 'Legacy' # native programs get one command line, quoted as 5.1 quotes it",
    "$SimStatePath = [IO.Path]::Combine($SimDir, 'state.json')",
    "$SimRecordPath = [IO.Path]::Combine($SimDir, 'record.json')",
    "$SimProgramDir = [IO.Path]::Combine($SimDir, 'programs')",
    `$SimDefaultReaders = @(${DEFAULT_READERS.map(quotePowerShell).join(", ")})`,
    `$SimUsersSid = ${quotePowerShell(SID_USERS)}`,
    `$SimTailscaleExe = ${quotePowerShell(TAILSCALE_EXE)}`,
    `$SimMsiIndex = ${quotePowerShell(JSON.stringify(msiIndex(scenario)))}`,
    `$SimMsiSignature = ${quotePowerShell(JSON.stringify(msiSignature(scenario)))}`,
    ...STAND_INS.map((file) => `. ${quotePowerShell(join(__dirname, file))}`),
    // Constrained for real (pwsh cannot go back): the loader meets the mode a WDAC/AppLocker host gives it.
    "if ((Read-SimState).languageMode -eq 'ConstrainedLanguage') { $ExecutionContext.SessionState.LanguageMode = 'ConstrainedLanguage' }",
  ].join("\n");
}

/** The loader of `powershell.exe ... -EncodedCommand <loader>`, the only command line this back end runs. */
export function loaderOf(commandLine: string): string {
  const tokens = commandLine.trim().split(/\s+/);
  const flag = tokens.findIndex((token) => token.toLowerCase() === "-encodedcommand");
  if (flag < 0 || flag + 1 >= tokens.length) throw new Error("the pwsh back end runs only `powershell.exe ... -EncodedCommand <loader>`");
  return decodePowerShellCommand(tokens[flag + 1]);
}

/**
 * Stdin for pwsh, and the stdout filter that takes the syntax checks' answers out of the stream:
 * every step frame whose script the loop has not checked yet is preceded by a check frame.
 */
export function gatedStdin(stdin: AsyncIterable<string>, io: StepIo): { lines: StdinLines; stdout: (line: string) => void } {
  const lines = new StdinLines();
  let answer: ((problem: string | null) => void) | undefined;
  const stdout = (line: string) => {
    const take = answer;
    const parsed = take && line.startsWith(RESULT_MARK) ? parseLine(line) : undefined;
    if (!take || parsed?.kind !== "result") return io.stdout(line);
    answer = undefined;
    const envelope = parsed.envelope;
    take(envelope.ok ? ((envelope.value as { problem?: string | null } | null)?.problem ?? null) : `the syntax check failed: ${envelope.error.message}`);
  };
  const check = (checks: FrameWriter, script: string) =>
    new Promise<string | null>((resolve) => {
      answer = resolve;
      lines.push(checks.frame("syntax-check", [SYNTAX_CHECK_SCRIPT], { text: script }));
    });
  void (async () => {
    const reader = new FrameReader();
    const checks = new FrameWriter();
    const checked = new Set<string>();
    let first = true;
    for await (const line of stdin) {
      const payload = first ? undefined : tryRead(reader, line);
      first = false;
      if (payload && !checked.has(payload.script)) {
        checked.add(payload.script);
        const problem = await check(checks, payload.script);
        if (io.signal.aborted) break;
        if (problem) {
          io.stdout(parseFailure(problem));
          continue;
        }
      }
      lines.push(line);
    }
    lines.end();
  })();
  return { lines, stdout };
}

/** What the loop prints when [ScriptBlock]::Create refuses a script. */
function parseFailure(problem: string): string {
  return encodeMarkedLine(RESULT_MARK, {
    ok: false,
    error: { message: `Exception calling "Create" with "1" argument(s): "${problem}"`, type: "System.Management.Automation.MethodInvocationException" },
  });
}

function tryRead(reader: FrameReader, line: string): StepPayload | undefined {
  try {
    return reader.read(line);
  } catch {
    return undefined;
  }
}
