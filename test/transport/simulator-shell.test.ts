/**
 * The simulated host's SSH face, driven by a raw ssh2 client: command lines are judged as Windows'
 * default shell would judge them, before any step runs.
 */
import { Client } from "ssh2";
import type { DefaultShell } from "../../simulator/ssh-server";
import { FrameWriter, LOOP_FRAME_LINE, STEP_COMMAND_LINE } from "../../provider/transport/protocol";
import { Fixture, PASSWORD, USER } from "../support/sim-fixture";

const fixture = new Fixture();
afterEach(() => fixture.closeAll());

interface ExecOutcome {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

async function rawExec(shell: DefaultShell, command: string, stdin = ""): Promise<ExecOutcome> {
  const { server } = await fixture.server({ defaultShell: () => shell });
  const client = new Client();
  fixture.onCleanup(async () => void client.end());
  await new Promise<void>((resolve, reject) => {
    client.once("ready", () => resolve()).once("error", reject);
    client.connect({ host: "127.0.0.1", port: server.port, username: USER, password: PASSWORD });
  });
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) return reject(error);
      const outcome: ExecOutcome = { exitCode: undefined, stdout: "", stderr: "" };
      channel.on("data", (chunk: Buffer) => (outcome.stdout += chunk.toString()));
      channel.stderr.on("data", (chunk: Buffer) => (outcome.stderr += chunk.toString()));
      channel.on("exit", (code: number) => (outcome.exitCode = code));
      channel.on("close", () => resolve(outcome));
      channel.end(stdin);
    });
  });
}

const longCommand = `powershell.exe -NoProfile -Command "Write-Output '${"a".repeat(9000)}'"`;

test("under cmd.exe a command line over 8,191 characters fails as cmd.exe fails it", async () => {
  expect(await rawExec("cmd", longCommand)).toEqual({ exitCode: 1, stdout: "", stderr: "The command line is too long.\r\n" });
});

test("under PowerShell the same line is not too long (32,767 applies), but is refused as not the provider's command line", async () => {
  const outcome = await rawExec("powershell", longCommand);
  expect(outcome.stderr).not.toContain("too long");
  expect(outcome.stderr).toContain("not the provider's command line");
  expect(outcome.exitCode).toBe(1);
});

test("an unknown program gets cmd.exe's message under cmd, PowerShell's under PowerShell", async () => {
  expect(await rawExec("cmd", "tailscale-up --now")).toEqual({
    exitCode: 1,
    stdout: "",
    stderr: "'tailscale-up' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n",
  });
  const underPowerShell = await rawExec("powershell", "tailscale-up --now");
  expect(underPowerShell.stderr).toMatch(/^tailscale-up : The term 'tailscale-up' is not recognized as the name of a cmdlet/);
  expect(underPowerShell.exitCode).toBe(1);
});

test("the step command line runs under both shells, answering in CRLF lines like Windows", async () => {
  const stdin = `${LOOP_FRAME_LINE}\n${new FrameWriter().frame("echo", [""], { a: 1 })}\n`;
  for (const shell of ["cmd", "powershell"] as const) {
    const outcome = await rawExec(shell, STEP_COMMAND_LINE, stdin);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout).toMatch(/^##mesh-result:[A-Za-z0-9+/=]+\r\n$/);
  }
});
