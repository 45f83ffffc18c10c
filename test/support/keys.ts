/** Key material for tests: fresh ed25519 keys in the forms the transport and the harnesses take. */
import { chmodSync, writeFileSync } from "fs";
import { join } from "path";
import { generateEd25519KeyPair } from "../../simulator/ssh-server";
import { parseHostKeyPin } from "../../provider/transport/host-key";

export interface TestKey {
  /** OpenSSH private key text (encrypted when a passphrase was given). */
  privateKey: string;
  /** "ssh-ed25519 AAAA..." as in authorized_keys or @pulumi/command's hostKey. */
  publicKeyLine: string;
  fingerprint: string;
}

export function newKey(passphrase?: string): TestKey {
  const pair = generateEd25519KeyPair(passphrase);
  return { privateKey: pair.private, publicKeyLine: pair.public, fingerprint: parseHostKeyPin(pair.public) };
}

/** Writes a private key where OpenSSH tools accept it (they refuse keys readable by others). */
export function writePrivateKey(dir: string, name: string, key: TestKey): string {
  const path = join(dir, name);
  writeFileSync(path, key.privateKey.endsWith("\n") ? key.privateKey : key.privateKey + "\n", { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}
