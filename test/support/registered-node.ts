/**
 * A user's program declaring one MeshWindowsNode, run under mocks against the installed package:
 * the registration the engine receives (with the serialized provider), and the program's folder,
 * where the plugin runs as it would for `pulumi up`.
 */
import * as fs from "fs";
import * as path from "path";

import { installedPackage, newProgramDir, PACKAGE_NAME, type InstalledPackage } from "./installed-package";
import { runUnderMocks, type Registration } from "./mock-run";

export interface RegisteredNode {
  installed: InstalledPackage;
  programDir: string;
  registration: Registration;
}

export interface NodeSecrets {
  authKey: string;
  password: string;
}

export async function registeredNode(label: string, secrets: NodeSecrets): Promise<RegisteredNode> {
  const installed = await installedPackage();
  const programDir = newProgramDir(installed, label);
  fs.writeFileSync(path.join(programDir, "index.js"), program(secrets));
  // Found by its serialized provider, not by type, so that tests can check the type it registers.
  const dynamic = (await runUnderMocks(programDir, "index.js", { project: label })).filter((r) => "__provider" in r.inputs);
  if (dynamic.length !== 1) throw new Error(`expected one dynamic resource, the program registered ${dynamic.length}`);
  return { installed, programDir, registration: dynamic[0] };
}

/** As a user writes it: secrets from pulumi.secret (as config.requireSecret gives them). */
function program(secrets: NodeSecrets): string {
  return `
const pulumi = require("@pulumi/pulumi");
const { MeshWindowsNode } = require("${PACKAGE_NAME}");
new MeshWindowsNode("win-01", {
  connection: { host: "10.0.0.5", user: "Administrator", password: pulumi.secret(${JSON.stringify(secrets.password)}) },
  authKey: pulumi.secret(${JSON.stringify(secrets.authKey)}),
  loginServer: "https://headscale.example.com",
});
`;
}
