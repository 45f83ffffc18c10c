/**
 * The provider plugin's schema (provider/plugin/schema.json, generated): valid against Pulumi's
 * package metaschema; the same resource as schema.json (one declaration, two tokens); its config
 * and provider sections exactly the declared provider configuration; and the plugin/ folder that
 * `pulumi package add` runs, in step with the package.
 */
import * as fs from "fs";
import * as path from "path";

import { holdsSecret } from "../../provider/node/declare";
import { PROVIDER_CONFIG } from "../../provider/node/spec/provider-config";
import { metaschemaValidator } from "../support/metaschema";
import { loadSchema, type PropertySpec, type ResourceSpec } from "../support/package-schema";
import { REPO_ROOT } from "../support/repo";

interface PluginSchema {
  name: string;
  version: string;
  config: { variables: Record<string, PropertySpec & { defaultInfo?: { environment: string[] } }> };
  provider: { description: string; inputProperties: Record<string, PropertySpec> };
  resources: Record<string, ResourceSpec>;
  types: Record<string, unknown>;
}

function readJson<T>(...parts: string[]): T {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, ...parts), "utf8")) as T;
}

const plugin = readJson<PluginSchema>("provider", "plugin", "schema.json");

test("is valid against the Pulumi package metaschema, and the validator refuses a broken copy", () => {
  const validate = metaschemaValidator();
  expect(validate(plugin)).toBe(true);
  const broken = structuredClone(plugin);
  broken.config.variables.user = { type: "date" } as PropertySpec;
  expect(validate(broken)).toBe(false);
});

test("serves the resource of schema.json under the plugin's token: the same inputs, outputs and types", () => {
  const dynamic = loadSchema();
  const [dynamicResource] = Object.values(dynamic.resources);
  expect(Object.keys(plugin.resources)).toEqual(["mesh-windows:index:MeshWindowsNode"]);
  const served = plugin.resources["mesh-windows:index:MeshWindowsNode"]!;
  for (const part of ["inputProperties", "requiredInputs", "properties", "required"] as const) expect([part, served[part]]).toEqual([part, dynamicResource![part]]);
  expect(plugin.types).toEqual(dynamic.types);
  expect(plugin.name).toBe(dynamic.name);
  expect(plugin.version).toBe(dynamic.version);
});

test("declares the provider configuration exactly, as config variables and as the provider's inputs, each with its environment variable", () => {
  expect(plugin.provider.inputProperties).toEqual(plugin.config.variables);
  expect(Object.keys(plugin.config.variables)).toEqual(Object.keys(PROVIDER_CONFIG));
  for (const [key, spec] of Object.entries(PROVIDER_CONFIG)) {
    const variable = plugin.config.variables[key]!;
    expect([key, variable.defaultInfo?.environment]).toEqual([key, [spec.env]]);
    expect([key, variable.secret === true]).toEqual([key, holdsSecret(spec.field)]);
    expect(variable.description).toContain(`\`${spec.path}\``);
  }
  expect(Object.entries(plugin.config.variables).filter(([, v]) => v.secret).map(([k]) => k)).toEqual(["password", "privateKey", "privateKeyPassword", "controlServer"]);
});

test("the plugin/ folder runs this package's version through run-plugin", () => {
  const root = readJson<{ version: string; bin: Record<string, string> }>("package.json");
  const folder = readJson<{ main: string; optionalDependencies: Record<string, string>; dependencies: Record<string, string> }>("plugin", "package.json");
  expect(folder.optionalDependencies["pulumi-mesh-windows"]).toBe(root.version);
  expect(Object.keys(folder.dependencies)).toContain("@pulumi/pulumi");
  expect(fs.existsSync(path.join(REPO_ROOT, "plugin", folder.main))).toBe(true);
  expect(fs.readFileSync(path.join(REPO_ROOT, "plugin", "PulumiPlugin.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
  expect(root.bin["pulumi-resource-mesh-windows"]).toBe("dist/provider/plugin/main.js");
  expect(fs.readFileSync(path.join(REPO_ROOT, "provider", "plugin", "main.ts"), "utf8")).toMatch(/^#!\/usr\/bin\/env node\n/);
});
