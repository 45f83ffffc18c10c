/**
 * One exec on the pwsh back end: the bootstrap the provider sent (decoded from its -EncodedCommand),
 * run in pwsh after a prelude that sets up the sandbox's Windows stand-ins (the *.ps1 next to this
 * file). The prelude also refuses, as Windows PowerShell 5.1's parser would, a step script that uses
 * syntax 5.1 lacks (MESH_SIM_GATE names the step script to check).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SID_USERS, TAILSCALE_EXE } from "../../../provider/scripts/catalogue";
import { RESULT_MARK, decodePayload, decodePowerShellCommand } from "../../../provider/transport/protocol";
import { DEFAULT_READERS } from "../../host-state";
import { msiIndex, msiSignature } from "../../programs/pkgs";
import type { Scenario } from "../../scenarios";

/** The stand-ins, dot-sourced in this order (later files use earlier ones). */
const STAND_INS = ["state.ps1", "registry.ps1", "items.ps1", "content.ps1", "services.ps1", "system.ps1", "language.ps1"];

/** A single-quoted PowerShell string literal. */
function quotePowerShell(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** PowerShell to run before the bootstrap (it reads the sandbox's place from the environment). */
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
    `$SimResultMark = ${quotePowerShell(RESULT_MARK)}`,
    `$SimMsiIndex = ${quotePowerShell(JSON.stringify(msiIndex(scenario)))}`,
    `$SimMsiSignature = ${quotePowerShell(JSON.stringify(msiSignature(scenario)))}`,
    ...STAND_INS.map((file) => `. ${quotePowerShell(join(__dirname, file))}`),
    // A step script 5.1 cannot parse fails as the bootstrap reports a parse error from [ScriptBlock]::Create.
    "if ($env:MESH_SIM_GATE) {",
    "  $SimProblem = Find-SimNewerSyntax -Text ([IO.File]::ReadAllText($env:MESH_SIM_GATE))",
    "  if ($SimProblem) {",
    `    $SimFailure = @{ ok = $false; error = @{ message = 'Exception calling "Create" with "1" argument(s): "' + $SimProblem + '"'; type = 'System.Management.Automation.MethodInvocationException' } }`,
    "    [Console]::Out.WriteLine($SimResultMark + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes((Microsoft.PowerShell.Utility\\ConvertTo-Json -InputObject $SimFailure -Compress -Depth 4))))",
    "    exit 1",
    "  }",
    "}",
    // Constrained for real (pwsh cannot go back): the bootstrap meets the mode a WDAC/AppLocker host gives it.
    "if ((Read-SimState).languageMode -eq 'ConstrainedLanguage') { $ExecutionContext.SessionState.LanguageMode = 'ConstrainedLanguage' }",
  ].join("\n");
}

/** The bootstrap of `powershell.exe ... -EncodedCommand <bootstrap>`, the only command line this back end runs. */
export function bootstrapOf(commandLine: string): string {
  const tokens = commandLine.trim().split(/\s+/);
  const flag = tokens.findIndex((token) => token.toLowerCase() === "-encodedcommand");
  if (flag < 0 || flag + 1 >= tokens.length) throw new Error("the pwsh back end runs only `powershell.exe ... -EncodedCommand <bootstrap>`");
  return decodePowerShellCommand(tokens[flag + 1]);
}

/** The step script of a payload, written to the sandbox for the 5.1 language check; none when stdin is not a payload. */
export function stepScriptFile(dir: string, stdin: string): string | undefined {
  let script: unknown;
  try {
    script = decodePayload(stdin).script;
  } catch {
    return undefined;
  }
  if (typeof script !== "string") return undefined;
  const path = join(dir, "step-script.ps1");
  writeFileSync(path, script);
  return path;
}
