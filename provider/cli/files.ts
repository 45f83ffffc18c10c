/**
 * Reading the files flags name: a private key (kept as it is) or a secret (trimmed, since a file
 * written by an editor or `echo` ends in a newline). Errors name the flag and the file, never the text.
 */
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "./io";

export function readText(file: string, flag: string): string {
  try {
    return fs.readFileSync(path.resolve(file), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${file}: cannot read the file (${code ?? (error as Error).message})`);
  }
}

/** An SSH private key file (--identity-file): its text, as the transport takes it. */
export function readKeyFile(file: string, flag: string): string {
  const text = readText(file, flag);
  if (text.trim() === "") throw new UsageError(`${flag} ${file}: the file is empty`);
  return text;
}

/** A file holding one secret (--password-file, --auth-key-file): its text, trimmed. */
export function readSecretFile(file: string, flag: string): string {
  const value = readText(file, flag).trim();
  if (value === "") throw new UsageError(`${flag} ${file}: the file is empty`);
  return value;
}
