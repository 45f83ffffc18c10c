/**
 * A program reads a MeshWindowsNode's outputs as pulumi.Outputs (`export const state = node.state`).
 * Run under Pulumi's mocks against the installed package, in a plain Node process as for
 * `pulumi up`: every declared output is an Output that resolves to what the engine returned.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";

import { SECRET_OUTPUTS } from "../../provider/node";
import { installedPackage, newProgramDir, PACKAGE_NAME } from "../support/installed-package";
import { loadSchema, nodeResource } from "../support/package-schema";

const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
pulumi.runtime.setMocks(
  { newResource: (a) => ({ id: "id-1", state: { ...a.inputs, state: "pending-manual", manualCommand: "run me", tailscaleIps: [] } }), call: (a) => a.inputs },
  "outputs", "test", false,
);
const { MeshWindowsNode } = require("${PACKAGE_NAME}");
const node = new MeshWindowsNode("win-01", { connection: { host: "10.0.0.5", password: pulumi.secret("pw-1234") }, authKey: pulumi.secret("tskey-1234") });
const names = JSON.parse(process.argv[2]);
const outputs = names.filter((name) => pulumi.Output.isInstance(node[name]));
pulumi.all([node.state, node.manualCommand, node.joinScriptPath]).apply(([state, manualCommand, joinScriptPath]) => {
  process.stdout.write(JSON.stringify({ outputs, state, manualCommand, joinScriptPath }));
});
`;

test("every output of schema.json is a pulumi.Output on the resource, resolving to the engine's value", async () => {
  const names = Object.keys(nodeResource(loadSchema()).spec.properties);
  const dir = newProgramDir(await installedPackage(), "outputs");
  fs.writeFileSync(path.join(dir, "index.js"), PROGRAM);
  const { stdout } = await promisify(execFile)(process.execPath, ["index.js", JSON.stringify(names)], { cwd: dir });
  const seen = JSON.parse(stdout) as { outputs: string[]; state: string; manualCommand: string; joinScriptPath?: string };
  expect(seen.outputs.sort()).toEqual([...names].sort());
  expect(seen).toMatchObject({ state: "pending-manual", manualCommand: "run me" });
  expect(SECRET_OUTPUTS.every((name) => names.includes(name))).toBe(true);
}, 300_000);
