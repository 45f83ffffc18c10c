/**
 * Generates the TypeScript types of the node from its declaration, with each description as the
 * property's doc comment (what users see in their editor):
 *   provider/node/types.ts    plain values: inputs, inputs with defaults applied (outputs: output-types.ts)
 *   provider/pulumi/args.ts   MeshWindowsNodeArgs (every field a pulumi.Input) and the resource's outputs
 */
import { filled, hasDefault, type EnumType, type Field, type InputField, type ObjectType } from "../../provider/node/declare";
import { NODE_INPUTS } from "../../provider/node/spec/inputs";
import { NODE_OUTPUTS } from "../../provider/node/spec/outputs";
import { GENERATED_NOTE, INPUT_TYPES, OUTPUT_TYPES } from "./walk";

type Wrap = "plain" | "args";

function doc(text: string, indent = ""): string {
  return text ? `${indent}/** ${text.replace(/\*\//g, "*\\/").replace(/\s*\n\s*/g, " ")} */\n` : "";
}

function typeName(field: Field, wrap: Wrap): string {
  switch (field.kind) {
    case "string":
      return "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "enum":
      return field.type.name;
    case "list": {
      const item = typeName(field.item, wrap);
      return wrap === "args" ? `pulumi.Input<${item}>[]` : `${item}[]`;
    }
    case "object":
      return wrap === "args" ? field.type.argsName ?? field.type.tsName : field.type.tsName;
  }
}

function member(name: string, field: Field, wrap: Wrap, description = field.description, required = !!field.required): string {
  const type = typeName(field, wrap);
  return `${doc(filled(description, field), "  ")}  ${name}${required ? "" : "?"}: ${wrap === "args" ? `pulumi.Input<${type}>` : type};\n`;
}

function enumAlias(type: EnumType): string {
  return `${doc(type.description)}export type ${type.name} = ${type.values.map((v) => JSON.stringify(v.value)).join(" | ")};\n`;
}

function objectInterface(type: ObjectType, wrap: Wrap): string {
  const name = wrap === "args" ? type.argsName! : type.tsName;
  const members = Object.entries(type.fields).map(([n, f]) => member(n, f, wrap)).join("");
  return `${doc(type.description)}export interface ${name} {\n${members}}\n`;
}

/** ConnectionInput -> DefaultedConnection. */
function defaultedName(type: ObjectType): string {
  return `Defaulted${type.tsName.replace(/Input$/, "")}`;
}

function withDefaults(type: ObjectType): boolean {
  return Object.values(type.fields).some((f) => hasDefault(f) || (f.kind === "object" && withDefaults(f.type)));
}

/** The fields withDefaults makes present (or, for objects with defaults inside, completes). */
function defaultedMembers(fields: Record<string, Field>): string {
  return Object.entries(fields)
    .filter(([, f]) => hasDefault(f) || (f.kind === "object" && withDefaults(f.type)))
    .map(([name, f]) => {
      const type = f.kind === "object" ? defaultedName(f.type) : typeName(f, "plain");
      return `  ${name}${f.required || hasDefault(f) ? "" : "?"}: ${type};\n`;
    })
    .join("");
}

function defaultedInterface(type: ObjectType): string {
  return `${doc(`${type.tsName} with every default applied.`)}export interface ${defaultedName(type)} extends ${type.tsName} {\n${defaultedMembers(type.fields)}}\n`;
}

/** The type's name in plain TypeScript, and where it is declared when not in the file being generated. */
function declared(type: EnumType | ObjectType, home: string): { name: string; from: string } {
  return { name: "tsName" in type ? type.tsName : type.name, from: type.importFrom ?? home };
}

/** `import type` lines for the names `body` uses, grouped by module (none for `self`). */
function importsFor(body: string, types: { name: string; from: string }[], self: string): string {
  const byModule = new Map<string, Set<string>>();
  for (const { name, from } of types) {
    if (from === self || !new RegExp(`\\b${name}\\b`).test(body)) continue;
    byModule.set(from, (byModule.get(from) ?? new Set()).add(name));
  }
  return [...byModule].map(([from, names]) => `import type { ${[...names].sort().join(", ")} } from "${from}";\n`).join("");
}

const ALL_TYPES = [...INPUT_TYPES.enums, ...OUTPUT_TYPES.enums, ...INPUT_TYPES.objects, ...OUTPUT_TYPES.objects].map((t) => declared(t, "../node/types"));

const HEADER_NOTE = "/**\n * The node's inputs and outputs as plain values (no Pulumi types): what the lifecycle works on.\n * The Pulumi binding and the CLI both translate to and from these shapes.\n */\n";

/** Types declared in spec whose home is one of the two generated files, and imported ones. */
function homes(outputsHome: string): { name: string; from: string }[] {
  return [
    ...[...INPUT_TYPES.enums, ...OUTPUT_TYPES.enums, ...INPUT_TYPES.objects].map((t) => declared(t, "../node/types")),
    ...OUTPUT_TYPES.objects.map((t) => declared(t, outputsHome)),
    { name: "NodeInputs", from: "../node/types" },
  ];
}

/** provider/node/types.ts: the enums, the inputs and the inputs with defaults; the outputs come from output-types.ts. */
export function nodeTypes(): string {
  const own = <T extends { importFrom?: string }>(list: T[]) => list.filter((t) => !t.importFrom);
  const enums = [...INPUT_TYPES.enums, ...OUTPUT_TYPES.enums];
  const inputMembers = Object.entries(NODE_INPUTS).map(([n, f]) => member(n, f, "plain")).join("");
  const body = [
    ...own(enums).map((t) => "\n" + enumAlias(t)),
    ...INPUT_TYPES.objects.map((t) => "\n" + objectInterface(t, "plain")),
    `\n${doc("The node's inputs.")}export interface NodeInputs {\n${inputMembers}}\n`,
    ...INPUT_TYPES.objects.filter(withDefaults).map((t) => "\n" + defaultedInterface(t)),
    `\n${doc("The inputs with every default applied: what create, update, read and delete work with.")}export interface DefaultedInputs extends NodeInputs {\n${defaultedMembers(NODE_INPUTS)}}\n`,
  ].join("");
  return [
    `// ${GENERATED_NOTE}\n`,
    HEADER_NOTE,
    importsFor(body, ALL_TYPES, "../node/types"),
    body,
    '\nexport type * from "./output-types";\n',
  ].join("");
}

/** provider/node/output-types.ts: what a node reports (its inputs, and what the last operation found). */
export function nodeOutputTypes(): string {
  const own = <T extends { importFrom?: string }>(list: T[]) => list.filter((t) => !t.importFrom);
  const outputMembers = [
    ...Object.entries(NODE_INPUTS)
      .filter(([, f]) => f.output.required && !f.required)
      .map(([n, f]) => member(n, f, "plain", f.output.description, true)),
    ...Object.entries(NODE_OUTPUTS).map(([n, f]) => member(n, f, "plain")),
  ].join("");
  const body = [
    ...own(OUTPUT_TYPES.objects).map((t) => "\n" + objectInterface(t, "plain")),
    `\n${doc("The node's outputs: its inputs, and what the last operation found.")}export interface NodeOutputs extends NodeInputs {\n${outputMembers}}\n`,
  ].join("");
  return [`// ${GENERATED_NOTE}\n`, HEADER_NOTE, importsFor(body, homes("../node/output-types"), "../node/output-types"), body].join("");
}

function outputMember(name: string, field: Field | InputField, description: string, required: boolean): string {
  const type = typeName(field, "plain");
  return `${doc(filled(description, field), "  ")}  readonly ${name}: pulumi.Output<${required ? type : `${type} | undefined`}>;\n`;
}

export function pulumiArgs(): string {
  const publicInputs = Object.entries(NODE_INPUTS).filter(([, f]) => !f.internal);
  const outputs = [
    ...Object.entries(NODE_INPUTS).map(([n, f]) => outputMember(n, f, f.output.description, !!(f.required || f.output.required))),
    ...Object.entries(NODE_OUTPUTS).map(([n, f]) => outputMember(n, f, f.description, !!f.required)),
  ].join("");
  const body = [
    ...INPUT_TYPES.objects.map((t) => "\n" + objectInterface(t, "args")),
    `\n${doc("The arguments of a MeshWindowsNode.")}export interface MeshWindowsNodeArgs {\n${publicInputs.map(([n, f]) => member(n, f, "args")).join("")}}\n`,
    `\n${doc("The outputs of a MeshWindowsNode (merged into the class, so that no field initializer hides them).")}export interface MeshWindowsNodeOutputs {\n${outputs}}\n`,
  ].join("");
  return [
    `// ${GENERATED_NOTE}\n`,
    "/**\n * MeshWindowsNode's arguments, each field a pulumi.Input, and its outputs, each a pulumi.Output: the\n * Pulumi face of the types in provider/node/types.ts.\n */\n",
    'import type * as pulumi from "@pulumi/pulumi";\n',
    importsFor(body, ALL_TYPES, "../pulumi/args"),
    body,
  ].join("");
}
