/**
 * Removes secret values from any text or JSON value before it is printed, thrown or returned as a
 * non-secret output. Every layer that surfaces host output goes through one Redactor holding the
 * operation's secrets (auth key, password, key passphrase, API keys, OAuth secrets and tokens). They
 * sit in a private field, so dumping an object that holds the Redactor (util.inspect, JSON) shows none.
 */
export const REDACTED = "[redacted]";

/**
 * Secrets shorter than this are not matched as substrings (they would blank out ordinary words), so
 * the check refuses secret inputs shorter than this.
 */
export const MIN_SECRET_LENGTH = 4;

export class Redactor {
  readonly #secrets: string[] = [];

  constructor(secrets: Iterable<string | undefined | null> = []) {
    for (const s of secrets) this.add(s);
  }

  add(secret: string | undefined | null): this {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return this;
    for (const form of spellings(secret)) if (!this.#secrets.includes(form)) this.#secrets.push(form);
    // Longest first, so a secret that contains another is removed whole.
    this.#secrets.sort((a, b) => b.length - a.length);
    return this;
  }

  text(value: string): string {
    let out = value;
    for (const s of this.#secrets) out = out.split(s).join(REDACTED);
    return out;
  }

  /** Deep copy of a JSON-like value with every string redacted. */
  value<T>(value: T): T {
    if (typeof value === "string") return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.value(v)) as T;
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.value(v);
      return out as T;
    }
    return value;
  }

  /** True when the text still contains a secret (used by leak checks). */
  leaks(value: string): boolean {
    return this.#secrets.some((s) => value.includes(s));
  }
}

/**
 * The ways a secret is written in text that passed through JSON (a host's ConvertTo-Json, an API's
 * error body) or a URL (a query string), besides as itself: a password holding `"` or `\` shows
 * escaped there, and plain matching would miss it.
 */
function spellings(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])];
}
