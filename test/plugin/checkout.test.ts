/**
 * `pulumi package add ./plugin` in a checkout, before the package is on npm: the plugin/ folder
 * finds no installed pulumi-mesh-windows and serves the checkout's own build (dist/), through the
 * same run-plugin the Node.js language host uses.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { REPO_ROOT } from "../support/repo";
import { FakeEngine, MeshWindowsPlugin } from "../support/resource-plugin-harness";

let engine: FakeEngine;
let plugin: MeshWindowsPlugin;

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, "dist", "provider", "plugin", "index.js"))) {
    const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: REPO_ROOT, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
  }
  engine = await FakeEngine.start();
  plugin = await MeshWindowsPlugin.start("checkout", engine);
}, 300_000);

afterAll(async () => {
  await plugin?.stop();
  await engine?.stop();
});

test("the checkout's plugin/ folder serves the checkout's build", async () => {
  const generated = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "plugin", "schema.json"), "utf8")) as unknown;
  expect(await plugin.getSchema()).toEqual(generated);
  expect(await plugin.configure({ user: "ops" })).toEqual({ acceptSecrets: true, supportsPreview: true });
});
