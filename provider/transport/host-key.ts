/**
 * Host-key identity: the fingerprint form users compare (what `ssh-keygen -lf` prints), parsing
 * of the two pin forms @pulumi/command users already have, and the trust decision made on every
 * (re)connection of a session.
 */
import { createHash } from "crypto";
import { MeshError } from "../common/errors";

/** "SHA256:" + base64 of the SHA-256 of the key blob, without padding: the string `ssh-keygen -lf` prints. */
export function fingerprintOf(keyBlob: Buffer): string {
  return "SHA256:" + createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "");
}

/** A SHA-256 digest is 32 bytes: 43 base64 characters without padding. */
const FINGERPRINT_FORM = /^SHA256:[A-Za-z0-9+/]{43}$/;

/**
 * Accepts "SHA256:..." or an OpenSSH public-key line ("ssh-ed25519 AAAA... comment") and returns
 * the fingerprint. The line's blob must name the same key type as the line, so a truncated or
 * pasted-wrong key is refused here rather than silently never matching.
 */
export function parseHostKeyPin(input: string): string {
  const text = input.trim();
  if (FINGERPRINT_FORM.test(text)) return text;
  const [type, blobText] = text.split(/\s+/);
  if (type && blobText && /^[A-Za-z0-9+/]+={0,2}$/.test(blobText)) {
    const blob = Buffer.from(blobText, "base64");
    if (keyTypeInBlob(blob) === type) return fingerprintOf(blob);
  }
  throw new MeshError("hostKey is neither a SHA256 fingerprint nor an OpenSSH public-key line", {
    kind: "invalid-input",
    step: "connect",
    seen: describePin(text),
    hint:
      'give the fingerprint as ssh-keygen -lf prints it ("SHA256:" and 43 characters), or the public key line ' +
      '("ssh-ed25519 AAAA..."), e.g. from C:\\ProgramData\\ssh\\ssh_host_ed25519_key.pub on the host',
  });
}

/** Says what was given without echoing it whole: a private key pasted by mistake must not reach a log. */
function describePin(text: string): string {
  if (/PRIVATE KEY/.test(text)) return "a private key (the host's public key or its fingerprint is wanted)";
  const firstWord = text.split(/\s+/)[0] ?? "";
  return `${text.length} characters starting with ${JSON.stringify(firstWord.slice(0, 24))}`;
}

/** An SSH key blob starts with its type as a length-prefixed string. */
export function keyTypeInBlob(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  return length > 0 && 4 + length <= blob.length ? blob.subarray(4, 4 + length).toString("latin1") : undefined;
}

export type HostKeyVerdict = { accepted: true } | { accepted: false; expected: string };

/**
 * The key one host must present for the whole session: the pin when one is given, otherwise the
 * first key seen (trust on first use), enforced on every later reconnection.
 */
export class HostKeyTrust {
  readonly pinned: boolean;
  private expected: string | undefined;

  constructor(pin: string | undefined) {
    this.pinned = pin !== undefined && pin.trim() !== "";
    this.expected = this.pinned ? parseHostKeyPin(pin as string) : undefined;
  }

  /** The fingerprint the host is bound to (undefined until the first key is seen, without a pin). */
  get fingerprint(): string | undefined {
    return this.expected;
  }

  check(seen: string): HostKeyVerdict {
    if (this.expected === undefined) this.expected = seen;
    return seen === this.expected ? { accepted: true } : { accepted: false, expected: this.expected };
  }
}
