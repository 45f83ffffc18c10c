/**
 * Files on the simulated host that hold real bytes rather than text: what SFTP (or the step channel)
 * wrote, as many bytes as really arrived. HostState names such a file's bytes by an id (SimFile.blob);
 * the bytes live in one folder on the simulator's machine that both back ends and the program model
 * read, so Get-FileHash, Get-Item's Length and msiexec all see what arrived, and a partial upload
 * hashes differently from the whole file.
 */
import { createHash, randomUUID } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SimFile } from "./host-state";

let folder: string | undefined;

/** The folder holding every blob of this process (removed when the process exits). */
export function blobFolder(): string {
  if (folder === undefined) {
    const made = mkdtempSync(join(tmpdir(), "mesh-sim-blobs-"));
    process.once("exit", () => rmSync(made, { recursive: true, force: true }));
    folder = made;
  }
  return folder;
}

/** A new, empty blob: its id (for SimFile.blob) and the local file holding its bytes. */
export function newBlob(): { id: string; path: string } {
  const id = randomUUID();
  const path = blobPath(id);
  closeSync(openSync(path, "w"));
  return { id, path };
}

export function blobPath(id: string): string {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`simulator: not a blob id: ${id}`);
  return join(blobFolder(), id);
}

/** A file's bytes as Windows holds them: a blob's bytes, or the text as UTF-8. */
export function fileBytes(file: SimFile): Buffer {
  return file.blob === undefined ? Buffer.from(file.content, "utf8") : readFileSync(blobPath(file.blob));
}

/** Get-FileHash -Algorithm SHA256: upper-case hex. */
export function fileSha256(file: SimFile): string {
  return createHash("sha256").update(fileBytes(file)).digest("hex").toUpperCase();
}

/** Get-Item's Length. */
export function fileSize(file: SimFile): number {
  return file.blob === undefined ? Buffer.byteLength(file.content, "utf8") : statSync(blobPath(file.blob)).size;
}
