/**
 * schema.json: valid against Pulumi's package metaschema, and in agreement with the code it
 * describes (the resource's argument interfaces, the lifecycle's outputs, the secret lists).
 */
import Ajv2020 from "ajv/dist/2020";
import * as fs from "fs";
import * as path from "path";

import { SECRET_OUTPUTS, secretsOf } from "../../provider/node";
import type { NodeInputs } from "../../provider/node/types";
import {
  loadSchema,
  nodeResource,
  secretPaths,
  shapeDifferences,
  shapeOfObject,
  type PackageSchema,
  type PropertySpec,
} from "../support/package-schema";
import { REPO_ROOT } from "../support/repo";
import { DeclarationReader, type Shape } from "../support/typescript-shapes";

/** pulumi/pulumi pkg/codegen/schema/pulumi.json, kept in the repo for CI machines. */
const METASCHEMA = path.join(REPO_ROOT, "test", "fixtures", "pulumi-package-metaschema.json");
const RESOURCE_FILE = "provider/pulumi/resource.ts";
const ARGS_FILE = "provider/pulumi/args.ts";
const MODEL_FILE = "provider/node/types.ts";
const OUTPUT_MODEL_FILE = "provider/node/output-types.ts";

function metaschemaValidator() {
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
  // The two string formats the metaschema uses; Ajv's strict mode refuses formats it does not know.
  ajv.addFormat("regex", (value: string) => {
    try {
      new RegExp(value);
      return true;
    } catch {
      return false;
    }
  });
  ajv.addFormat("uri-reference", (value: string) => URL.canParse(value, "http://base.invalid/"));
  return ajv.compile(JSON.parse(fs.readFileSync(METASCHEMA, "utf8")));
}

describe("schema.json against the Pulumi package metaschema", () => {
  const validate = metaschemaValidator();

  it("is valid", () => {
    const valid = validate(loadSchema());
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("is rejected when broken (the validator really checks)", () => {
    const broken = loadSchema();
    nodeResource(broken).spec.properties.state = { type: "date" };
    expect(validate(broken)).toBe(false);
  });

  it("uses only tokens of its own package or an allowed one, and $refs that resolve", () => {
    const schema = loadSchema();
    // Pulumi's binder refuses tokens of other packages (validateTypeTokens in pkg/codegen/schema/bind.go).
    const allowed = [schema.name, ...(schema.allowedPackageNames ?? [])];
    const tokens = [...Object.keys(schema.resources), ...Object.keys(schema.types)];
    expect(tokens.filter((token) => !allowed.includes(token.split(":")[0]))).toEqual([]);
    const refs = (JSON.stringify(schema).match(/"\$ref":"[^"]*"/g) ?? []).map((r) => r.slice('"$ref":"'.length, -1));
    expect(refs.filter((ref) => !(ref.startsWith("#/types/") && ref.slice("#/types/".length) in schema.types))).toEqual([]);
  });

  it("describes every property", () => {
    const schema = loadSchema();
    const { spec } = nodeResource(schema);
    const undescribed = [
      ...Object.entries(spec.inputProperties).map(([k, p]) => [`inputs.${k}`, p] as const),
      ...Object.entries(spec.properties).map(([k, p]) => [`outputs.${k}`, p] as const),
      ...Object.entries(schema.types).flatMap(([token, t]) => Object.entries(t.properties ?? {}).map(([k, p]) => [`${token}.${k}`, p] as const)),
    ]
      .filter(([, p]: readonly [string, PropertySpec]) => !p.description?.trim())
      .map(([where]) => where);
    expect(undescribed).toEqual([]);
  });
});

describe("schema.json against the code", () => {
  const schema: PackageSchema = loadSchema();
  const { token, spec } = nodeResource(schema);
  const reader = new DeclarationReader(REPO_ROOT, [RESOURCE_FILE, ARGS_FILE, MODEL_FILE]);
  const secretOutputs = [...SECRET_OUTPUTS];

  it("names the resource with the token pulumi.dynamic.Resource registers", () => {
    // dynamic.Resource(provider, name, props, opts, module, type) registers `pulumi-nodejs:dynamic/<module>:<type>`.
    const [module, type] = reader.superCallStrings(RESOURCE_FILE, "MeshWindowsNode");
    expect(token).toBe(`pulumi-nodejs:dynamic/${module}:${type}`);
  });

  it("carries the package's name and version", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { name: string; version: string };
    expect(schema.version).toBe(pkg.version);
    expect(schema.language?.nodejs?.packageName).toBe(pkg.name);
  });

  it("has the inputs of MeshWindowsNodeArgs: names, required-ness and types, nested types included", () => {
    const code = reader.interfaceShape(ARGS_FILE, "MeshWindowsNodeArgs");
    const described = shapeOfObject(schema, spec.inputProperties, spec.requiredInputs);
    expect(shapeDifferences(code, described, "inputs")).toEqual([]);
  });

  it("has the outputs of NodeOutputs: names, required-ness and types, nested types included", () => {
    const code = reader.interfaceShape(OUTPUT_MODEL_FILE, "NodeOutputs");
    const described = shapeOfObject(schema, spec.properties, spec.required);
    expect(shapeDifferences(code, described, "outputs")).toEqual([]);
  });

  it("declares every output the MeshWindowsNode class exposes", () => {
    const missing = reader.classOutputNames(RESOURCE_FILE, "MeshWindowsNode").filter((name) => !(name in spec.properties));
    expect(missing).toEqual([]);
  });

  it("marks secret exactly the outputs in SECRET_OUTPUTS", () => {
    const marked = Object.entries(spec.properties)
      .filter(([, p]) => p.secret)
      .map(([name]) => name);
    expect(marked.sort()).toEqual([...secretOutputs].sort());
  });

  it("marks secret exactly the input values the lifecycle redacts (secretsOf)", () => {
    // Every string in a complete set of inputs holds its own path; secretsOf returns the secret ones.
    // Each string is a URL whose query is its path: a URL input redacts its query, the others all of it.
    const sample = sampleOf(reader.interfaceShape(MODEL_FILE, "NodeInputs"), "") as NodeInputs;
    const redacted = secretsOf(sample).map((secret) => secret.slice(secret.indexOf("?") + 1));
    expect(redacted.sort()).toEqual(secretPaths(schema, spec.inputProperties).sort());
  });

  it("puts every secret input inside an output that SECRET_OUTPUTS protects", () => {
    // additionalSecretOutputs works on top-level keys only (pulumi#3144): a nested secret needs its parent listed.
    const unprotected = secretPaths(schema, spec.inputProperties).filter((p) => !secretOutputs.includes(p.split(".")[0]));
    expect(unprotected).toEqual([]);
  });
});

/** A value of the given shape in which every string is its own property path. */
function sampleOf(shape: Shape, at: string): unknown {
  switch (shape.kind) {
    case "string":
      return `https://sample.invalid/?${at}`;
    case "number":
      return 1;
    case "boolean":
      return true;
    case "enum":
      return shape.values[0];
    case "array":
      return [sampleOf(shape.items, at)];
    case "object":
      return Object.fromEntries(
        Object.entries(shape.properties).map(([name, p]) => [name, sampleOf(p.shape, at ? `${at}.${name}` : name)]),
      );
  }
}
