/**
 * Sending a local file over the step channel, for hosts whose SSH server offers no SFTP: the file
 * goes in chunks, each the data of one `append` step (a script of the scripts module, given in the
 * session's options), in order, each checked on the host to land where the previous one ended. A
 * chunk is base64 in a gzipped frame, so this costs about a third more bytes than SFTP, and a round
 * trip per chunk.
 */
import { open } from "fs/promises";
import { MeshError } from "../common/errors";
import { UploadProgress, type UploadContext } from "./upload";
import type { StepRequest, UploadRequest, UploadResult } from "./types";

/** Bytes per append step: big enough that round trips do not dominate, small enough for one stdin line. */
export const CHUNK_BYTES = 1024 * 1024;

/** Runs one step and returns its value (a ConnectionDropped passes through, for the session to start again). */
export type RunStep = (request: StepRequest) => Promise<unknown>;

export async function stepChannelUpload(run: RunStep, appendScript: readonly string[] | undefined, request: UploadRequest, context: UploadContext): Promise<UploadResult> {
  if (!appendScript) {
    throw new MeshError(`the host offers no SFTP to send ${request.remotePath}`, {
      kind: "step-failed",
      host: context.label,
      step: request.name,
      hint: "enable the sftp subsystem in the host's sshd_config (Subsystem sftp sftp-server.exe)",
    });
  }
  const progress = new UploadProgress(request, context);
  const file = await open(request.localPath, "r");
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let offset = 0;
    do {
      const { bytesRead } = await file.read(buffer, 0, Math.min(CHUNK_BYTES, request.size - offset), offset);
      if (bytesRead === 0 && offset < request.size) throw new Error(`${request.localPath} ended after ${offset} of ${request.size} bytes`);
      await run({ name: "append", script: appendScript, params: { path: request.remotePath, offset, data: buffer.toString("base64", 0, bytesRead) } });
      offset += bytesRead;
      progress.sent(offset);
    } while (offset < request.size);
  } finally {
    await file.close();
  }
  return { via: "step-channel", bytes: request.size };
}
