/**
 * Generates the two Pulumi package schemas from the node's declaration, both with the resource's
 * inputs and outputs and every object and enum type they use:
 *   schema.json                   what the dynamic provider registers (`pulumi-nodejs:dynamic/...`),
 *                                 for TypeScript programs using the npm package
 *   provider/plugin/schema.json   what the provider plugin `mesh-windows` serves (GetSchema):
 *                                 `mesh-windows:index:MeshWindowsNode`, with its `config` and
 *                                 `provider` sections, for `pulumi package add` and Pulumi YAML
 * Two files because they describe two different things a stack can hold: the dynamic resource's
 * token cannot be served by a plugin, and the plugin's configuration means nothing to it.
 */
import * as fs from "fs";
import * as path from "path";
import { filled, holdsSecret, type EnumType, type Field, type ObjectType } from "../../provider/node/declare";
import { NODE_INPUTS } from "../../provider/node/spec/inputs";
import { NODE_OUTPUTS } from "../../provider/node/spec/outputs";
import { configDescription, PROVIDER_CONFIG } from "../../provider/node/spec/provider-config";
import { DYNAMIC_RESOURCE_TOKEN, PLUGIN_RESOURCE, RESOURCE, SCHEMA_PACKAGE } from "../../provider/node/spec/resource";
import { INPUT_TYPES, OUTPUT_TYPES } from "./walk";

type Json = Record<string, unknown>;

const typeToken = (name: string) => `${SCHEMA_PACKAGE.name}:index:${name}`;

function typeSpec(field: Field): Json {
  switch (field.kind) {
    case "string":
    case "integer":
    case "number":
    case "boolean":
      return { type: field.kind };
    case "list":
      return { type: "array", items: typeSpec(field.item) };
    case "enum":
    case "object":
      return { $ref: `#/types/${typeToken(field.type.name)}` };
  }
}

function propertySpec(field: Field, description: string, secret: boolean): Json {
  return { ...typeSpec(field), ...(secret ? { secret: true } : {}), description: filled(description, field) };
}

function required(fields: Record<string, Field>): string[] {
  return Object.entries(fields)
    .filter(([, f]) => f.required)
    .map(([name]) => name);
}

function objectType(type: ObjectType): Json {
  const properties = Object.fromEntries(Object.entries(type.fields).map(([name, f]) => [name, propertySpec(f, f.description, !!f.secret)]));
  const needed = required(type.fields);
  return { type: "object", description: type.description, properties, ...(needed.length ? { required: needed } : {}) };
}

function enumType(type: EnumType): Json {
  return {
    type: "string",
    description: type.description,
    enum: type.values.map((v) => ({ ...(v.name ? { name: v.name } : {}), value: v.value, ...(v.description ? { description: v.description } : {}) })),
  };
}

function resource(description: string): Json {
  const publicInputs = Object.entries(NODE_INPUTS).filter(([, f]) => !f.internal);
  const outputs: [string, Json, boolean][] = [
    ...Object.entries(NODE_INPUTS).map(([n, f]): [string, Json, boolean] => [n, propertySpec(f, f.output.description, holdsSecret(f)), !!(f.required || f.output.required)]),
    ...Object.entries(NODE_OUTPUTS).map(([n, f]): [string, Json, boolean] => [n, propertySpec(f, f.description, holdsSecret(f)), !!f.required]),
  ];
  return {
    description,
    inputProperties: Object.fromEntries(publicInputs.map(([n, f]) => [n, propertySpec(f, f.description, !!f.secret)])),
    requiredInputs: publicInputs.filter(([, f]) => f.required).map(([n]) => n),
    properties: Object.fromEntries(outputs.map(([n, spec]) => [n, spec])),
    required: outputs.filter(([, , isRequired]) => isRequired).map(([n]) => n),
  };
}

function packageVersion(repoRoot: string): { name: string; version: string; description: string } {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { name: string; version: string; description: string };
}

function allTypes(): Json {
  const types: Json = {};
  for (const t of [...INPUT_TYPES.objects, ...OUTPUT_TYPES.objects]) types[typeToken(t.name)] = objectType(t);
  for (const t of [...INPUT_TYPES.enums, ...OUTPUT_TYPES.enums]) types[typeToken(t.name)] = enumType(t);
  return types;
}

/** The package schema of the dynamic resource, as an object (the README tables are generated from it too). */
export function packageSchema(repoRoot: string): Json {
  const pkg = packageVersion(repoRoot);
  const { name, displayName, description, keywords, license, publisher, allowedPackageNames } = SCHEMA_PACKAGE;
  return {
    name,
    displayName,
    version: pkg.version,
    description,
    keywords,
    license,
    publisher,
    allowedPackageNames,
    language: { nodejs: { packageName: pkg.name, packageDescription: pkg.description } },
    resources: { [DYNAMIC_RESOURCE_TOKEN]: resource(RESOURCE.description) },
    types: allTypes(),
  };
}

/** The provider configuration's keys, as both `config.variables` and the explicit provider's inputs. */
function configProperties(): Json {
  return Object.fromEntries(
    Object.entries(PROVIDER_CONFIG).map(([key, spec]) => [
      key,
      { ...propertySpec(spec.field, configDescription(spec), holdsSecret(spec.field)), defaultInfo: { environment: [spec.env] } },
    ]),
  );
}

/** The package schema the provider plugin serves. */
export function pluginSchema(repoRoot: string): Json {
  const { name, displayName, description, keywords, license, publisher } = SCHEMA_PACKAGE;
  return {
    name,
    displayName,
    version: packageVersion(repoRoot).version,
    description,
    keywords,
    license,
    publisher,
    config: { variables: configProperties() },
    provider: {
      description: "The mesh-windows provider: connection defaults and credentials shared by every MeshWindowsNode it manages, and the control server they join.",
      inputProperties: configProperties(),
    },
    resources: { [PLUGIN_RESOURCE.token]: resource(PLUGIN_RESOURCE.description) },
    types: allTypes(),
  };
}

export function schemaJson(repoRoot: string): string {
  return JSON.stringify(packageSchema(repoRoot), null, 2) + "\n";
}

export function pluginSchemaJson(repoRoot: string): string {
  return JSON.stringify(pluginSchema(repoRoot), null, 2) + "\n";
}
