/**
 * Injection, property-based (fast-check, a fixed seed: MESH_FC_SEED changes it, and every failure
 * prints the seed and path that reproduce it). Arbitrary strings full of quotes of both kinds,
 * backticks, $(), ;, |, &, %VAR%, !VAR!, newlines, CR, tabs, long runs, non-ASCII and right-to-left
 * marks (hostile-values.ts) go into every string a host receives, and must arrive byte for byte and
 * run nothing:
 *
 *   - the join script: any data round-trips through its one data line, the rest is the template;
 *   - the manual command: every joinScriptPath check() accepts stays one quoted argument, for
 *     PowerShell's own parser too;
 *   - the transport: any params cross SSH unchanged, under one constant command line;
 *   - on real PowerShell (pwsh back end), the step scripts themselves: every string param of
 *     install, join, probe and cleanup, and every field the join script uses when a person runs it;
 *     and the helpers every step shares, with a hundred values in one step. Values check() would
 *     reject reach these too (defense in depth), as long as Windows itself could hold them (a file
 *     name without \ / : * ? " < > |; an argument 5.1 can pass, see Invoke-MeshNative).
 *
 * "Ran nothing" means: no C:\PWNED-<id> file or folder and no HKLM:\SOFTWARE\PWNED-<id> key on the
 * host, nothing in the process's working folder, no program started but the expected ones, and every
 * value read back unchanged (an expansion such as $env:COMPUTERNAME would have changed it).
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { Redactor } from "../../provider/common/redact";
import { checkInputs } from "../../provider/node";
import { buildJoinScript, manualCommand, readJoinScriptData } from "../../provider/scripts";
import { DAEMON_ENV_FILE, FAILURE_RULES, POLICY_KEYS, SID_ADMINISTRATORS, TAILSCALE_EXE, type JoinScriptData } from "../../provider/scripts/catalogue";
import { ADMIN_ONLY, CORP_PROXY, LATEST_TAILSCALE, scenarioByName, type HostState } from "../../simulator";
import { DEFAULT_READERS } from "../../simulator/host-state";
import { initialHostState } from "../../simulator/initial-state";
import { createPwshBackend, findPwsh, type PwshHostBackend } from "../../simulator/backends/pwsh";
import { runStep, stepValue } from "../../simulator/backends/run-step";
import { STEP_COMMAND_LINE } from "../../provider/transport/protocol";
import { REPO_ROOT } from "../support/repo";
import { Fixture } from "../support/sim-fixture";
import { toolsPresent } from "../support/tools";
import { asArgument, asName, asUrlPath, hostileTemplate, Ids, keyAsRead } from "./hostile-values";
import { joinStepParams } from "../support/join-params";

const SEED = Number(process.env.MESH_FC_SEED ?? 20261125);
/** Full-step batches on pwsh (about 15 s each): 1 by default, MESH_INJECTION_BATCHES for more. */
const PWSH_BATCHES = Number(process.env.MESH_INJECTION_BATCHES ?? 1);
const ARGUMENTS_PER_BATCH = 30;
const HELPER_VALUES = 100;

const scriptSource = (file: string) => fs.readFileSync(path.join(REPO_ROOT, "provider", "scripts", file), "utf8").replace(/^\uFEFF/, "");
/** join-mesh.ps1 as built: the shared folder functions in place of its #include line. */
const JOIN_MESH_TEMPLATE = scriptSource("join-mesh.ps1").replace("#include folders.ps1", () => scriptSource("folders.ps1").trimEnd());
const COMMON_PS1 = fs.readFileSync(path.join(REPO_ROOT, "provider", "scripts", "common.ps1"), "utf8").replace(/^\uFEFF/, "");
const FOLDERS_PS1 = fs.readFileSync(path.join(REPO_ROOT, "provider", "scripts", "folders.ps1"), "utf8").replace(/^\uFEFF/, "");

/** A hostile value with its ids filled in. */
const hostile = (options: { long?: boolean } = {}) => hostileTemplate(options).map((template) => new Ids().value(template));

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe(`injection (fast-check seed ${SEED}; set MESH_FC_SEED to change it)`, () => {
  describe("the join script", () => {
    test("any data: ASCII only, one data line differs from the template, and the data reads back unchanged", () => {
      const templateLines = JOIN_MESH_TEMPLATE.split(/\r?\n/);
      const dataLine = templateLines.findIndex((line) => line.startsWith("$MeshJoinData = "));
      const data: fc.Arbitrary<JoinScriptData> = fc.record({
        policy: fc.record({
          loginUrl: fc.option(hostile()),
          hostname: fc.option(hostile()),
          unattendedMode: fc.constant("always" as const),
          policyValues: fc.array(fc.record({ name: fc.constantFrom("InstallUpdates", "EnableDNSRegistration"), value: fc.option(hostile()) }), { maxLength: 2 }),
        }),
        upArgs: fc.array(hostile(), { maxLength: 6 }),
        authKey: hostile(),
        timeoutSeconds: fc.integer({ min: 5, max: 600 }),
        stateDir: hostile({ long: false }),
        joinScriptPath: hostile({ long: false }),
        rules: fc.constant(FAILURE_RULES),
      });
      fc.assert(
        fc.property(data, (value) => {
          const script = buildJoinScript(value);
          expect(/^[\x09\x0a\x0d\x20-\x7e]*$/.test(script)).toBe(true);
          expect(readJoinScriptData(script)).toEqual(value);
          const lines = script.split("\r\n");
          expect(lines.length).toBe(templateLines.length);
          expect(lines.filter((line, i) => i !== dataLine && line !== templateLines[i])).toEqual([]);
        }),
        { seed: SEED, numRuns: 300 },
      );
    });
  });

  describe("the manual command", () => {
    /** Path segments mostly of what check() allows, with everything it must refuse mixed in. */
    const segment = fc.string({
      unit: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(..."abcXYZ019 _-.()+,=@#~\u00fc\u4e2d\u00e9") },
        { weight: 1, arbitrary: fc.constantFrom(..."\"'`$%!^&|<>;*?[]{}:/\t\r\n\u2018\u2019\u201c\u201d\u201e\u200f\u202e") },
      ),
      minLength: 1,
      maxLength: 12,
    });
    const candidate = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => `C:\\${segments.join("\\")}.ps1`);
    const accepted = (joinScriptPath: string) => "inputs" in checkInputs({ connection: { host: "h", password: "pw12" }, authKey: "key1", joinScriptPath });
    const SCRIPT_TEXT = "Write-Host joined\r\n";
    /** What powershell.exe gets as -Command: the text between the outer double quotes. */
    const commandBody = (command: string) => command.slice(command.indexOf('"') + 1, -1);
    const acceptedPaths = fc.sample(candidate, { seed: SEED, numRuns: 1000 }).filter(accepted);

    test("every joinScriptPath check() accepts holds nothing cmd.exe or PowerShell would act on inside double quotes", () => {
      // Enough accepted paths for the property to mean something.
      expect(acceptedPaths.length).toBeGreaterThan(60);
      for (const joinScriptPath of acceptedPaths) {
        const command = manualCommand(joinScriptPath, SCRIPT_TEXT);
        expect(command.startsWith('powershell.exe -NoProfile -Command "')).toBe(true);
        // One double-quoted argument, nothing inside that either shell acts on; the path in single quotes.
        expect([command, /["`$%!]/.test(commandBody(command))]).toEqual([command, false]);
        expect(commandBody(command)).toContain(`Get-Content -LiteralPath '${joinScriptPath}' -Encoding Byte -Raw`);
        expect([joinScriptPath, /["'`$%!^&|<>\u2018-\u201e\u0000-\u001f]/.test(joinScriptPath)]).toEqual([joinScriptPath, false]);
      }
    });

    const describeParse = toolsPresent("the manual command parsed by PowerShell", "pwsh") ? describe : describe.skip;
    describeParse("parsed by PowerShell", () => {
      test("is one command: powershell.exe, two switches, and the command as one constant double-quoted string", () => {
        const parser = [
          "$out = foreach ($line in @([Console]::In.ReadToEnd() | ConvertFrom-Json)) {",
          "  $tokens = $null; $errors = $null",
          "  $ast = [Management.Automation.Language.Parser]::ParseInput($line, [ref]$tokens, [ref]$errors)",
          "  $statements = @($ast.EndBlock.Statements)",
          "  $elements = @()",
          "  if ($statements.Count -eq 1 -and @($statements[0].PipelineElements).Count -eq 1) {",
          "    $elements = @($statements[0].PipelineElements[0].CommandElements | ForEach-Object {",
          "      if ($_ -is [Management.Automation.Language.CommandParameterAst]) { '-' + $_.ParameterName }",
          "      elseif ($_ -is [Management.Automation.Language.StringConstantExpressionAst]) { [string]$_.StringConstantType + ':' + $_.Value }",
          "      else { $_.GetType().Name + ':' + $_.Extent.Text } })",
          "  }",
          "  ,@(@($errors).Count, $statements.Count, $elements)",
          "}",
          "ConvertTo-Json -InputObject @($out) -Depth 5 -Compress",
        ].join("\n");
        const commands = acceptedPaths.map((path) => manualCommand(path, SCRIPT_TEXT));
        const run = spawnSync(findPwsh()!, ["-NoProfile", "-NonInteractive", "-Command", parser], { input: JSON.stringify(commands), encoding: "utf8" });
        expect(run.stderr).toBe("");
        const parsed = JSON.parse(run.stdout) as [number, number, string[]][];
        expect(parsed.length).toBe(commands.length);
        parsed.forEach(([errors, statements, elements], i) => {
          expect([errors, statements, elements]).toEqual([
            0,
            1,
            ["BareWord:powershell.exe", "-NoProfile", "-Command", `DoubleQuoted:${commandBody(commands[i])}`],
          ]);
        });
      });
    });
  });

  describe("install.proxy", () => {
    const accepted = (proxy: Record<string, string>) =>
      "inputs" in checkInputs({ connection: { host: "h", password: "pw12" }, authKey: "key1", install: { proxy: { username: "svc", password: "proxy-pw", ...proxy } } });

    test("a URL check() accepts is a scheme, a host name or address and a port: nothing a hostile value could act with", () => {
      const urls = fc.oneof(
        hostile({ long: false }),
        hostile({ long: false }).map((value) => `http://${value}:3128`),
        hostile({ long: false }).map((value) => `http://proxy.example.com:3128/${value}`),
        hostile({ long: false }).map((value) => `https://proxy.example.com:${value}`),
        hostile({ long: false }).map((value) => `http://${value}@proxy.example.com:3128`),
      );
      fc.assert(
        fc.property(urls, (url) => {
          if (accepted({ url })) expect([url, /^https?:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d*)?\/?$/.test(url)]).toEqual([url, true]);
        }),
        { seed: SEED, numRuns: 500 },
      );
    });

    test("a user name check() accepts has no control character, and is otherwise taken as it is (data for the credential)", () => {
      fc.assert(
        fc.property(hostile(), (username) => {
          const ok = accepted({ url: "http://proxy.example.com:3128", username });
          expect([username, ok]).toEqual([username, username.trim() !== "" && username === username.trim() && !/[\u0000-\u001f\u007f-\u009f]/.test(username)]);
        }),
        { seed: SEED, numRuns: 300 },
      );
    });
  });

  describe("the transport", () => {
    test("any params cross SSH byte for byte, and the command line never changes", async () => {
      const fixture = new Fixture();
      try {
        const { server } = await fixture.server();
        const session = await fixture.session(fixture.settings(server), fixture.options({ redactor: new Redactor() }));
        await fc.assert(
          fc.asyncProperty(fc.array(hostile(), { maxLength: 8 }), async (values) => {
            expect(await session.run({ name: "echo", script: "# echo", params: { values } })).toEqual({ values });
            expect(server.payloads.at(-1)?.params).toEqual({ values });
          }),
          { seed: SEED, numRuns: 200 },
        );
        expect(new Set(server.commandLines)).toEqual(new Set([STEP_COMMAND_LINE]));
      } finally {
        await fixture.closeAll();
      }
    });
  });

  const describePwsh = toolsPresent("injection on the pwsh back end", "pwsh") ? describe : describe.skip;
  describePwsh("on real PowerShell (pwsh back end)", () => {
    jest.setTimeout(300_000);

    test(`the helpers every step uses: ${HELPER_VALUES} values through the policy, files, folders and program arguments`, async () => {
      const [templates] = fc.sample(fc.array(hostileTemplate(), { minLength: HELPER_VALUES, maxLength: HELPER_VALUES }), { seed: SEED, numRuns: 1 });
      const ids = new Ids(1);
      const values = templates.map((template) => ids.value(template));
      // Case-insensitively distinct, as Windows names are.
      const names = [...new Map(values.slice(0, 40).map((value) => [asName(value).toLowerCase(), asName(value)])).values()];
      // Short enough for Windows' 32,767-character command line, cut between characters (not inside a surrogate pair).
      const argumentValues = values.map((value) => asArgument(Array.from(value).slice(0, 300).join("")));
      const chunks = Array.from({ length: Math.ceil(argumentValues.length / 10) }, (_, i) => argumentValues.slice(i * 10, i * 10 + 10));
      const script = [
        COMMON_PS1,
        FOLDERS_PS1,
        "$echo = New-Object System.Collections.ArrayList",
        "foreach ($value in @($Params.values)) {",
        "    $null = Set-MeshPolicy -Policy @{ loginUrl = $value; hostname = $value; unattendedMode = 'always'; policyValues = @(@{ name = 'InstallUpdates'; value = $value }) }",
        "    $null = $echo.Add(@{ loginUrl = Get-MeshPolicyValue -Name 'LoginURL'; hostname = Get-MeshPolicyValue -Name 'Hostname'; installUpdates = Get-MeshPolicyValue -Name 'InstallUpdates' })",
        "}",
        "for ($index = 0; $index -lt @($Params.names).Count; $index++) {",
        "    $folder = Join-MeshPath -Directory 'C:\\ProgramData' -Name $Params.names[$index]",
        "    Protect-MeshFolder -Path $folder",
        "    Write-MeshFile -Path (Join-MeshPath -Directory $folder -Name 'value.txt') -Text $Params.values[$index]",
        "}",
        "foreach ($chunk in @($Params.chunks)) {",
        "    $run = Invoke-MeshNative -FilePath $TailscaleExe -ArgumentList (@('version') + @($chunk)) -TimeoutSeconds 60",
        "    if ($run.exitCode -ne 0) { throw \"tailscale version failed: $($run.output)\" }",
        "}",
        "@{ policy = $echo }",
      ].join("\n");
      const host = await pwshHost(true);
      try {
        const run = await runStep(host, "probe", { values, names, chunks } as never, script);
        if (!run.envelope?.ok) throw new Error(`the helper step failed: ${JSON.stringify(run.envelope)}\n${run.noise.join("\n")}`);
        const { policy } = run.envelope.value as unknown as { policy: { loginUrl: string; hostname: string; installUpdates: string }[] };
        expect(policy).toEqual(values.map((value) => ({ loginUrl: value, hostname: value, installUpdates: value })));

        const state = await host.state();
        const { calls } = await host.record();
        names.forEach((name, index) => {
          const folder = `C:\\ProgramData\\${name}`;
          expect([folder, state.dirs[folder]]).toEqual([folder, ADMIN_ONLY]);
          expect([folder, state.files[`${folder}\\value.txt`]?.content]).toEqual([folder, values[index]]);
        });
        // Taken over with Set-Acl (no program): owner Administrators, exactly Administrators and SYSTEM.
        names.forEach((name) => {
          const folder = `C:\\ProgramData\\${name}`;
          expect([folder, state.security?.[folder]?.owner, state.security?.[folder]?.protected]).toEqual([folder, SID_ADMINISTRATORS, true]);
        });
        expect(calls.filter((call) => call.program === "icacls")).toEqual([]);
        expect(calls.filter((call) => call.program === "tailscale" && call.argv[0] === "version").map((call) => call.argv.slice(1))).toEqual(chunks);
        await expectNothingRan(host, state, ["icacls", "tailscale"]);
      } finally {
        await host.dispose();
      }
    });

    test(`every step's string params, and the join script run by a person: ${PWSH_BATCHES} batch(es)`, async () => {
      const batch = fc.record({
        upArgs: fc.array(hostileTemplate({ long: false }), { minLength: ARGUMENTS_PER_BATCH, maxLength: ARGUMENTS_PER_BATCH }),
        loginUrl: hostileTemplate(),
        hostname: hostileTemplate(),
        authKey: hostileTemplate(),
        stateDir: hostileTemplate({ long: false }),
        scriptDir: hostileTemplate({ long: false }),
        scriptName: hostileTemplate({ long: false }),
        leftoverDir: hostileTemplate({ long: false }),
        installLoginServer: hostileTemplate({ long: false }),
        installSource: hostileTemplate({ long: false }),
        loginPath: hostileTemplate({ long: false }),
        policyValue: hostileTemplate(),
        policyName: hostileTemplate({ long: false }),
        daemonEnvValue: hostileTemplate(),
        proxyUser: hostileTemplate(),
        proxyPassword: hostileTemplate(),
      });
      let batchNumber = 0;
      await fc.assert(
        fc.asyncProperty(batch, async (templates) => {
          const ids = new Ids(1000 * ++batchNumber);
          const drawn = Object.fromEntries(
            Object.entries(templates).map(([key, value]) => [key, Array.isArray(value) ? value.map((t) => ids.value(t)) : ids.value(value)]),
          ) as { [K in keyof typeof templates]: (typeof templates)[K] };
          await stepsWithHostileValues(drawn);
        }),
        { seed: SEED, numRuns: PWSH_BATCHES, endOnFailure: true },
      );
    });
  });
});

interface Drawn {
  upArgs: string[];
  loginUrl: string;
  hostname: string;
  authKey: string;
  stateDir: string;
  scriptDir: string;
  scriptName: string;
  leftoverDir: string;
  installLoginServer: string;
  installSource: string;
  loginPath: string;
  policyValue: string;
  policyName: string;
  daemonEnvValue: string;
  proxyUser: string;
  proxyPassword: string;
}

/** A simulated host for the daemon-unreachable story (a person joins interactively); Tailscale installed or not. */
async function pwshHost(installed: boolean, edit: (state: HostState) => void = () => undefined): Promise<PwshHostBackend> {
  const scenario = scenarioByName("daemon-unreachable");
  const tailscale = installed ? { installed: true, version: LATEST_TAILSCALE, service: { status: "Running" as const, startType: "Automatic" as const } } : {};
  const initial = initialHostState({ ...scenario, host: { ...scenario.host, tailscale } });
  edit(initial);
  return (await createPwshBackend(scenario, initial)) as PwshHostBackend;
}

async function stepsWithHostileValues(drawn: Drawn): Promise<void> {
  const stateDir = `C:\\ProgramData\\${asName(drawn.stateDir)}`;
  const joinScriptPath = `C:\\${asName(drawn.scriptDir)}\\${asName(drawn.scriptName)}.ps1`;
  const leftover = `C:\\${asName(drawn.leftoverDir)}\\left-over.ps1`;
  const installLoginServer = asArgument(drawn.installLoginServer);
  const loginServer = `https://hs.example.com/${asUrlPath(drawn.loginPath)}`;
  // The join script's arguments as check() lets them through (a person's PowerShell passes them without Invoke-MeshNative).
  expect("inputs" in checkInputs({ connection: { host: "h", password: "pw12" }, authKey: "key1", loginServer })).toBe(true);
  const scriptUpArgs = [`--login-server=${loginServer}`, "--hostname=win-01", "--accept-routes"];
  const stepUpArgs = drawn.upArgs.map((value) => `--hostname=${asArgument(value)}`);
  const policy = { loginUrl: drawn.loginUrl, hostname: drawn.hostname, unattendedMode: "always" as const, policyValues: [{ name: "InstallUpdates", value: drawn.policyValue }] };
  const data: JoinScriptData = { policy, upArgs: scriptUpArgs, authKey: drawn.authKey, timeoutSeconds: 5, stateDir, joinScriptPath, rules: FAILURE_RULES };
  // One line per key: the step refuses a line break in a value (check() refuses it long before).
  const envValue = drawn.daemonEnvValue.replace(/[\r\n]/g, "");
  const daemonEnv = { path: DAEMON_ENV_FILE, set: [{ name: "HTTPS_PROXY", value: envValue }], remove: [] };
  const join = joinStepParams(data, { daemonEnv, upArgs: stepUpArgs });

  const host = await pwshHost(false, (state) => {
    state.dirs[leftover.slice(0, leftover.lastIndexOf("\\"))] = [...DEFAULT_READERS];
    state.files[leftover] = { content: "# left over", readers: [...ADMIN_ONLY] };
  });
  try {
    // The download proxy's login becomes a PSCredential on the host, its user and password whole (the record keeps the password's hash).
    const proxy = { url: CORP_PROXY, username: drawn.proxyUser, password: drawn.proxyPassword };
    expect(await stepValue(host, "install", { method: "msi", version: null, msiUrl: null, proxy, loginServer: installLoginServer, stateDir })).toMatchObject({ outcome: "installed" });
    expect((await host.state()).webRequests?.map((request) => [request.proxy, request.proxyUser, request.proxyPasswordSha256])).toEqual([
      [CORP_PROXY, drawn.proxyUser, sha256(drawn.proxyPassword)],
      [CORP_PROXY, drawn.proxyUser, sha256(drawn.proxyPassword)],
    ]);
    // A version or MSI URL no URL can hold fails the download, or is fetched: either way it runs nothing.
    for (const source of [{ version: drawn.installSource, msiUrl: null }, { version: null, msiUrl: `https://mirror.example.com/${drawn.installSource}.msi` }]) {
      expect((await runStep(host, "install", { method: "msi", loginServer: null, stateDir, ...source })).envelope).toBeDefined();
    }

    const joined = await stepValue(host, "join", join);
    expect(joined).toMatchObject({ outcome: "pending-manual", reason: "daemon-unreachable" });
    let state = await host.state();
    expect(state.registry[POLICY_KEYS[0]]).toEqual({ LoginURL: policy.loginUrl, Hostname: policy.hostname, UnattendedMode: "always", InstallUpdates: drawn.policyValue });
    expect(state.files[joinScriptPath]).toEqual({ content: join.joinScriptText, readers: ADMIN_ONLY });
    expect(state.dirs[stateDir]).toEqual(ADMIN_ONLY);
    expect(state.files[DAEMON_ENV_FILE]).toEqual({ content: `HTTPS_PROXY=${envValue}\r\n`, readers: ADMIN_ONLY });

    const probe = await stepValue(host, "probe", { joinScriptPath, stateDir, policyNames: ["InstallUpdates", drawn.policyName], daemonEnvPath: DAEMON_ENV_FILE, tailscaleStatePath: "C:\\ProgramData\\Tailscale\\server-state.conf" });
    expect(probe).toMatchObject({ joinScriptPresent: true, keyFiles: [], policy: { loginUrl: policy.loginUrl, hostname: policy.hostname } });
    expect(probe.systemPolicies).toEqual({ InstallUpdates: drawn.policyValue });
    expect(probe.daemonEnv).toEqual({ HTTPS_PROXY: sha256(envValue) });

    const cleanup = await stepValue(host, "cleanup", { joinScriptPath: leftover, stateDir, logout: false, uninstall: false });
    expect(cleanup.removed).toContain(leftover);
    expect(Object.keys((await host.state()).files)).not.toContain(leftover);

    const person = await host.runJoinScriptInteractively(joinScriptPath);
    expect([person.exitCode, person.output]).toEqual([0, expect.stringContaining("SUCCESS: this machine is on the mesh")]);
    if (drawn.authKey.trim().length >= 12) expect(person.output).not.toContain(drawn.authKey);

    state = await host.state();
    const record = await host.record();
    expect(record.calls.find((call) => call.program === "msiexec")?.argv).toContain(`TS_LOGINURL=${installLoginServer}`);
    const ups = record.calls.filter((call) => call.program === "tailscale" && call.argv[0] === "up");
    expect(ups.map((call) => call.session)).toEqual(["ssh", "interactive"]);
    expect(ups[0].argv.slice(1, 1 + stepUpArgs.length)).toEqual(stepUpArgs);
    expect(ups[1].argv.slice(1, 1 + scriptUpArgs.length)).toEqual(scriptUpArgs);
    expect(record.keyHashes).toEqual([sha256(keyAsRead(drawn.authKey)), sha256(keyAsRead(drawn.authKey))]);
    expect(state.registry[POLICY_KEYS[0]]).toEqual({ LoginURL: policy.loginUrl, Hostname: policy.hostname, UnattendedMode: "always", InstallUpdates: drawn.policyValue });
    expect(state.files[joinScriptPath]).toBeUndefined();
    expect(Object.keys(state.files).filter((file) => /\\authkey-[^\\]*$/i.test(file))).toEqual([]);
    expect(record.exposures).toEqual([]);
    await expectNothingRan(host, state, ["icacls", "msiexec", "tailscale"]);
  } finally {
    await host.dispose();
  }
}

/** No trace of a payload having run: see the file's header. */
async function expectNothingRan(host: PwshHostBackend, state: HostState, programs: string[]): Promise<void> {
  const paths = [...Object.keys(state.files), ...Object.keys(state.dirs)];
  expect(paths.filter((item) => /^C:\\PWNED/i.test(item))).toEqual([]);
  expect(Object.keys(state.registry).filter((key) => /PWNED/i.test(key))).toEqual([]);
  expect(fs.readdirSync(path.join(host.dir, "cwd"))).toEqual([]);
  const started = new Set((await host.record()).calls.map((call) => call.program));
  expect([...started].filter((program) => !programs.includes(program))).toEqual([]);
  expect(state.processLog.filter((line) => !line.startsWith(`"${TAILSCALE_EXE}"`) && !/^C:\\Windows\\system32\\(msiexec|icacls)\.exe /i.test(line))).toEqual([]);
}
