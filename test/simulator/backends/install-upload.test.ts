/**
 * install.source "upload" on the host, both back ends alike (the pwsh back end runs the real
 * stage.ps1 and install.ps1; skipped loudly without pwsh): the stage step takes the state directory
 * over and clears what an interrupted upload left; the file arrives by SFTP; install checks its
 * size and SHA-256 against what the provider sent before it moves it into place, and msiexec runs
 * exactly those bytes. A short or altered file is deleted and never run.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redactor } from "../../../provider/common/redact";
import { stepScriptParts } from "../../../provider/scripts";
import { DEFAULT_STATE_DIR, type InstallParams, type InstallResult, type StageResult, type UploadedMsi } from "../../../provider/scripts/catalogue";
import { openSession } from "../../../provider/transport/session";
import type { RemoteSession } from "../../../provider/transport/types";
import { LATEST_TAILSCALE, SimulatedWindowsHost } from "../../../simulator";
import { SID_ADMINISTRATOR_USER, securityOf } from "../../../simulator/security";
import { toolsPresent } from "../../support/tools";

jest.setTimeout(120_000);

const BACK_ENDS: ("ts" | "pwsh")[] = ["ts"];
if (toolsPresent("install.source upload on the pwsh back end", "pwsh")) BACK_ENDS.push("pwsh");

const MB = 1024 * 1024;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mesh-install-upload-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function localMsi(bytes: number): { path: string; sha256: string; size: number } {
  const content = randomBytes(bytes);
  const path = join(dir, `${randomBytes(4).toString("hex")}.msi`);
  writeFileSync(path, content);
  return { path, size: bytes, sha256: createHash("sha256").update(content).digest("hex") };
}

const msiFiles = (paths: string[]) => paths.filter((path) => /\.msi$/i.test(path));

describe.each(BACK_ENDS)("install.source upload on the %s back end", (backend) => {
  let host: SimulatedWindowsHost;
  let session: RemoteSession;

  beforeEach(async () => {
    host = await SimulatedWindowsHost.start({ scenario: "clean-join-first-try", backend, maxRealSleepMs: 1 });
    session = await openSession(
      { host: host.host, port: host.port, user: host.user, password: host.password, dialErrorLimit: 3, perDialTimeoutMs: 5000, connectDeadlineMs: 10_000 },
      { label: "win-01", redactor: new Redactor([host.password]), stepTimeoutMs: 60_000 },
    );
  });
  afterEach(async () => {
    await session.close();
    await host.stop();
  });

  const stage = () => session.run<StageResult>({ name: "stage", script: stepScriptParts("stage"), params: { stateDir: DEFAULT_STATE_DIR }, idempotent: true });
  const install = (upload: UploadedMsi) => {
    const params: InstallParams = { method: "msi", version: null, msiUrl: null, sha256: null, loginServer: null, stateDir: DEFAULT_STATE_DIR, upload };
    return session.run<InstallResult>({ name: "install", script: stepScriptParts("install"), params, idempotent: true });
  };
  async function send(file: { path: string; size: number }, leaf = `upload-${randomBytes(8).toString("hex")}.msi`): Promise<string> {
    const remotePath = `${DEFAULT_STATE_DIR}\\${leaf}`;
    await session.upload({ name: "upload", localPath: file.path, remotePath, size: file.size });
    return remotePath;
  }

  test("the very bytes sent are checked, moved into place and run; nothing of them is left", async () => {
    expect(await stage()).toEqual({ removed: [] });
    const file = localMsi(5 * MB);
    const remotePath = await send(file);
    // The SSH user owns what SFTP wrote; the folder was taken over first, so only Administrators and SYSTEM read it.
    const arrived = await host.state();
    expect(securityOf(arrived, remotePath).owner).toBe(SID_ADMINISTRATOR_USER);
    expect(Object.entries(arrived.files).find(([path]) => path.toLowerCase() === remotePath.toLowerCase())?.[1].readers).toEqual(arrived.dirs[DEFAULT_STATE_DIR]);

    expect(await install({ path: remotePath, size: file.size, sha256: file.sha256 })).toEqual({ outcome: "installed", version: LATEST_TAILSCALE, exitCode: 0, rebootRequired: false });
    const record = await host.record();
    expect(record.msiRuns).toEqual([{ path: `${DEFAULT_STATE_DIR}\\tailscale-setup.msi`, sha256: file.sha256.toUpperCase(), bytes: file.size }]);
    const state = await host.state();
    expect(state.tailscale.installed).toBe(true);
    expect(msiFiles(Object.keys(state.files))).toEqual([]);
  });

  test.each([
    ["a short file", (file: { size: number; sha256: string }) => ({ size: file.size + 1, sha256: file.sha256 }), /has 1048576 bytes, not 1048577/],
    ["altered bytes", (file: { size: number; sha256: string }) => ({ size: file.size, sha256: "0".repeat(64) }), /has SHA-256 [0-9A-F]{64}, not 0{64} as sent/],
  ])("%s: failed, deleted unrun", async (_what, claim, message) => {
    await stage();
    const file = localMsi(MB);
    const remotePath = await send(file);
    const result = await install({ path: remotePath, ...claim(file) });
    expect(result).toMatchObject({ outcome: "failed", exitCode: null, logTail: "" });
    expect((result as { message: string }).message).toMatch(message);
    expect((result as { message: string }).message).toMatch(/^the uploaded MSI .*: it was deleted without running; run the operation again to send it again$/);
    expect((await host.record()).msiRuns ?? []).toEqual([]);
    const state = await host.state();
    expect(state.tailscale.installed).toBe(false);
    expect(msiFiles(Object.keys(state.files))).toEqual([]);
  });

  test("a file that never arrived: failed, nothing run", async () => {
    await stage();
    const result = await install({ path: `${DEFAULT_STATE_DIR}\\upload-0123456789abcdef.msi`, size: 10, sha256: "a".repeat(64) });
    expect(result).toMatchObject({ outcome: "failed", message: `the uploaded MSI is not at ${DEFAULT_STATE_DIR}\\upload-0123456789abcdef.msi: it was deleted without running; run the operation again to send it again` });
    expect((await host.record()).msiRuns ?? []).toEqual([]);
  });

  test("stage removes what an interrupted upload left, and only that", async () => {
    await stage();
    const left = await send(localMsi(MB));
    const other = await send(localMsi(1000), "keep.msi");
    expect(await stage()).toEqual({ removed: [left] });
    const files = Object.keys((await host.state()).files);
    expect(msiFiles(files)).toEqual([other]);
  });
});
