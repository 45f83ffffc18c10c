/**
 * What `npm pack` would publish: the product and nothing else. The simulated Windows host, the demo,
 * the benchmark, the generators and the tests stay in the repository; a user of the package gets
 * the provider, the provider plugin (its executable and the schema it serves), the CLI, the
 * PowerShell they send, schema.json and the README.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { REPO_ROOT } from "../support/repo";

const DIST_ENTRY = path.join(REPO_ROOT, "dist", "provider", "lifecycle", "index.js");

/** Builds the package when this test runs on its own (make test builds it first). */
function ensureBuilt(): void {
  if (fs.existsSync(DIST_ENTRY)) return;
  const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: REPO_ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}

let files: string[];

beforeAll(() => {
  ensureBuilt();
  const json = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO_ROOT, encoding: "utf8" });
  files = (JSON.parse(json) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
}, 120_000);

test("publishes only dist/provider, package.json, schema.json and README.md", () => {
  const outside = files.filter((f) => !f.startsWith("dist/provider/") && !["package.json", "schema.json", "README.md"].includes(f));
  expect(outside).toEqual([]);
});

test("publishes no test-only code: no simulated host, demo, benchmark, generator or test", () => {
  const testOnly = files.filter((f) => /(^|\/)(simulator|demo|bench|tools|test|fixtures)(\/|$)|\.test\.|\.spec\./.test(f));
  expect(testOnly).toEqual([]);
});

test("publishes what the product needs at run time: the engine entry, the CLI, the plugin and its schema, every step script", () => {
  const scripts = fs.readdirSync(path.join(REPO_ROOT, "provider", "scripts")).filter((f) => f.endsWith(".ps1"));
  expect(scripts.length).toBeGreaterThan(0);
  const needed = [
    "dist/provider/lifecycle/index.js",
    "dist/provider/index.js",
    "dist/provider/cli/main.js",
    "dist/provider/plugin/index.js",
    "dist/provider/plugin/main.js",
    "dist/provider/plugin/schema.json",
    ...scripts.map((f) => `dist/provider/scripts/${f}`),
  ];
  expect(needed.filter((f) => !files.includes(f))).toEqual([]);
});

test("every executable of package.json's bin is published, as a node script", () => {
  const { bin } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { bin: Record<string, string> };
  expect(Object.keys(bin).sort()).toEqual(["mesh-windows-node", "pulumi-resource-mesh-windows"]);
  for (const target of Object.values(bin)) {
    expect([target, files.includes(target)]).toEqual([target, true]);
    expect(fs.readFileSync(path.join(REPO_ROOT, target), "utf8")).toMatch(/^#!\/usr\/bin\/env node\n/);
  }
});

test("the published CLI's demo says where the demo lives instead of failing obscurely", () => {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, "dist", "provider", "cli", "main.js"), "demo"], { encoding: "utf8" });
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(/ships with the source repository, not with the npm package/);
  expect(result.stderr).toMatch(/make demo/);
});
