/** The SHA-256 of a file on the deploying machine, read as a stream (an MSI is tens of megabytes). */
import { createHash } from "crypto";
import { createReadStream } from "fs";

/** Reads of 1 MiB: a 30 MB package hashes in half the time of the 64 KiB default. */
const READ_SIZE = 1024 * 1024;

/** Lowercase hexadecimal, as the cache names its files. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: READ_SIZE })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Whether a pinned hash (either case, as Get-FileHash or sha256sum print it) is this one. */
export function sameHash(pinned: string, actual: string): boolean {
  return pinned.toLowerCase() === actual.toLowerCase();
}
