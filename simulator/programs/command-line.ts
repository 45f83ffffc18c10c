/**
 * How an argument list reaches a Windows program started from Windows PowerShell 5.1. Windows passes
 * one command-line string; 5.1 ("Legacy" argument passing) builds it by quoting an argument that
 * holds whitespace, without escaping the double quotes or trailing backslashes inside it, and by
 * dropping empty arguments. The program splits the string back with the Microsoft C runtime's rules
 * (CommandLineToArgvW; Go's os.Args follows them). The simulated programs see what those two steps
 * leave, so an argument that would be mangled on Windows is mangled in the simulator too.
 */

/** .NET's char.IsWhiteSpace, which 5.1 uses to decide whether an argument needs quotes. */
function isDotNetWhiteSpace(ch: string): boolean {
  return /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/.test(ch);
}

/** 5.1's NeedQuotes: whitespace outside a run it takes to be quoted already. */
function needsQuotes(argument: string): boolean {
  let quotes = 0;
  let afterBackslash = false;
  for (const ch of argument) {
    if (ch === '"' && !afterBackslash) quotes++;
    else if (isDotNetWhiteSpace(ch) && quotes % 2 === 0) return true;
    afterBackslash = ch === "\\";
  }
  return false;
}

/** The command line Windows PowerShell 5.1 starts `program` with. */
export function legacyCommandLine(program: string, args: readonly string[]): string {
  const parts = [needsQuotes(program) ? `"${program}"` : program];
  for (const argument of args) {
    if (argument === "") continue;
    parts.push(needsQuotes(argument) ? `"${argument}"` : argument);
  }
  return parts.join(" ");
}

/** The arguments (without the program) a C runtime program parses out of a command line. */
export function parseCommandLine(commandLine: string): string[] {
  let i = 0;
  // The program name: up to the first space or tab, or the quoted run; backslashes are plain there.
  if (commandLine.startsWith('"')) {
    const end = commandLine.indexOf('"', 1);
    i = end < 0 ? commandLine.length : end + 1;
  }
  while (i < commandLine.length && commandLine[i] !== " " && commandLine[i] !== "\t") i++;

  const args: string[] = [];
  for (;;) {
    while (commandLine[i] === " " || commandLine[i] === "\t") i++;
    if (i >= commandLine.length) return args;
    let argument = "";
    let quoted = false;
    while (i < commandLine.length) {
      const ch = commandLine[i];
      if (!quoted && (ch === " " || ch === "\t")) break;
      if (ch === "\\") {
        let count = 0;
        while (commandLine[i] === "\\") {
          count++;
          i++;
        }
        if (commandLine[i] === '"') {
          // 2n backslashes and a quote: n backslashes, the quote delimits; 2n+1: n and a literal quote.
          argument += "\\".repeat(Math.floor(count / 2));
          if (count % 2 === 1) {
            argument += '"';
            i++;
          }
        } else {
          argument += "\\".repeat(count);
        }
        continue;
      }
      if (ch === '"') {
        if (quoted && commandLine[i + 1] === '"') {
          argument += '"';
          i += 2;
          continue;
        }
        quoted = !quoted;
        i++;
        continue;
      }
      argument += ch;
      i++;
    }
    args.push(argument);
  }
}

/** What a program started by Windows PowerShell 5.1 with these arguments actually receives. */
export function deliveredArguments(program: string, args: readonly string[]): string[] {
  return parseCommandLine(legacyCommandLine(program, args));
}
