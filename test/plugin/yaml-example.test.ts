/**
 * examples/yaml-fleet, the Pulumi YAML program using the provider plugin, is true to the plugin:
 * its package points at the plugin folder, every type, property and output it names is in the
 * schema the plugin serves, its nodes pass the plugin's Check with the provider configuration its
 * README sets, and every `mesh-windows:<key>` the README sets is a configuration key.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";

import type { ProviderConfig } from "../../provider/node/provider-config";
import { EngineLog } from "../../provider/plugin/engine-log";
import { check } from "../../provider/plugin/resource";
import { REPO_ROOT } from "../support/repo";
import type { PropertySpec, ResourceSpec, TypeSpec } from "../support/package-schema";

const EXAMPLE = path.join(REPO_ROOT, "examples", "yaml-fleet");

interface YamlProgram {
  runtime: string;
  packages: Record<string, string>;
  config: Record<string, unknown>;
  resources: Record<string, { type: string; properties: Record<string, unknown> }>;
  outputs: Record<string, string>;
}

const program = yaml.load(fs.readFileSync(path.join(EXAMPLE, "Pulumi.yaml"), "utf8")) as YamlProgram;
const readme = fs.readFileSync(path.join(EXAMPLE, "README.md"), "utf8");
const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "plugin", "schema.json"), "utf8")) as {
  config: { variables: Record<string, PropertySpec> };
  resources: Record<string, ResourceSpec>;
  types: Record<string, TypeSpec>;
};

/** The stack configuration a user sets for the program, as the README says. */
const SAMPLE_CONFIG: Record<string, string> = { agentHost: "10.20.0.15", agentHostKey: `SHA256:${"A".repeat(43)}`, kioskHost: "10.20.0.40" };
const FLEET: ProviderConfig = {
  user: "Administrator",
  password: "fleet-password",
  controlServer: { kind: "headscale", url: "https://headscale.example.com", user: "windows", apiKey: "hskey-api-example" },
};

test("is a YAML program whose mesh-windows package is this repository's plugin folder", () => {
  expect(program.runtime).toBe("yaml");
  const folder = path.resolve(EXAMPLE, program.packages["mesh-windows"]!);
  expect(folder).toBe(path.join(REPO_ROOT, "plugin"));
  expect(fs.existsSync(path.join(folder, "PulumiPlugin.yaml"))).toBe(true);
});

test("names only types, properties and outputs the plugin's schema has", () => {
  const unknown: string[] = [];
  for (const [name, resource] of Object.entries(program.resources)) {
    const spec = schema.resources[resource.type];
    if (!spec) unknown.push(`${name}: type ${resource.type}`);
    else unknown.push(...undeclared(resource.properties, spec.inputProperties, name));
  }
  const resourceOutputs = Object.values(schema.resources)[0]!.properties;
  for (const [name, expression] of Object.entries(program.outputs)) {
    const [, resource, output] = /^\$\{([\w-]+)\.(\w+)\}$/.exec(expression) ?? [];
    if (!resource || !program.resources[resource] || !output || !(output in resourceOutputs)) unknown.push(`output ${name}: ${expression}`);
  }
  expect(unknown).toEqual([]);
});

test("each node passes the plugin's Check with the provider configuration the README sets", () => {
  const context = { config: FLEET, log: new EngineLog(undefined) };
  for (const [name, resource] of Object.entries(program.resources)) {
    const properties = JSON.parse(JSON.stringify(resource.properties).replace(/\$\{(\w+)\}/g, (_, key: string) => SAMPLE_CONFIG[key] ?? `<${key}>`));
    expect([name, check(context, {}, properties).failures]).toEqual([name, []]);
  }
});

test("every provider configuration key the README sets is one the plugin declares", () => {
  const keys = [...readme.matchAll(/mesh-windows:(\w+)\b(?!:)/g)].map((m) => m[1]!);
  expect(keys.length).toBeGreaterThan(0);
  expect(keys.filter((key) => !(key in schema.config.variables))).toEqual([]);
});

function undeclared(values: Record<string, unknown>, properties: Record<string, PropertySpec>, at: string): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const spec = properties[key];
    if (!spec) return [`${at}.${key}`];
    const type = spec.$ref ? schema.types[spec.$ref.replace("#/types/", "")] : undefined;
    return type?.properties && value && typeof value === "object" && !Array.isArray(value) ? undeclared(value as Record<string, unknown>, type.properties, `${at}.${key}`) : [];
  });
}
