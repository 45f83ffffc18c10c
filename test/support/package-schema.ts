/**
 * schema.json (the Pulumi package schema at the repo root), read as typed data for the tests, and
 * its property specs turned into the same Shape the TypeScript reader produces, so the two compare.
 */
import * as fs from "fs";
import * as path from "path";

import { REPO_ROOT } from "./repo";
import type { PropertyShape, Shape } from "./typescript-shapes";

export interface PropertySpec {
  type?: string;
  $ref?: string;
  items?: PropertySpec;
  secret?: boolean;
  description?: string;
}

export interface TypeSpec {
  type: string;
  description?: string;
  properties?: Record<string, PropertySpec>;
  required?: string[];
  enum?: { value: string; name?: string; description?: string }[];
}

export interface ResourceSpec {
  description?: string;
  inputProperties: Record<string, PropertySpec>;
  requiredInputs?: string[];
  properties: Record<string, PropertySpec>;
  required?: string[];
}

export interface PackageSchema {
  name: string;
  version: string;
  allowedPackageNames?: string[];
  language?: { nodejs?: { packageName?: string } };
  resources: Record<string, ResourceSpec>;
  types: Record<string, TypeSpec>;
}

export function loadSchema(): PackageSchema {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")) as PackageSchema;
}

/** The one resource the package declares, with its token. */
export function nodeResource(schema: PackageSchema): { token: string; spec: ResourceSpec } {
  const tokens = Object.keys(schema.resources);
  if (tokens.length !== 1) throw new Error(`schema.json declares ${tokens.length} resources, expected 1`);
  return { token: tokens[0], spec: schema.resources[tokens[0]] };
}

/** The type a local `$ref` ("#/types/<token>") points at. */
export function referencedType(schema: PackageSchema, ref: string): { token: string; spec: TypeSpec } {
  const prefix = "#/types/";
  if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref}`);
  const token = ref.slice(prefix.length);
  const spec = schema.types[token];
  if (!spec) throw new Error(`$ref ${ref} points at no type`);
  return { token, spec };
}

export function shapeOfProperty(schema: PackageSchema, spec: PropertySpec): Shape {
  if (spec.$ref) return shapeOfType(schema, referencedType(schema, spec.$ref).spec);
  switch (spec.type) {
    case "string":
      return { kind: "string" };
    case "integer":
    case "number":
      return { kind: "number" };
    case "boolean":
      return { kind: "boolean" };
    case "array":
      if (!spec.items) throw new Error("array without items");
      return { kind: "array", items: shapeOfProperty(schema, spec.items) };
    default:
      throw new Error(`unsupported property type ${spec.type}`);
  }
}

export function shapeOfObject(schema: PackageSchema, properties: Record<string, PropertySpec>, required: string[] = []): Shape {
  const shaped: Record<string, PropertyShape> = {};
  for (const [name, spec] of Object.entries(properties)) {
    shaped[name] = { shape: shapeOfProperty(schema, spec), optional: !required.includes(name) };
  }
  return { kind: "object", properties: shaped };
}

function shapeOfType(schema: PackageSchema, spec: TypeSpec): Shape {
  if (spec.enum) return { kind: "enum", values: spec.enum.map((e) => e.value).sort() };
  return shapeOfObject(schema, spec.properties ?? {}, spec.required);
}

/** Every difference between two shapes, as "path: what" lines (empty when they agree). */
export function shapeDifferences(code: Shape, schema: Shape, at: string): string[] {
  if (code.kind !== schema.kind) return [`${at}: the code says ${code.kind}, schema.json says ${schema.kind}`];
  switch (code.kind) {
    case "enum": {
      const values = (schema as typeof code).values;
      return JSON.stringify(code.values) === JSON.stringify(values)
        ? []
        : [`${at}: the code allows ${JSON.stringify(code.values)}, schema.json ${JSON.stringify(values)}`];
    }
    case "array":
      return shapeDifferences(code.items, (schema as typeof code).items, `${at}[]`);
    case "object": {
      const other = (schema as typeof code).properties;
      const out: string[] = [];
      for (const name of new Set([...Object.keys(code.properties), ...Object.keys(other)])) {
        const mine = code.properties[name];
        const theirs = other[name];
        if (!theirs) out.push(`${at}.${name}: in the code, missing from schema.json`);
        else if (!mine) out.push(`${at}.${name}: in schema.json, missing from the code`);
        else {
          if (mine.optional !== theirs.optional) {
            out.push(`${at}.${name}: ${mine.optional ? "optional" : "required"} in the code, ${theirs.optional ? "optional" : "required"} in schema.json`);
          }
          out.push(...shapeDifferences(mine.shape, theirs.shape, `${at}.${name}`));
        }
      }
      return out;
    }
    default:
      return [];
  }
}

/** Paths ("connection.password", "authKey") of every property marked secret, following $refs. */
export function secretPaths(schema: PackageSchema, properties: Record<string, PropertySpec>, prefix = ""): string[] {
  const out: string[] = [];
  for (const [name, spec] of Object.entries(properties)) {
    const here = prefix + name;
    if (spec.secret) out.push(here);
    const ref = spec.$ref ?? spec.items?.$ref;
    if (ref) {
      const target = referencedType(schema, ref).spec;
      if (target.properties) out.push(...secretPaths(schema, target.properties, `${here}.`));
    }
  }
  return out;
}
