/**
 * The upload figure: sending a Tailscale-sized MSI (30 MB) to a simulated host through the same
 * delay proxy, ours against a plain SFTP upload of the same file, in the same run. Ours is the whole
 * provider-side path of `install.source: "upload"` with `msiFile`: obtainMsi (which hashes the file)
 * and RemoteSession.upload on an open session. The plain one is ssh2's own SFTP fastPut on an open
 * connection. After one warm-up upload per side (not counted: the first transfer of a process pays
 * for compiling and caching what later ones reuse), rounds alternate which side goes first; each
 * side's median is compared.
 */
import { randomBytes } from "crypto";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Client, type SFTPWrapper } from "ssh2";
import { Redactor } from "../provider/common/redact";
import { obtainMsi } from "../provider/install-media";
import { openSession } from "../provider/transport/session";
import { sftpPath } from "../provider/transport/upload";
import type { RemoteSession } from "../provider/transport/types";
import type { FarmLauncher, FarmTarget } from "./farm";
import type { HostTiming } from "./timing";

export interface UploadSpec {
  launchFarm: FarmLauncher;
  oneWayDelayMs: number;
  timing: HostTiming;
  sizeBytes: number;
  /** Each round uploads once per side. */
  rounds: number;
  log?: (line: string) => void;
}

export interface UploadMeasurement {
  sizeBytes: number;
  oneWayDelayMs: number;
  /** How ours sent the file (SFTP unless the host refused it). */
  via: string;
  oursMs: number[];
  plainMs: number[];
  oursMedianMs: number;
  plainMedianMs: number;
  /** Ours' median ÷ the plain upload's median. */
  ratio: number;
}

const OURS_PATH = "C:\\ProgramData\\bench-upload-ours.msi";
const PLAIN_PATH = "C:\\ProgramData\\bench-upload-plain.msi";

export async function measureUpload(spec: UploadSpec): Promise<UploadMeasurement> {
  const dir = mkdtempSync(join(tmpdir(), "bench-upload-"));
  const localPath = join(dir, "tailscale-setup-bench-amd64.msi");
  writeFileSync(localPath, randomBytes(spec.sizeBytes));
  const farm = await spec.launchFarm({ scenario: "clean-join-first-try", nodes: 1, oneWayDelayMs: spec.oneWayDelayMs, timing: spec.timing });
  const target = farm.targets[0];
  const session = await sessionTo(target);
  const client = await clientTo(target);
  const oursMs: number[] = [];
  const plainMs: number[] = [];
  let via = "";
  try {
    const ours = async (times: number[]) => {
      const started = performance.now();
      const msi = await obtainMsi({ msiFile: localPath, arch: "amd64" });
      via = (await session.upload({ name: `upload ${msi.fileName}`, localPath: msi.path, remotePath: OURS_PATH, size: msi.size })).via;
      times.push(performance.now() - started);
    };
    const plain = async (times: number[]) => {
      const started = performance.now();
      await fastPut(client, localPath, sftpPath(PLAIN_PATH));
      times.push(performance.now() - started);
    };
    const warmUp: number[] = [];
    await ours(warmUp);
    await plain(warmUp);
    for (let round = 0; round < spec.rounds; round++) {
      // Alternating the order spreads whatever the machine is doing meanwhile over both sides.
      const order = round % 2 === 0 ? [() => ours(oursMs), () => plain(plainMs)] : [() => plain(plainMs), () => ours(oursMs)];
      for (const side of order) await side();
      spec.log?.(`upload round ${round + 1}: ours ${oursMs[round]!.toFixed(0)} ms, plain SFTP ${plainMs[round]!.toFixed(0)} ms`);
    }
  } finally {
    client.end();
    await session.close();
    await farm.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const oursMedianMs = median(oursMs);
  const plainMedianMs = median(plainMs);
  return { sizeBytes: spec.sizeBytes, oneWayDelayMs: spec.oneWayDelayMs, via, oursMs, plainMs, oursMedianMs, plainMedianMs, ratio: oursMedianMs / plainMedianMs };
}

function sessionTo(target: FarmTarget): Promise<RemoteSession> {
  return openSession(
    { host: target.host, port: target.port, user: target.user, password: target.password, hostKey: target.hostKey, dialErrorLimit: 5, perDialTimeoutMs: 60_000, connectDeadlineMs: 120_000 },
    { label: target.name, redactor: new Redactor([target.password]), stepTimeoutMs: 600_000 },
  );
}

function clientTo(target: FarmTarget): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.on("error", reject);
    client.on("ready", () => resolve(client));
    client.connect({ host: target.host, port: target.port, username: target.user, password: target.password, hostVerifier: () => true, readyTimeout: 60_000 });
    client.setNoDelay(true);
  });
}

/** A plain SFTP upload: open the subsystem, fastPut with ssh2's defaults, close it. */
function fastPut(client: Client, localPath: string, remotePath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.sftp((error: Error | undefined, sftp: SFTPWrapper) => {
      if (error) return reject(error);
      sftp.fastPut(localPath, remotePath, (putError) => {
        sftp.end();
        if (putError) reject(putError);
        else resolve();
      });
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
