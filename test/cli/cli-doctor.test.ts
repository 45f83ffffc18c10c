/**
 * `mesh-windows-node doctor` against the simulated Windows host, in-process: the human report and
 * --json, exit 0 when nothing fails (warnings included) and 1 when a check fails, no secret printed,
 * nothing changed on the host and nothing recorded.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run, type CliIo } from "../../provider/cli/main";
import { defaultStateFile } from "../../provider/cli/state";
import { SimulatedWindowsHost } from "../../simulator";

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

let home: string;
const hosts: SimulatedWindowsHost[] = [];

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), "cli-doctor-"));
});
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop();
  fs.rmSync(home, { recursive: true, force: true });
});

async function doctor(scenario: string, extra: string[] = []): Promise<CliRun & { host: SimulatedWindowsHost }> {
  const host = await SimulatedWindowsHost.start({ scenario });
  hosts.push(host);
  const result = { code: -1, stdout: "", stderr: "" };
  const io: CliIo = {
    stdout: (text) => void (result.stdout += text),
    stderr: (text) => void (result.stderr += text),
    env: { HOME: home, MESH_WINDOWS_NODE_HOME: home, MESH_SSH_PASSWORD: host.password },
    readStdin: async () => "",
  };
  const argv = ["doctor", "--host", host.host, "--port", String(host.port), "--login-server", "https://headscale.example.com", "--connect-deadline", "10", ...extra];
  result.code = await run(argv, io);
  expect(result.stdout + result.stderr).not.toContain(host.password);
  // Read-only: nothing written on the host, nothing recorded here.
  const state = await host.state();
  expect(state.files).toEqual({});
  expect(fs.existsSync(defaultStateFile(io, host.host, host.port))).toBe(false);
  return { ...result, host };
}

test("a ready host: exit 0, one line per check", async () => {
  const { code, stdout, host } = await doctor("clean-join-first-try");
  expect(code).toBe(0);
  const lines = stdout.trimEnd().split("\n");
  expect(lines[0]).toBe(`doctor: ${host.host}:${host.port} is ready`);
  for (const id of ["administrator", "powershell", "default-shell", "pending-reboot", "disk-space", "tls12", "tailscale", "tailscale-tray", "vpn-adapters", "udp-41641", "reach-packages", "reach-control-server", "clock"]) {
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  ok   ${id} +\\S`)));
  }
});

test("--json: the verdict and every check with what was seen and what to do", async () => {
  const { code, stdout } = await doctor("vpn-conflict", ["--json"]);
  expect(code).toBe(0);
  const report = JSON.parse(stdout) as { command: string; verdict: string; checks: { id: string; status: string; seen: string; fix: string }[] };
  expect(report.command).toBe("doctor");
  expect(report.verdict).toBe("ready, with warnings");
  const vpn = report.checks.find((check) => check.id === "vpn-adapters");
  expect(vpn).toEqual({ id: "vpn-adapters", status: "warn", seen: "other VPN adapters: NordLynx (NordLynx Tunnel)", fix: expect.stringContaining("disconnect or uninstall") });
});

test("a check that fails: exit 1, the check and what to do in the human report", async () => {
  const { code, stdout } = await doctor("control-server-unreachable");
  expect(code).toBe(1);
  expect(stdout).toContain("is not ready");
  expect(stdout).toMatch(/FAIL reach-control-server +headscale\.example\.com did not answer within 10 s/);
  expect(stdout).toContain("what to do: let the host reach headscale.example.com over HTTPS");
});

test("a constrained PowerShell: exit 1 with the error naming the language mode", async () => {
  const { code, stderr, stdout } = await doctor("constrained-language");
  expect(code).toBe(1);
  expect(stdout + stderr).toContain("runs in ConstrainedLanguage mode");
});
