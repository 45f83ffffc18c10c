/**
 * The parts of the step catalogue (catalogue.ts, which re-exports this) that send a file to the
 * host for an upload install: the stage step before the transfer, the append step that carries it
 * where the server offers no SFTP, and what the install step is told about the file that arrived.
 *
 * stage    takes <stateDir> over, as join does (step 1), and removes every <stateDir>\upload-*.msi (what an
 *          interrupted upload left): the provider then sends a file into <stateDir> (SFTP or the step channel).
 * append   one chunk of a file sent over the step channel (the server offers no SFTP): at offset 0 creates
 *          or empties <path>; fails unless <path> holds exactly <offset> bytes; appends the chunk's bytes.
 */

/** An MSI the provider sent into the state directory (install.source "upload"): where, and what it must be. */
export interface UploadedMsi {
  /** <stateDir>\upload-<random>.msi */
  path: string;
  size: number;
  /** SHA-256 as the provider computed it (hex, either case). */
  sha256: string;
}

// ---------------------------------------------------------------- stage

export interface StageParams {
  stateDir: string;
}

export interface StageResult {
  /** Files an interrupted upload had left, now removed. */
  removed: string[];
}

// ---------------------------------------------------------------- append

export interface AppendParams {
  path: string;
  /** Where the chunk goes: the bytes the file must already hold. */
  offset: number;
  /** The chunk's bytes, base64. */
  data: string;
}

export interface AppendResult {
  /** The file's length after the chunk. */
  length: number;
}
