/**
 * The simulated host holds scripts to Windows PowerShell 5.1: a script that would fail there fails
 * here, caught both by the static check (test/scripts/powershell-51.ts) and by running it in real
 * pwsh with the 5.1 stand-ins. Also: a native program gets its arguments as 5.1 passes them, and
 * Invoke-MeshNative stops a program at its deadline.
 * Skipped loudly without pwsh (failed in CI).
 */
import { stepScript } from "../../provider/scripts";
import { FAILURE_RULES, UP_KILL_MARGIN_SECONDS, DAEMON_WAIT_SECONDS, type JoinParams } from "../../provider/scripts/catalogue";
import { readFileSync } from "fs";
import { join } from "path";
import { initialHostState } from "../../simulator/initial-state";
import { createPwshBackend, type PwshHostBackend } from "../../simulator/backends/pwsh";
import { runStep } from "../../simulator/backends/run-step";
import { scenarioByName, type Scenario } from "../../simulator/scenarios";
import { deliveredArguments } from "../../simulator/programs/command-line";
import { toolsPresent } from "../support/tools";
import { findStepScriptProblems } from "../scripts/powershell-51";

const STATE_DIR = "C:\\ProgramData\\MeshWindowsNode";
const describePwsh = toolsPresent("pwsh back end tests", "pwsh") ? describe : describe.skip;
jest.setTimeout(120_000);

const JOIN: JoinParams = {
  policy: { loginUrl: null, hostname: null, unattendedMode: "always", policyValues: [] },
  daemonEnv: null, acceptRoutes: false,
  upArgs: [],
  authKey: "tskey-auth-k51",
  attempts: 1,
  retryDelaySeconds: 0,
  timeoutSeconds: 30,
  upKillMarginSeconds: UP_KILL_MARGIN_SECONDS,
  daemonWaitSeconds: DAEMON_WAIT_SECONDS, verifyRestart: false,
  rules: FAILURE_RULES,
  stateDir: STATE_DIR,
  joinScriptPath: "C:\\temp\\join-mesh.ps1",
  joinScriptText: "# unused",
};

async function installedHost(scenario: Scenario): Promise<PwshHostBackend> {
  const initial = initialHostState({ ...scenario, host: { tailscale: { installed: true, version: "1.90.6", service: { status: "Running", startType: "Automatic" } } } });
  return (await createPwshBackend(scenario, initial)) as PwshHostBackend;
}

/** The join step with one line of the shared functions replaced. */
function brokenJoin(original: string, replacement: string): string {
  const script = stepScript("join");
  expect(script).toContain(original);
  return script.replace(original, replacement);
}

describePwsh("a script 5.1 would not run is caught twice: statically, and on the simulated host", () => {
  test("7-only syntax (??): 5.1's parser rejects the whole script, so nothing runs", async () => {
    const script = brokenJoin("$rule = $null\n$last = $null", "$rule = $null\n$last = $attempts ?? $null");
    expect((await findStepScriptProblems(script)).map((finding) => finding.line)).toEqual([script.split("\n").findIndex((line) => line.includes("??")) + 1]);

    const host = await installedHost(scenarioByName("clean-join-first-try"));
    try {
      const before = await host.state();
      const run = await runStep(host, "join", JOIN, script);
      expect(run.envelope).toEqual({ ok: false, error: { message: expect.stringMatching(/^Exception calling "Create".*Unexpected token/s), type: "System.Management.Automation.MethodInvocationException" } });
      expect(await host.state()).toEqual(before);
    } finally {
      await host.dispose();
    }
  });

  test.each([
    ["a 7-only parameter value (-Encoding utf8NoBOM)", "-Encoding utf8NoBOM", /Encoding.*utf8NoBOM/s],
    ["a 7-only parameter (Set-Content -AsByteStream)", "-AsByteStream", /parameter name 'AsByteStream'/],
  ])("%s: the stand-in binds 5.1's parameters only", async (_what, replacement, message) => {
    const script = brokenJoin("-Encoding Byte", replacement);
    expect(await findStepScriptProblems(script)).toContainEqual(expect.objectContaining({ command: "Set-Content" }));

    const host = await installedHost(scenarioByName("clean-join-first-try"));
    try {
      const run = await runStep(host, "join", JOIN, script);
      expect(run.envelope?.ok).toBe(false);
      expect(run.envelope && !run.envelope.ok && run.envelope.error.message).toMatch(message);
      expect((await host.record()).calls.filter((call) => call.program === "tailscale")).toEqual([]);
    } finally {
      await host.dispose();
    }
  });
});

describePwsh("Windows PowerShell 5.1's behaviour, not just its syntax", () => {
  test("a key file written with -Encoding UTF8 starts with a byte order mark there, so the key is refused here too", async () => {
    const original = "Set-Content -LiteralPath $Path -Value ([Text.Encoding]::UTF8.GetBytes($Text)) -Encoding Byte";
    const script = brokenJoin(original, "Set-Content -LiteralPath $Path -Value $Text -Encoding UTF8 -NoNewline");
    // Valid 5.1, so only running it shows the problem.
    expect(await findStepScriptProblems(script)).toEqual([]);

    const host = await installedHost(scenarioByName("clean-join-first-try"));
    try {
      const run = await runStep(host, "join", JOIN, script);
      expect(run.envelope?.ok && run.envelope.value).toMatchObject({ outcome: "failed", reason: "auth-rejected" });
    } finally {
      await host.dispose();
    }
  });
});

describePwsh("Invoke-MeshNative", () => {
  test("stops a program that outlives its deadline and says so; the step goes on", async () => {
    const scenario: Scenario = { ...scenarioByName("clean-join-first-try"), join: ["hang"] };
    const host = await installedHost(scenario);
    const script = `${readFileSync(join(__dirname, "..", "..", "provider", "scripts", "common.ps1"), "utf8")}
$clock = [Diagnostics.Stopwatch]::StartNew()
$run = Invoke-MeshNative -FilePath $TailscaleExe -ArgumentList @('up', '--timeout=0s') -TimeoutSeconds 2
$run.elapsed = $clock.Elapsed.TotalSeconds
$run`;
    try {
      const run = await runStep(host, "join", JOIN, script);
      expect(run.envelope?.ok).toBe(true);
      const value = (run.envelope?.ok ? run.envelope.value : {}) as unknown as Record<string, unknown>;
      expect(value).toMatchObject({ exitCode: null, timedOut: true, output: "stopped: C:\\Program Files\\Tailscale\\tailscale.exe timed out after 2 s" });
      expect(value.elapsed).toBeGreaterThanOrEqual(2);
      expect(value.elapsed).toBeLessThan(15);
      expect((await host.record()).calls.map((call) => call.argv[0])).toEqual(["up"]);
    } finally {
      await host.dispose();
    }
  });
});

/** What /usr/bin/printf '<%s>' prints for each argument list, started from a step on the simulated host. */
async function printedBySteps(argumentLists: string[][]): Promise<unknown> {
  const quote = (arg: string) => `'${arg.replace(/'/g, "''")}'`;
  const script = argumentLists.map((args) => `& '/usr/bin/printf' '<%s>' ${args.map(quote).join(" ")}`).join("\n");
  const host = await installedHost(scenarioByName("clean-join-first-try"));
  try {
    const run = await runStep(host, "join", JOIN, script);
    return run.envelope?.ok ? run.envelope.value : run.envelope;
  } finally {
    await host.dispose();
  }
}

const printed = (args: string[]) => args.map((arg) => `<${arg}>`).join("");

describePwsh("a native program started from a step ($PSNativeCommandArgumentPassing = 'Legacy')", () => {
  test("gets one command line quoted as 5.1 quotes it (empty arguments dropped, quotes not escaped), as windows-command-line.ts models", async () => {
    const lists = [["plain", "two words", "", "last"], ["C:\\dir\\", "last"], ['say "hi"', "x"], ['a"b', "c d"], ['a\\"b c'], ["--auth-key=file:C:\\Program Files\\k.txt"]];
    const modelled = lists.map((args) => printed(deliveredArguments("/usr/bin/printf", args)));
    // Not what the arguments were: the check can tell Legacy from pwsh's Standard passing.
    expect(modelled).not.toEqual(lists.map(printed));
    expect(await printedBySteps(lists)).toEqual(modelled);
  });

  test("except a final backslash after whitespace: pwsh's Legacy doubles it (since PowerShell 6), 5.1 does not", async () => {
    // So the program stand-ins keep their own model of 5.1 (windows-command-line.ts), and
    // Invoke-MeshNative refuses such an argument.
    const args = ["C:\\dir with space\\", "last"];
    expect(printed(deliveredArguments("/usr/bin/printf", args))).toBe('<C:\\dir with space" last>');
    expect(await printedBySteps([args])).toBe(printed(args));
  });
});
