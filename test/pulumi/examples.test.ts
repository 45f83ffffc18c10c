/**
 * Every TypeScript program in examples/ type-checks as a user's project would: copied next to a node_modules
 * holding the built package (installed-package.ts) and its own dependencies, compiled with its own
 * tsconfig.json. Its package.json and Pulumi.yaml declare what it needs.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

import { installedPackage, newProgramDir, PACKAGE_NAME } from "../support/installed-package";
import { REPO_ROOT } from "../support/repo";

const EXAMPLES_DIR = path.join(REPO_ROOT, "examples");
// Pulumi YAML examples (runtime: yaml) use the provider plugin: test/plugin/yaml-example.test.ts.
const EXAMPLES = fs
  .readdirSync(EXAMPLES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !/^runtime: yaml$/m.test(fs.readFileSync(path.join(EXAMPLES_DIR, entry.name, "Pulumi.yaml"), "utf8")))
  .map((entry) => entry.name);

const PROGRAM_FILES = ["index.ts", "tsconfig.json", "package.json"];

test("there are examples", () => {
  expect(EXAMPLES).toEqual(expect.arrayContaining(["windows-vm", "headscale-refresh"]));
});

describe.each(EXAMPLES)("examples/%s", (example) => {
  const source = path.join(EXAMPLES_DIR, example);

  it("has a Pulumi.yaml for a Node.js program, a package.json, a tsconfig.json, index.ts and a README", () => {
    for (const file of ["Pulumi.yaml", ...PROGRAM_FILES, "README.md"]) expect(fs.existsSync(path.join(source, file))).toBe(true);
    const project = fs.readFileSync(path.join(source, "Pulumi.yaml"), "utf8");
    expect(project).toMatch(new RegExp(`^name: ${example}$`, "m"));
    expect(project).toMatch(/^runtime: nodejs$/m);
  });

  it("declares every package it imports, this one included", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(source, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    const imported = importsOf(path.join(source, "index.ts"));
    expect(imported).toContain(PACKAGE_NAME);
    expect(imported.filter((name) => !(name in (manifest.dependencies ?? {})))).toEqual([]);
  });

  it(
    "type-checks against the built package",
    async () => {
      const installed = await installedPackage();
      const programDir = newProgramDir(installed, example);
      for (const file of PROGRAM_FILES) fs.copyFileSync(path.join(source, file), path.join(programDir, file));
      expect(typeErrors(programDir)).toEqual([]);
    },
    300_000,
  );
});

/** The package names a file imports (bare specifiers, without subpaths). */
function importsOf(file: string): string[] {
  const sourceFile = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022);
  return sourceFile.statements
    .filter(ts.isImportDeclaration)
    .map((s) => (s.moduleSpecifier as ts.StringLiteral).text)
    .filter((specifier) => !specifier.startsWith("."))
    .map((specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/"));
}

function typeErrors(projectDir: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(projectDir, "tsconfig.json"), { noEmit: true }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!config) throw new Error(`cannot read ${projectDir}/tsconfig.json`);
  const program = ts.createProgram(config.fileNames, config.options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : "";
    return where + ts.flattenDiagnosticMessageText(d.messageText, " ");
  });
}
