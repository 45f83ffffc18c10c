/**
 * Sending a file to the simulated host over SFTP: the bytes arrive whole at the Windows path, owned
 * by the SSH user and inheriting the folder's DACL; progress is reported; a link cut mid-transfer
 * is survived once by starting again on a new connection, and a second cut is a MeshError; a
 * folder that does not exist is refused with the path named.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMeshError } from "../../provider/common/errors";
import { Redactor } from "../../provider/common/redact";
import { openSession } from "../../provider/transport/session";
import type { RemoteSession } from "../../provider/transport/types";
import { sftpPath } from "../../provider/transport/upload";
import { stepScriptParts } from "../../provider/scripts";
import { SimulatedWindowsHost, scenarioByName, type HostState } from "../../simulator";
import { fileSha256, fileSize } from "../../simulator/blobs";
import { SID_ADMINISTRATOR_USER, securityOf } from "../../simulator/security";
import { windowsPathOf } from "../../simulator/sftp";
import { findName } from "../../simulator/windows-model";
import { FaultProxy } from "../support/fault-proxy";
import { Fixture, failureOf } from "../support/sim-fixture";

const MB = 1024 * 1024;
let dir: string;
const closers: (() => Promise<void>)[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mesh-upload-test-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function localFile(name: string, bytes: number): { path: string; sha256: string } {
  const content = randomBytes(bytes);
  const path = join(dir, name);
  writeFileSync(path, content);
  return { path, sha256: createHash("sha256").update(content).digest("hex").toUpperCase() };
}

interface Setup {
  /** The port to connect to, e.g. a fault proxy's in front of the host's. */
  port?: (host: SimulatedWindowsHost) => Promise<number>;
  sftp?: boolean;
  appendScript?: readonly string[];
}

async function hostAndSession(setup: Setup = {}): Promise<{ host: SimulatedWindowsHost; session: RemoteSession; log: string[] }> {
  const scenario = { ...scenarioByName("clean-join-first-try"), ssh: { sftp: setup.sftp } };
  const host = await SimulatedWindowsHost.start({ scenario });
  closers.push(() => host.stop());
  const log: string[] = [];
  const session = await openSession(
    { host: host.host, port: setup.port ? await setup.port(host) : host.port, user: host.user, password: host.password, dialErrorLimit: 5, perDialTimeoutMs: 5000, connectDeadlineMs: 10_000 },
    { label: "win-01", redactor: new Redactor([host.password]), log: (line) => log.push(line), stepTimeoutMs: 10_000, appendScript: setup.appendScript },
  );
  closers.push(() => session.close());
  return { host, session, log };
}

/** A fault proxy in front of the host, handed to the test to cut the link. */
function behindProxy(keep: (proxy: FaultProxy) => void): (host: SimulatedWindowsHost) => Promise<number> {
  return async (target) => {
    const proxy = await FaultProxy.start(target.port);
    closers.push(() => proxy.stop());
    keep(proxy);
    return proxy.port;
  };
}

function fileAt(state: HostState, path: string) {
  const name = findName(state.files, path);
  if (name === undefined) throw new Error(`no file ${path} on the host`);
  return state.files[name];
}

test("Windows paths become OpenSSH's /C:/ form and back", () => {
  expect(sftpPath("C:\\ProgramData\\MeshWindowsNode\\upload-1.msi")).toBe("/C:/ProgramData/MeshWindowsNode/upload-1.msi");
  expect(windowsPathOf("/C:/ProgramData/MeshWindowsNode/upload-1.msi")).toBe("C:\\ProgramData\\MeshWindowsNode\\upload-1.msi");
  expect(() => sftpPath("ProgramData\\x.msi")).toThrow(/not an absolute Windows path/);
});

test("a 3 MB file arrives byte for byte over SFTP, owned by the SSH user, with progress lines", async () => {
  const { host, session, log } = await hostAndSession();
  const file = localFile("a.msi", 3 * MB);
  const progress: number[] = [];
  const remotePath = "C:\\ProgramData\\upload-a.msi";
  const result = await session.upload({ name: "upload a.msi", localPath: file.path, remotePath, size: 3 * MB, onProgress: (sent) => progress.push(sent) });
  expect(result).toEqual({ via: "sftp", bytes: 3 * MB });
  const state = await host.state();
  const arrived = fileAt(state, remotePath);
  expect(fileSha256(arrived)).toBe(file.sha256);
  expect(fileSize(arrived)).toBe(3 * MB);
  expect(securityOf(state, remotePath).owner).toBe(SID_ADMINISTRATOR_USER);
  expect(arrived.readers).toEqual(state.dirs["C:\\ProgramData"]);
  expect(progress.at(-1)).toBe(3 * MB);
  expect(progress.length).toBeGreaterThan(10);
  const lines = log.filter((line) => line.includes("upload a.msi:"));
  expect(lines.at(-1)).toBe("[win-01] upload a.msi: 3.0 of 3.0 MB sent (100%)");
  // Throttled: about one line per 10%, not one per 32 KB chunk.
  expect(lines.length).toBeLessThanOrEqual(11);
  expect(session.stats.bytesSent).toBeGreaterThanOrEqual(3 * MB);
});

test("a folder that does not exist is refused, naming the path", async () => {
  const { session } = await hostAndSession();
  const file = localFile("b.msi", 100_000);
  const error = await failureOf(session.upload({ name: "upload b.msi", localPath: file.path, remotePath: "C:\\Nowhere\\b.msi", size: 100_000 }));
  expect(isMeshError(error, "step-failed")).toBe(true);
  expect(error.message).toContain("C:\\Nowhere\\b.msi");
  expect(String(error.seen)).toMatch(/cannot find the path/i);
});

test("a link cut mid-transfer: the upload starts again on a new connection and the whole file arrives", async () => {
  let proxy: FaultProxy | undefined;
  const { host, session, log } = await hostAndSession({ port: behindProxy((started) => (proxy = started)) });
  const file = localFile("c.msi", 8 * MB);
  const remotePath = "C:\\ProgramData\\upload-c.msi";
  proxy!.resetAfterClientBytes(3 * MB);
  const result = await session.upload({ name: "upload c.msi", localPath: file.path, remotePath, size: 8 * MB });
  expect(result.via).toBe("sftp");
  expect(fileSha256(fileAt(await host.state(), remotePath))).toBe(file.sha256);
  expect(log).toContain("[win-01] upload c.msi: the connection dropped; reconnecting to send the file again from its start");
  expect(session.stats.connections).toBe(2);
});

test("a link cut twice: a MeshError saying so, and the file on the host is not the whole file", async () => {
  let proxy: FaultProxy | undefined;
  const { host, session } = await hostAndSession({ port: behindProxy((started) => (proxy = started)) });
  const file = localFile("d.msi", 8 * MB);
  const remotePath = "C:\\ProgramData\\upload-d.msi";
  proxy!.resetAfterClientBytes(2 * MB);
  const upload = session.upload({
    name: "upload d.msi",
    localPath: file.path,
    remotePath,
    size: 8 * MB,
    // Once the second attempt is under way, the link dies again.
    onProgress: (sent) => {
      if (session.stats.connections === 2 && sent > MB) proxy!.resetAfterClientBytes(0);
    },
  });
  const error = await failureOf(upload);
  expect(isMeshError(error, "ssh-dropped")).toBe(true);
  expect(error.message).toMatch(/dropped again after one reconnection/);
  expect(error.step).toBe("upload d.msi");
  expect(fileSha256(fileAt(await host.state(), remotePath))).not.toBe(file.sha256);
});

describe("a host without SFTP", () => {
  const appendScript = stepScriptParts("append");

  test("the file goes over the step channel in 1 MB append steps, byte for byte; SFTP is not asked for again", async () => {
    const { host, session, log } = await hostAndSession({ sftp: false, appendScript });
    const file = localFile("e.msi", 2.5 * MB);
    const remotePath = "C:\\ProgramData\\upload-e.msi";
    const result = await session.upload({ name: "upload e.msi", localPath: file.path, remotePath, size: 2.5 * MB });
    expect(result).toEqual({ via: "step-channel", bytes: 2.5 * MB });
    expect(fileSha256(fileAt(await host.state(), remotePath))).toBe(file.sha256);
    expect(host.payloads.filter((payload) => payload.step === "append").map((payload) => (payload.params as { offset: number }).offset)).toEqual([0, MB, 2 * MB]);
    expect(log.filter((line) => line.includes("upload e.msi:")).at(-1)).toBe("[win-01] upload e.msi: 2.5 of 2.5 MB sent (100%)");

    await session.upload({ name: "upload e.msi again", localPath: file.path, remotePath, size: 2.5 * MB });
    expect(log.filter((line) => /offers no SFTP/.test(line))).toEqual([
      expect.stringMatching(/^\[win-01\] upload e\.msi: the host offers no SFTP \(.*\); sending the file over the step channel$/),
    ]);
  });

  test("without the append step's script: a MeshError that says how to enable SFTP", async () => {
    const { session } = await hostAndSession({ sftp: false });
    const file = localFile("f.msi", 1000);
    const error = await failureOf(session.upload({ name: "upload f.msi", localPath: file.path, remotePath: "C:\\ProgramData\\f.msi", size: 1000 }));
    expect(isMeshError(error, "step-failed")).toBe(true);
    expect(String(error.hint)).toMatch(/Subsystem sftp/);
  });

  test("a link cut mid-transfer: the file is sent again from its start on a new connection", async () => {
    let proxy: FaultProxy | undefined;
    const { host, session, log } = await hostAndSession({ sftp: false, appendScript, port: behindProxy((started) => (proxy = started)) });
    const file = localFile("g.msi", 3 * MB);
    const remotePath = "C:\\ProgramData\\upload-g.msi";
    proxy!.resetAfterClientBytes(1.5 * MB);
    expect((await session.upload({ name: "upload g.msi", localPath: file.path, remotePath, size: 3 * MB })).via).toBe("step-channel");
    expect(fileSha256(fileAt(await host.state(), remotePath))).toBe(file.sha256);
    expect(log).toContain("[win-01] upload g.msi: the connection dropped; reconnecting to send the file again from its start");
    const offsets = host.payloads.filter((payload) => payload.step === "append").map((payload) => (payload.params as { offset: number }).offset);
    expect(offsets.slice(-3)).toEqual([0, MB, 2 * MB]);
  });
});

test("a transfer that stalls is stopped after the step timeout, naming the file", async () => {
  const fixture = new Fixture();
  closers.push(() => fixture.closeAll());
  // The host accepts the SFTP session but never answers the file's OPEN.
  const { server } = await fixture.server({ sftp: { openForWrite: () => new Promise<string>(() => undefined) } });
  const session = await fixture.session(fixture.settings(server), fixture.options({ stepTimeoutMs: 500 }));
  const file = localFile("h.msi", 1000);
  const started = Date.now();
  const error = await failureOf(session.upload({ name: "upload h.msi", localPath: file.path, remotePath: "C:\\ProgramData\\h.msi", size: 1000 }));
  expect(isMeshError(error, "step-timeout")).toBe(true);
  expect(error.message).toContain("C:\\ProgramData\\h.msi made no progress for 0.5 s");
  expect(Date.now() - started).toBeLessThan(5000);
});
