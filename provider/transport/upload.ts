/**
 * Sending a local file to the host over SFTP, on the connection the steps already use (ssh2's
 * fastPut: many writes in flight, so a slow link costs little more than its bandwidth). Windows
 * OpenSSH names files by "/C:/dir/file", so the Windows path is rewritten once here. A server that
 * refuses the sftp subsystem is told apart from a dropped link: the session then falls back to the
 * step channel, or reconnects and starts again.
 */
import type { SFTPWrapper } from "ssh2";
import { MeshError } from "../common/errors";
import type { Redactor } from "../common/redact";
import type { LiveConnection } from "./dial";
import { ConnectionDropped } from "./loop";
import type { UploadRequest, UploadResult } from "./types";

/** The server has no SFTP subsystem (Windows OpenSSH with `Subsystem sftp` removed from sshd_config). */
export class SftpUnavailable extends Error {}

export interface UploadContext {
  label: string;
  redactor: Redactor;
  log?: (line: string) => void;
  /** A transfer that makes no progress for this long is stopped (as a step without an answer is). */
  stepTimeoutMs: number;
}

/** "C:\ProgramData\x.msi" as Windows OpenSSH's SFTP server names it: "/C:/ProgramData/x.msi". */
export function sftpPath(windowsPath: string): string {
  if (!/^[A-Za-z]:\\/.test(windowsPath)) throw new Error(`not an absolute Windows path: ${windowsPath}`);
  return "/" + windowsPath.replace(/\\/g, "/");
}

const PROGRESS_EVERY_FRACTION = 0.1;
const PROGRESS_EVERY_MS = 2000;

/** Progress of one transfer: the caller's callback on every chunk, a log line every 10% or 2 s. */
export class UploadProgress {
  private loggedFraction = 0;
  private loggedAt = Date.now();

  constructor(
    private readonly request: UploadRequest,
    private readonly context: UploadContext,
  ) {}

  sent(bytes: number): void {
    const total = this.request.size;
    this.request.onProgress?.(bytes, total);
    const fraction = total > 0 ? bytes / total : 1;
    const now = Date.now();
    if (bytes < total && fraction - this.loggedFraction < PROGRESS_EVERY_FRACTION && now - this.loggedAt < PROGRESS_EVERY_MS) return;
    this.loggedFraction = fraction;
    this.loggedAt = now;
    this.context.log?.(`[${this.context.label}] ${this.request.name}: ${megabytes(bytes)} of ${megabytes(total)} MB sent (${Math.floor(fraction * 100)}%)`);
  }
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** Writes the file by SFTP; throws SftpUnavailable, ConnectionDropped, or MeshError (refused, or no progress for the step timeout). */
export async function sftpUpload(connection: LiveConnection, request: UploadRequest, context: UploadContext): Promise<UploadResult> {
  const progress = new UploadProgress(request, context);
  let sftp: SFTPWrapper | undefined;
  let onClose: (() => void) | undefined;
  let stalled: NodeJS.Timeout | undefined;
  let settled = false;
  try {
    await new Promise<void>((resolve, reject) => {
      const watch = () => {
        clearTimeout(stalled);
        stalled = setTimeout(() => reject(stallError(request, context)), context.stepTimeoutMs);
      };
      // ssh2 leaves fastPut's writes unanswered when the connection dies: its close ends the wait.
      onClose = () => reject(new Error("the connection closed"));
      connection.client.once("close", onClose);
      watch();
      const step = (sent: number) => {
        watch();
        progress.sent(sent);
      };
      openSftp(connection).then((opened) => {
        sftp = opened;
        // Opened only after the wait was given up: nothing is sent.
        if (settled) return opened.end();
        opened.fastPut(request.localPath, sftpPath(request.remotePath), { step }, (error) => (error ? reject(error) : resolve()));
      }, reject);
    });
  } catch (error) {
    if (error instanceof MeshError || error instanceof SftpUnavailable || error instanceof ConnectionDropped) throw error;
    throw await whyItFailed(connection, error, request, context);
  } finally {
    settled = true;
    clearTimeout(stalled);
    if (onClose) connection.client.removeListener("close", onClose);
    sftp?.end();
  }
  return { via: "sftp", bytes: request.size };
}

function openSftp(connection: LiveConnection): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    try {
      connection.client.sftp((error, sftp) => {
        if (!error) return resolve(sftp);
        if (!connection.alive) return reject(new ConnectionDropped(`the connection closed while opening SFTP: ${error.message}`));
        reject(new SftpUnavailable(error.message));
      });
    } catch (error) {
      // ssh2 throws "Not connected" when the socket closed before the request.
      reject(new ConnectionDropped(error instanceof Error ? error.message : String(error)));
    }
  });
}

function stallError(request: UploadRequest, context: UploadContext): MeshError {
  return new MeshError(`the transfer of ${request.remotePath} made no progress for ${(context.stepTimeoutMs / 1000).toFixed(1)} s; it was stopped`, {
    kind: "step-timeout",
    host: context.label,
    step: request.name,
    hint: "the link to the host may be stalled; raise the step timeout if it is just slow",
  });
}

/** A failed transfer: the link went down (the session may try again), or the server said no. */
async function whyItFailed(connection: LiveConnection, error: unknown, request: UploadRequest, context: UploadContext): Promise<Error> {
  const message = context.redactor.text(error instanceof Error ? error.message : String(error));
  // The client learns of a reset socket a moment after its channels do.
  await new Promise((resolve) => setImmediate(resolve));
  if (!connection.alive) return new ConnectionDropped(`the connection closed during ${request.name}: ${message}`);
  return new MeshError(`the host refused the file ${request.remotePath}`, {
    kind: "step-failed",
    host: context.label,
    step: request.name,
    seen: message,
    hint: "check that the folder exists and that the SSH user may write to it (an administrator, for the provider's state directory)",
  });
}
