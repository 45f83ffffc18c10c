import { createHash } from "node:crypto";
import { Client, type ConnectConfig } from "ssh2";
import { DEFAULT_JOIN_SCRIPT_PATH, DEFAULT_STATE_DIR, FAILURE_RULES, TAILSCALE_STATE_FILE, UP_KILL_MARGIN_SECONDS, DAEMON_WAIT_SECONDS, type JoinParams } from "../../provider/scripts/catalogue";
import { ADMIN_ONLY, LATEST_TAILSCALE, SimulatedWindowsHost, tailnetAddressesFor, type Scenario } from "../../simulator";
import { FrameWriter, LOOP_FRAME_LINE, STEP_COMMAND_LINE, parseLine, type StepEnvelope, type StepProgress } from "../../provider/transport/protocol";
import { AUTH_KEY, joinScriptTextFor } from "./backends/ts/step-runner";

interface ExecOutput {
  exitCode: number | null;
  progress: StepProgress[];
  envelope: StepEnvelope<unknown> | undefined;
  stderr: string;
}

function connect(config: ConnectConfig): Promise<{ client: Client; seenFingerprint: string }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seenFingerprint = "";
    client
      .on("ready", () => resolve({ client, seenFingerprint }))
      .on("error", reject)
      .connect({
        ...config,
        readyTimeout: 5000,
        hostVerifier: (key: Buffer) => {
          seenFingerprint = "SHA256:" + createHash("sha256").update(key).digest("base64").replace(/=+$/, "");
          return true;
        },
      });
  });
}

/** One exec holding one step: the constant command line, the step loop and the step's frame on stdin, then its end. */
function exec(client: Client, command: string, stdin: string): Promise<ExecOutput> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) return reject(error);
      let stdout = "";
      let stderr = "";
      let exitCode: number | null = null;
      channel.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
      channel.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      channel.on("exit", (code: number | null) => (exitCode = code));
      channel.on("close", () => {
        const parsed = stdout.split("\n").filter(Boolean).map(parseLine);
        const progress = parsed.flatMap((line) => (line.kind === "progress" ? [line.progress] : []));
        const envelope = parsed.flatMap((line) => (line.kind === "result" ? [line.envelope] : [])).at(-1);
        resolve({ exitCode, progress, envelope, stderr });
      });
      channel.end(stdin);
    });
  });
}

function step(client: Client, name: string, params: unknown): Promise<ExecOutput> {
  return exec(client, STEP_COMMAND_LINE, `${LOOP_FRAME_LINE}\n${new FrameWriter().frame(name, [`# ${name}`], params)}\n`);
}

function valueOf(output: ExecOutput): Record<string, unknown> {
  if (!output.envelope?.ok) throw new Error(`step failed: ${JSON.stringify(output.envelope)}`);
  return output.envelope.value as Record<string, unknown>;
}

function joinParams(): JoinParams {
  const params: JoinParams = {
    policy: { loginUrl: "https://hs.example.net", hostname: null, unattendedMode: "always", policyValues: [] },
    daemonEnv: null, acceptRoutes: false,
    upArgs: ["--login-server=https://hs.example.net", "--unattended"],
    authKey: AUTH_KEY,
    attempts: 3,
    retryDelaySeconds: 5,
    timeoutSeconds: 30,
    upKillMarginSeconds: UP_KILL_MARGIN_SECONDS,
    daemonWaitSeconds: DAEMON_WAIT_SECONDS, verifyRestart: false,
    rules: FAILURE_RULES,
    stateDir: DEFAULT_STATE_DIR,
    joinScriptPath: DEFAULT_JOIN_SCRIPT_PATH,
    joinScriptText: "",
  };
  return { ...params, joinScriptText: joinScriptTextFor(params) };
}

const paths = { joinScriptPath: DEFAULT_JOIN_SCRIPT_PATH, stateDir: DEFAULT_STATE_DIR, policyNames: [], daemonEnvPath: "C:\\ProgramData\\Tailscale\\tailscaled-env.txt", tailscaleStatePath: TAILSCALE_STATE_FILE };

describe("SimulatedWindowsHost", () => {
  const started: SimulatedWindowsHost[] = [];
  const clients: Client[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.end();
    for (const host of started.splice(0)) await host.stop();
  });

  async function startHost(scenario: Scenario | string): Promise<SimulatedWindowsHost> {
    const host = await SimulatedWindowsHost.start({ scenario, maxRealSleepMs: 1 });
    started.push(host);
    return host;
  }

  async function connectTo(host: SimulatedWindowsHost, auth: "password" | "key") {
    const credentials = auth === "password" ? { password: host.password } : { privateKey: host.clientPrivateKey };
    const connection = await connect({ host: host.host, port: host.port, username: host.user, ...credentials });
    clients.push(connection.client);
    return connection;
  }

  it("runs probe, install and join over SSH and records what it received", async () => {
    const host = await startHost("daemon-unreachable");
    const { client, seenFingerprint } = await connectTo(host, "key");
    expect(seenFingerprint).toBe(host.hostKeyFingerprint);
    expect(host.hostPublicKeyLine).toMatch(/^ssh-ed25519 AAAA/);

    const probe = await step(client, "probe", paths);
    expect(probe.exitCode).toBe(0);
    expect(valueOf(probe)).toMatchObject({ computerName: "WIN-01", tailscale: { installed: false } });
    const install = await step(client, "install", { method: "msi", version: null, msiUrl: null, loginServer: null, ...paths });
    expect(valueOf(install)).toMatchObject({ outcome: "installed", version: LATEST_TAILSCALE });
    const join = await step(client, "join", joinParams());
    expect(valueOf(join)).toMatchObject({ outcome: "pending-manual", reason: "daemon-unreachable" });
    expect(join.progress.filter((p) => p.message.startsWith("tailscale up: attempt"))).toHaveLength(3);
    expect(join.progress.filter((p) => / retrying in \d+s$/.test(p.message))).toHaveLength(2);

    expect(host.payloads.map((p) => p.step)).toEqual(["probe", "install", "join"]);
    expect((host.payloads[2].params as JoinParams).authKey).toBe(AUTH_KEY);
    expect(host.commandLines).toEqual([STEP_COMMAND_LINE, STEP_COMMAND_LINE, STEP_COMMAND_LINE]);
    expect(host.stats).toMatchObject({ connections: 1, execs: 3 });
    expect(host.stats.bytesReceived).toBeGreaterThan(0);
    expect((await host.state()).files[DEFAULT_JOIN_SCRIPT_PATH].readers).toEqual(ADMIN_ONLY);

    const run = await host.runJoinScriptInteractively();
    expect(run.exitCode).toBe(0);
    const after = await host.state();
    expect(Object.keys(after.files)).toEqual([`${DEFAULT_STATE_DIR}\\join-mesh.log`, TAILSCALE_STATE_FILE]);
    expect(after.adapterIps).toEqual(tailnetAddressesFor("WIN-01"));
    expect(valueOf(await step(client, "probe", paths))).toMatchObject({ joinScriptPresent: false, tailscaleIps: after.adapterIps });
  });

  it("accepts the password, and answers a malformed payload with a script error", async () => {
    const host = await startHost("clean-join-first-try");
    const { client } = await connectTo(host, "password");
    const output = await step(client, "join", { authKey: AUTH_KEY });
    // The loop answers the failed step and ends cleanly at the end of stdin.
    expect(output.exitCode).toBe(0);
    expect(output.envelope).toMatchObject({ ok: false });
    expect(JSON.stringify(output.envelope)).not.toContain(AUTH_KEY);
  });

  it("starts from the scenario's host and maps its default shell onto the server", async () => {
    const host = await startHost("default-shell-powershell");
    expect((await host.state()).defaultShell).toBe("powershell");
    const { client } = await connectTo(host, "password");
    const foreign = await exec(client, "whoami", "");
    expect(foreign.exitCode).toBe(1);
    expect(foreign.stderr).toContain("is not recognized as the name of a cmdlet");
    expect(valueOf(await step(client, "probe", paths))).toMatchObject({ computerName: "WIN-01" });
  });

  it("merges the scenario's tailscale block over a clean host", async () => {
    const host = await startHost("already-installed-older-version");
    const state = await host.state();
    expect(state.tailscale).toEqual({
      installed: true,
      version: "1.62.1",
      service: { status: "Running", startType: "Automatic" },
      backendState: "NoState",
      loggedInLoginServer: null,
      nodeName: null,
    });
    expect(state.dirs["C:\\ProgramData"]).toBeDefined();
  });

  it("never answers the step the scenario hangs in, until the client closes the channel", async () => {
    const host = await startHost({
      name: "probe-hangs",
      description: "test",
      ssh: { hangInStep: "probe" },
      expect: { state: "failed", joinScriptLeft: false },
    });
    const { client } = await connectTo(host, "password");
    const outcome = await Promise.race([
      step(client, "probe", paths).then(() => "answered"),
      new Promise((resolve) => setTimeout(() => resolve("no answer"), 300)),
    ]);
    expect(outcome).toBe("no answer");
  });
});
