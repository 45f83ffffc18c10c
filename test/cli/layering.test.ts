/**
 * The CLI is a front end like the Pulumi binding: it reaches the engine through its public entry
 * (provider/lifecycle/index.ts), the node's contract through provider/node/index.ts, and shares only
 * provider/common/ besides; never the engine's internals (steps, scripts, transport, control clients).
 */
import * as fs from "fs";
import * as path from "path";

import { REPO_ROOT } from "../support/repo";

const CLI_DIR = path.join(REPO_ROOT, "provider", "cli");
const ALLOWED = /^(\.\/[\w-]+|\.\.\/lifecycle|\.\.\/node|\.\.\/common\/[\w-]+)$/;

function relativeImports(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(/from "(\.[^"]+)"/g)].map((m) => m[1]!);
}

test("the CLI imports only the engine's entry, the node's contract and common helpers", () => {
  const offending = fs
    .readdirSync(CLI_DIR)
    .filter((f) => f.endsWith(".ts"))
    .flatMap((f) => relativeImports(path.join(CLI_DIR, f)).filter((spec) => !ALLOWED.test(spec)).map((spec) => `${f}: ${spec}`));
  expect(offending).toEqual([]);
});

test("the check notices an import of the engine's internals", () => {
  expect(ALLOWED.test("../lifecycle/provision")).toBe(false);
  expect(ALLOWED.test("../scripts/catalogue")).toBe(false);
  expect(ALLOWED.test("../transport/session")).toBe(false);
});
