/**
 * Hostile strings for the injection tests (fast-check arbitraries), and the shapes a value must take
 * to be usable where it goes: an argument Windows PowerShell 5.1 can pass intact, a file or folder
 * name Windows accepts, a `tailscale up` argument as check() lets one through.
 *
 * Every value holds the marker "PWNED-<id>" in the payloads that would leave a trace if anything ran
 * them: a file C:\PWNED-<id>.txt or a folder C:\PWNED-<id> on the host, a registry key
 * HKLM:\SOFTWARE\PWNED-<id>, a file in the process's working folder, a program pwned-<id>.exe.
 */
import fc from "fast-check";

/** Replaced by each value's own id once the batch is drawn. */
const ID = "\u0000ID\u0000";

const PAYLOADS = [
  `$(Set-Content -LiteralPath 'C:\\PWNED-${ID}.txt' -Value 1)`,
  `$(New-Item -Path 'C:\\PWNED-${ID}' -ItemType Directory)`,
  `'; Set-Content -LiteralPath C:\\PWNED-${ID}.txt -Value 1; '`,
  `"; Set-Content -LiteralPath C:\\PWNED-${ID}.txt -Value 1; "`,
  `\`$(Set-Content C:\\PWNED-${ID}.txt 1)`,
  `& { Set-Content C:\\PWNED-${ID}.txt 1 }`,
  `| Out-File C:\\PWNED-${ID}.txt`,
  `; New-Item -Path 'HKLM:\\SOFTWARE\\PWNED-${ID}' -Force`,
  `$([IO.File]::WriteAllText('pwned-${ID}.txt', '1'))`,
  `%COMSPEC% /c echo 1 > C:\\PWNED-${ID}.txt`,
  `& pwned-${ID}.exe`,
  `\r\nSet-Content C:\\PWNED-${ID}.txt 1\r\n`,
  `'@\nSet-Content C:\\PWNED-${ID}.txt 1\n@'`,
  `"@\nSet-Content C:\\PWNED-${ID}.txt 1\n@"`,
  // The typographic quotes PowerShell also takes as quotes.
  `\u2018; Set-Content C:\\PWNED-${ID}.txt 1; \u2019`,
  `\u201c; Set-Content C:\\PWNED-${ID}.txt 1; \u201d`,
  `--% & Set-Content C:\\PWNED-${ID}.txt 1`,
  `<# #> ; Set-Content C:\\PWNED-${ID}.txt 1 #`,
  `@(Set-Content C:\\PWNED-${ID}.txt 1)`,
  // Expansions: a value that changed would show them.
  "${env:COMPUTERNAME}",
  "$env:ProgramData",
  "%TEMP%",
  "!PATH!",
  "^& calc",
  "$?",
  "$_",
  "`n",
  // What JSON readers turn into other types (a date, in PowerShell 7's ConvertFrom-Json).
  "2024-01-02T03:04:05Z",
  "/Date(1234567890)/",
];

const CHARACTERS = [
  "'", '"', "`", "$", "(", ")", ";", "|", "&", "%", "!", "^", "<", ">", "@", "#", "{", "}", "[", "]", "*", "?", "~", ",", "=", "+",
  "\\", "/", ":", " ", "\t", "\r", "\n", "\u000b", "\u001b",
  // Right-to-left mark and override, zero-width joiner, no-break space, next line, line separator, byte order mark.
  "\u200f", "\u202e", "\u200d", "\u00a0", "\u0085", "\u2028", "\ufeff",
  "\u2018", "\u2019", "\u201c", "\u201d", "\u00fc", "\u4e2d\u6587", "\u{1f600}", "e\u0301", "\u0627\u0644",
];

/** Any Unicode code point but NUL (which no Windows command line, registry string or file name holds) and lone surrogates. */
const codePoint = fc
  .integer({ min: 1, max: 0x10ffff })
  .filter((c) => c < 0xd800 || c > 0xdfff)
  .map((c) => String.fromCodePoint(c));

const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PAYLOADS) },
  { weight: 3, arbitrary: fc.constantFrom(...CHARACTERS) },
  { weight: 2, arbitrary: fc.string({ unit: codePoint, minLength: 1, maxLength: 6 }) },
);

const shortTemplate = fc.array(piece, { minLength: 1, maxLength: 6 }).map((pieces) => pieces.join(""));
/** Thousands of characters: long values must arrive whole too. */
const longTemplate = fc.tuple(shortTemplate, fc.integer({ min: 1000, max: 5000 })).map(([text, length]) => text.repeat(Math.ceil(length / text.length)));

/** A hostile template: PWNED markers still carry the placeholder id. */
export const hostileTemplate = (options: { long?: boolean } = {}) =>
  options.long === false ? shortTemplate : fc.oneof({ weight: 9, arbitrary: shortTemplate }, { weight: 1, arbitrary: longTemplate });

/** Gives every template in a drawn batch its own id, in order, starting at `first`. */
export class Ids {
  private next: number;

  constructor(first = 1) {
    this.next = first;
  }

  value(template: string): string {
    return template.split(ID).join(String(this.next++));
  }
}

/**
 * An argument Invoke-MeshNative passes: no double quote (Windows PowerShell 5.1 would not escape
 * it), and a visible last character. Its pre-check (`-eq ''`, String.EndsWith) compares by culture,
 * which skips control and format characters: it refuses, over-cautiously, a value made only of such
 * characters, or one where only they follow a backslash.
 */
export function asArgument(value: string): string {
  return `${value.replace(/"/g, "")}x`;
}

/** A file or folder name Windows accepts (no \ / : * ? " < > |, no control characters, no trailing dot or space). */
export function asName(value: string): string {
  const name = Array.from(value.replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_"))
    .slice(0, 60)
    .join("")
    .replace(/[. ]+$/, "");
  if (name === "" || /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(name)) return `n${name}`;
  return name;
}

/** What check() lets into a URL's path (loginServer): no whitespace, control characters, quotes, ? or #. */
export function asUrlPath(value: string): string {
  return value.replace(/[\s\u0000-\u001f\u007f-\u009f"'`?#]/g, "");
}

/** How the simulated `tailscale up` reads a key file: trimmed of whitespace, as Go's TrimSpace does for these. */
export function keyAsRead(key: string): string {
  return key.replace(/^[\t\n\v\f\r \u0085\u00a0]+|[\t\n\v\f\r \u0085\u00a0]+$/g, "");
}
