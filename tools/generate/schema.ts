/**
 * Generates schema.json, the Pulumi package schema, from the node's declaration: the resource's
 * inputs and outputs, and every object and enum type they use.
 */
import * as fs from "fs";
import * as path from "path";
import { filled, holdsSecret, type EnumType, type Field, type ObjectType } from "../../provider/node/declare";
import { NODE_INPUTS } from "../../provider/node/spec/inputs";
import { NODE_OUTPUTS } from "../../provider/node/spec/outputs";
import { DYNAMIC_RESOURCE_TOKEN, RESOURCE, SCHEMA_PACKAGE } from "../../provider/node/spec/resource";
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

function resource(): Json {
  const publicInputs = Object.entries(NODE_INPUTS).filter(([, f]) => !f.internal);
  const outputs: [string, Json, boolean][] = [
    ...Object.entries(NODE_INPUTS).map(([n, f]): [string, Json, boolean] => [n, propertySpec(f, f.output.description, holdsSecret(f)), !!(f.required || f.output.required)]),
    ...Object.entries(NODE_OUTPUTS).map(([n, f]): [string, Json, boolean] => [n, propertySpec(f, f.description, holdsSecret(f)), !!f.required]),
  ];
  return {
    description: RESOURCE.description,
    inputProperties: Object.fromEntries(publicInputs.map(([n, f]) => [n, propertySpec(f, f.description, !!f.secret)])),
    requiredInputs: publicInputs.filter(([, f]) => f.required).map(([n]) => n),
    properties: Object.fromEntries(outputs.map(([n, spec]) => [n, spec])),
    required: outputs.filter(([, , isRequired]) => isRequired).map(([n]) => n),
  };
}

/** The package schema as an object (the README tables are generated from it too). */
export function packageSchema(repoRoot: string): Json {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { name: string; version: string; description: string };
  const types: Json = {};
  for (const t of [...INPUT_TYPES.objects, ...OUTPUT_TYPES.objects]) types[typeToken(t.name)] = objectType(t);
  for (const t of [...INPUT_TYPES.enums, ...OUTPUT_TYPES.enums]) types[typeToken(t.name)] = enumType(t);
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
    resources: { [DYNAMIC_RESOURCE_TOKEN]: resource() },
    types,
  };
}

export function schemaJson(repoRoot: string): string {
  return JSON.stringify(packageSchema(repoRoot), null, 2) + "\n";
}
