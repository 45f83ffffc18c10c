/**
 * The package version, read from package.json. It becomes the `providerVersion` input, so that a new
 * release changes every resource's inputs and the engine runs update (and stores the new provider
 * code) instead of keeping the old serialized provider forever (pulumi#4805).
 */
import * as fs from "fs";
import * as path from "path";

export const PACKAGE_NAME = "pulumi-mesh-windows";

export function packageVersion(): string {
  // Sources run from provider/common, the build from dist/provider/common: walk up to our package.json.
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name === PACKAGE_NAME && pkg.version) return pkg.version;
  }
  throw new Error(`${PACKAGE_NAME}: package.json not found above ${__dirname}`);
}
