/**
 * The simulator's model of Windows PowerShell 5.1 passing arguments to a program: what it mangles is
 * exactly what Invoke-MeshNative (common.ps1) refuses, and everything else arrives intact.
 */
import fc from "fast-check";
import { deliveredArguments, legacyCommandLine, parseCommandLine } from "../../../simulator/programs/command-line";

const PROGRAM = "C:\\Program Files\\Tailscale\\tailscale.exe";

/** Invoke-MeshNative's refusal, in TypeScript. */
const refused = (argument: string) => argument === "" || argument.includes('"') || (/\s/.test(argument) && argument.endsWith("\\"));

describe("5.1's command line", () => {
  test("quotes the program and arguments holding whitespace, leaves the rest alone", () => {
    expect(legacyCommandLine(PROGRAM, ["up", "--hostname=a b", "/L*v", "C:\\x y\\log.txt"])).toBe(
      '"C:\\Program Files\\Tailscale\\tailscale.exe" up "--hostname=a b" /L*v "C:\\x y\\log.txt"',
    );
  });

  test("mangles what Invoke-MeshNative refuses", () => {
    expect(deliveredArguments(PROGRAM, ["a", "", "b"])).toEqual(["a", "b"]);
    expect(deliveredArguments(PROGRAM, ['--hostname=say "hi"'])).toEqual(["--hostname=say hi"]);
    expect(deliveredArguments(PROGRAM, ['x"y'])).toEqual(["xy"]);
    expect(deliveredArguments(PROGRAM, ["C:\\a b\\", "next"])).toEqual(['C:\\a b" next']);
  });

  test("delivers every other argument intact: quotes of any kind but double, $(), ;, &, |, %VAR%, CR LF, tab, non-ASCII", () => {
    const argument = fc.string({ unit: fc.constantFrom("a", "Z", "0", " ", "\t", "\r", "\n", "'", "`", "$", "(", ")", ";", "&", "|", "%", "\\", "=", "-", ":", "ü", "\u200f", "中", "\u00a0") });
    fc.assert(
      fc.property(fc.array(argument, { maxLength: 6 }), (args) => {
        fc.pre(!args.some(refused));
        expect(deliveredArguments(PROGRAM, args)).toEqual(args);
      }),
      { numRuns: 500 },
    );
  });

  test("parses a program line as the C runtime does (backslashes, quotes, doubled quotes)", () => {
    expect(parseCommandLine('p.exe a\\\\\\"b "c d" "e""f" g\\h \\\\"i j"')).toEqual(['a\\"b', "c d", 'e"f', "g\\h", "\\i j"]);
  });
});
