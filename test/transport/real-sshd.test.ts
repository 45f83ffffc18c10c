/**
 * The transport against Debian's real OpenSSH server and real PowerShell (pwsh), through the shim
 * that stands in for Windows' default shell: what the simulator promises, checked on real parts.
 */
import { isMeshError } from "../../provider/common/errors";
import { Redactor } from "../../provider/common/redact";
import { openSession } from "../../provider/transport/session";
import type { RemoteSession } from "../../provider/transport/types";
import { startSshd, type RealSshd } from "../support/sshd";
import { toolsPresent } from "../support/tools";

const ready = toolsPresent("real sshd + pwsh transport tests", "sshd", "ssh-keygen", "pwsh", "iconv", "base64");

(ready ? describe : describe.skip)("through real sshd and pwsh", () => {
  let sshd: RealSshd;
  let session: RemoteSession;
  const log: string[] = [];

  /** A new session (one step loop, one pwsh, started by its first step). */
  const open = () =>
    openSession(
      {
        host: sshd.host,
        port: sshd.port,
        user: sshd.user,
        privateKey: sshd.userKey.privateKey,
        hostKey: sshd.hostKeyLine,
        dialErrorLimit: 3,
        perDialTimeoutMs: 10_000,
        connectDeadlineMs: 20_000,
      },
      { label: "real-01", redactor: new Redactor(["s3cret-value"]), log: (line) => log.push(line), stepTimeoutMs: 60_000 },
    );

  beforeAll(async () => {
    sshd = await startSshd();
    session = await open();
  });

  afterAll(async () => {
    await session?.close();
    await sshd?.stop();
  });

  test("a step script echoes large and hostile params back byte for byte, streaming a progress line first", async () => {
    const hostile = `it's "q" \`b\` $(whoami) $env:HOME; & | < > % ^ \r\n\t\u00e9\u4e2d\u{1F600}\u200f end\\`;
    const params = { big: "z".repeat(40_000), hostile, nested: { list: [hostile, 1, true, null] } };
    const progress: unknown[] = [];
    const script = ["param($p)", "Write-MeshProgress 'echoing' @{ chars = $p.big.Length }", "$p"].join("\n");
    const result = await session.run({ name: "echo", script, params, onProgress: (p) => progress.push(p) });
    expect(result).toEqual(params);
    expect(Buffer.from((result as typeof params).hostile, "utf8").equals(Buffer.from(hostile, "utf8"))).toBe(true);
    expect(progress).toEqual([{ message: "echoing", data: { chars: 40_000 } }]);
    expect(log).toContain("[real-01] echo: echoing");
    expect(session.hostKeyFingerprint).toBe(sshd.hostKeyFingerprint);
  });

  test("a throwing script fails with its message and line, redacted", async () => {
    const script = ["param($p)", "$x = 1", "throw ('cannot log on with ' + $p.secret)"].join("\n");
    const error = await session.run({ name: "boom", script, params: { secret: "s3cret-value" } }).catch((e: unknown) => e);
    expect(isMeshError(error, "step-failed")).toBe(true);
    expect(String(error)).toContain("[real-01] boom: the step failed on the host: cannot log on with [redacted]");
    expect(String(error)).toContain("line 3");
    expect(String(error)).not.toContain("s3cret-value");
  });

  test("several steps run in one pwsh, and a step that throws leaves the loop running", async () => {
    const shared = "param($p)\nfunction Get-Answer { [pscustomobject]@{ pid = $PID; n = $p.n } }";
    const first = await session.run<{ pid: number }>({ name: "one", script: [shared, "Get-Answer"], params: { n: 1 } });
    await expect(session.run({ name: "boom", script: [shared, "throw 'boom'"], params: {} })).rejects.toThrow("the step failed on the host: boom");
    const third = await session.run<{ pid: number; n: number }>({ name: "three", script: [shared, "Get-Answer"], params: { n: 3 } });
    expect(third).toEqual({ pid: first.pid, n: 3 });
  });

  test("a step that hangs is stopped at its timeout, naming host and step; the next step runs in a new pwsh", async () => {
    const pidScript = "param($p)\n$PID";
    const before = await session.run<number>({ name: "pid", script: pidScript, params: {} });
    const error = await session.run({ name: "stuck", script: "param($p)\nStart-Sleep -Seconds 600", params: {}, timeoutMs: 1500 }).catch((e: unknown) => e);
    expect(isMeshError(error, "step-timeout")).toBe(true);
    expect(String(error)).toContain("[real-01] stuck:");
    const after = await session.run<number>({ name: "pid", script: pidScript, params: {} });
    expect(after).not.toBe(before);
  });

  test("a connection dropped mid-loop fails a step that is not safe to repeat; the next step reconnects", async () => {
    const dropped = await open();
    try {
      // Ends this connection's sshd session process from inside the loop, as a broken link would.
      const cut = "param($p)\nWrite-MeshProgress 'cutting'\n$x = Get-Process -Id $PID\nwhile ($x -and $x.ProcessName -notlike 'sshd*') { $x = $x.Parent }\nStop-Process -Id $x.Id -Force\nStart-Sleep -Seconds 30";
      const error = await dropped.run({ name: "cut", script: cut, params: {} }).catch((e: unknown) => e);
      expect(isMeshError(error, "ssh-dropped")).toBe(true);
      expect(String(error)).toContain("[real-01] cut:");
      expect(await dropped.run({ name: "echo", script: "param($p)\n$p", params: { again: true } })).toEqual({ again: true });
      expect(dropped.stats.connections).toBe(2);
    } finally {
      await dropped.close();
    }
  });

  test("a prelude stands in for a Windows cmdlet, ahead of the step script", async () => {
    sshd.setPrelude("function Get-Service([string]$Name) { [pscustomobject]@{ Name = $Name; Status = 'Running' } }");
    // The prelude is read when pwsh starts: once per session.
    const withPrelude = await open();
    try {
      const script = "param($p)\n(Get-Service -Name $p.name).Status";
      expect(await withPrelude.run({ name: "service", script, params: { name: "Tailscale" } })).toBe("Running");
    } finally {
      sshd.setPrelude(undefined);
      await withPrelude.close();
    }
  });
});
