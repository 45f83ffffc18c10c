/**
 * The documentation tables generated from the node's declaration, each between its markers:
 *   README.md      inputs and outputs (from the generated schema, as a user of any SDK sees them), and
 *                  the provider plugin's configuration keys
 *   docs/inputs.md every input property: type, default, secrecy, rule, flag
 *   docs/cli.md    every flag per group, and every secret's sources
 */
import { FLAG_BINDINGS, SECRET_BINDINGS } from "../../provider/cli/flags";
import { sourcesOf } from "../../provider/cli/secrets";
import { filled, holdsSecret, walkFields, type Field } from "../../provider/node/declare";
import { DEFAULTS } from "../../provider/node/defaults";
import { NODE_INPUTS } from "../../provider/node/spec/inputs";
import { PROVIDER_CONFIG } from "../../provider/node/spec/provider-config";

/** schema.json read loosely: the tables only walk it. */
type Json = Record<string, any>;

function cell(text: string | undefined): string {
  return (text ?? "").replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
}

/** Replaces what stands between `<!-- generated: NAME begin -->` and its end marker. */
export function withSection(document: string, name: string, body: string): string {
  const begin = `<!-- generated: ${name} begin -->`;
  const end = `<!-- generated: ${name} end -->`;
  const start = document.indexOf(begin);
  const stop = document.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`no ${begin} ... ${end} section`);
  return `${document.slice(0, start)}${begin}\n${body}\n${document.slice(stop)}`;
}

// ---------------------------------------------------------------- README: from the schema

function schemaTypeName(prop: Json): string {
  if (prop.$ref) return String(prop.$ref).replace(/^#\/types\/[^:]+:index:/, "");
  if (prop.type === "array") return `${schemaTypeName(prop.items)}[]`;
  return String(prop.type);
}

function schemaRows(properties: Json, required: string[]): string[] {
  return Object.entries(properties).map(([name, prop]: [string, Json]) => {
    const flags = [required.includes(name) ? "required" : "", prop.secret ? "secret" : ""].filter(Boolean).join(", ");
    return `| \`${name}\` | ${schemaTypeName(prop)} | ${flags} | ${cell(prop.description)} |`;
  });
}

export function readmeTables(schema: Json): string {
  const [token, resource] = Object.entries(schema.resources as Json)[0] as [string, Json];
  const head = ["| name | type | | description |", "|---|---|---|---|"];
  const outputsOnly = Object.fromEntries(Object.entries(resource.properties as Json).filter(([name]) => !(name in resource.inputProperties)));
  const lines = [`Resource \`${token}\`.`, "", "**Inputs**", "", ...head, ...schemaRows(resource.inputProperties, resource.requiredInputs ?? [])];
  lines.push("", "**Outputs** (besides the inputs)", "", ...head, ...schemaRows(outputsOnly, resource.required ?? []), "");
  for (const [typeToken, type] of Object.entries(schema.types as Json) as [string, Json][]) {
    if (!type.properties) continue;
    lines.push(`**${typeToken.replace(/^[^:]+:index:/, "")}**`, "", ...head, ...schemaRows(type.properties, type.required ?? []), "");
  }
  return lines.join("\n").trimEnd();
}

/** The plugin's configuration: each key, the node property it stands for, its environment variable. */
export function providerConfigTable(): string {
  const rows = Object.entries(PROVIDER_CONFIG).map(([key, spec]) => {
    const type = spec.field.kind === "object" || spec.field.kind === "enum" ? spec.field.type.name : spec.field.kind;
    const secret = holdsSecret(spec.field) ? "secret" : "";
    return `| \`mesh-windows:${key}\` | \`${spec.env}\` | ${type} | ${secret} | \`${spec.path}\`: ${cell(filled(spec.field.description, spec.field))} |`;
  });
  return ["| key | environment variable | type | | default for |", "|---|---|---|---|---|", ...rows].join("\n");
}

// ---------------------------------------------------------------- docs/inputs.md: every input property

function ruleWords(field: Field): string {
  if (field.docs) return field.docs;
  switch (field.kind) {
    case "integer":
    case "number":
      return field.range ? `whole number ${field.range.min}-${field.range.max}` : (field.accepts?.failure.replace(/^must be /, "") ?? "");
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${field.type.values.map((v) => `\`${v.value}\``).join(", ")}`;
    case "object":
      return "an object";
    default:
      return "";
  }
}

function defaultAt(path: string): string {
  const value = path.split(".").reduce<unknown>((at, key) => (at && typeof at === "object" ? (at as Json)[key] : undefined), DEFAULTS);
  if (value === undefined || (typeof value === "object" && !Array.isArray(value))) return "";
  return `\`${Array.isArray(value) ? "[]" : String(value)}\``;
}

export function inputsTable(): string {
  const rows = [...walkFields(NODE_INPUTS)].map(([path, field]) => {
    const type = field.kind === "list" ? `${field.item.kind}[]` : field.kind === "enum" || field.kind === "object" ? field.type.name : field.kind;
    const flag = FLAG_BINDINGS.find((b) => b.path === path)?.name ?? SECRET_BINDINGS.find((b) => b.path === path)?.sources.env ?? "";
    const flags = [field.required ? "required" : "", field.secret ? "secret" : ""].filter(Boolean).join(", ");
    return `| \`${path}\` | ${type} | ${flags} | ${defaultAt(path)} | ${cell(filled(ruleWords(field), field))} | ${flag && `\`${flag}\``} |`;
  });
  return ["| property | type | | default | rule | CLI |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

// ---------------------------------------------------------------- docs/cli.md: flags and secrets

export function flagsTable(group: "connection" | "join" | "delete"): string {
  const rows = FLAG_BINDINGS.filter((b) => b.groups.includes(group)).map((b) => `| \`${b.cli.flag}\` | \`${b.path}\` | ${cell(filled(b.cli.help, b.field))} |`);
  return ["| flag | input property | |", "|---|---|---|", ...rows].join("\n");
}

export function secretsTable(): string {
  const rows = SECRET_BINDINGS.map((b) => `| ${b.sources.label} | \`${b.path}\` | ${sourcesOf(b).replace(/(\S+ <path>|--[a-z-]+|MESH_[A-Z_]+)/g, "`$1`")} |`);
  return ["| secret | input property | sources |", "|---|---|---|", ...rows].join("\n");
}
