/**
 * `make generate`: writes every file derived from the node's declaration (provider/node/spec/).
 * With --check it writes nothing and exits 1 naming each file that differs from what it would write
 * (test/tools/generated.test.ts runs the same comparison).
 */
import * as fs from "fs";
import * as path from "path";
import { generatedFiles } from "./files";

/** This file runs as build/tools/generate/main.js. */
const repoRoot = path.resolve(__dirname, "..", "..", "..");
const check = process.argv.includes("--check");
const stale: string[] = [];
for (const [file, render] of Object.entries(generatedFiles(repoRoot))) {
  const target = path.join(repoRoot, file);
  const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
  const wanted = render(current);
  if (current === wanted) continue;
  stale.push(file);
  if (!check) fs.writeFileSync(target, wanted);
}
if (check && stale.length > 0) {
  process.stderr.write(`out of date (run make generate): ${stale.join(", ")}\n`);
  process.exit(1);
}
process.stdout.write(stale.length === 0 ? "generated files are up to date\n" : `${check ? "stale" : "wrote"}: ${stale.join(", ")}\n`);
