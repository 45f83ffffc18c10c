/**
 * The zod schema of the inputs, built from the declaration: each field's kind, rule, range and
 * wording become one validator. Every validator also accepts Pulumi's unknown sentinel (a value not
 * known during preview), and every object refuses properties it does not declare.
 */
import { z } from "zod";
import { MIN_SECRET_LENGTH } from "../common/redact";
import { filled, type Field, type ObjectType } from "./declare";
import { sameRoute } from "./rules/network";
import { oneOf } from "./rules/text";
import { NODE_INPUTS } from "./spec/inputs";
import { PULUMI_UNKNOWN, isUnknown } from "./unknown";

/** Known property names by object path ("" for the top level, "connection.proxy"...). */
export const KNOWN_PROPERTIES = new Map<string, string[]>();

/** A string checked by `rule`. Pulumi's unknown sentinel is a string and passes untouched. */
function text(rule: (value: string) => string | undefined, required = "") {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `is required${required && `: ${required}`}` : "must be a string (text)") })
    .superRefine((value, ctx) => {
      if (isUnknown(value)) return;
      const problem = rule(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });
}

/** Any other schema also accepts the unknown sentinel; check.ts unwraps its failures. */
function orUnknown<T extends z.ZodType>(schema: T) {
  return z.union([z.literal(PULUMI_UNKNOWN), schema]);
}

function wholeNumber(test: (n: number) => boolean, failure: string) {
  return orUnknown(
    z.number({ error: failure }).superRefine((n, ctx) => {
      if (!Number.isInteger(n) || !test(n)) ctx.addIssue({ code: "custom", message: failure });
    }),
  );
}

function list(item: z.ZodType, what: string) {
  return orUnknown(
    z.array(item, { error: `must be a list: ${what}` }).superRefine((items, ctx) => {
      items.forEach((value, index) => {
        if (isUnknown(value)) return;
        const first = items.findIndex((other) => sameListItem(other, value));
        if (first < index) ctx.addIssue({ code: "custom", path: [index], message: `is listed twice (also at index ${first}): remove one` });
      });
    }),
  );
}

/** Routes that differ only in spelling are the same route; other items compare as they are. */
function sameListItem(a: unknown, b: unknown): boolean {
  return typeof a === "string" && typeof b === "string" ? sameRoute(a, b) : false;
}

/** Paths a command does not use (the CLI's status needs no auth key): optional whatever the declaration says. */
type Optional = ReadonlySet<string>;

/** The Redactor cannot hide a shorter secret (it would blank out ordinary words): refuse it up front. */
function tooShortForRedaction(value: string): string | undefined {
  return value.length < MIN_SECRET_LENGTH
    ? `is shorter than ${MIN_SECRET_LENGTH} characters: a secret this short cannot be kept out of logs and error messages (it would match ordinary text); use a longer one`
    : undefined;
}

function validator(field: Field, path: string, optional: Optional = new Set()): z.ZodType {
  switch (field.kind) {
    case "string": {
      const rule = field.rule ?? (() => undefined);
      return text(field.secret === true ? (value) => rule(value) ?? tooShortForRedaction(value) : rule, field.requiredHint);
    }
    case "integer":
    case "number": {
      if (field.accepts) return wholeNumber(field.accepts.test, field.accepts.failure);
      const { min, max, what } = field.range!;
      return wholeNumber((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}: ${filled(what, field)}`);
    }
    case "boolean":
      return orUnknown(z.boolean({ error: `must be true or false: ${filled(field.what ?? "", field)}` }));
    case "enum": {
      const values = field.type.values.map((v) => v.value);
      return text(oneOf(values, filled(field.what ?? "", field)), values.map((v) => `"${v}"`).join(" or "));
    }
    case "list":
      return list(validator(field.item, path, optional), field.what ?? "");
    case "object":
      return orUnknown(objectSchema(field.type, path, optional));
  }
}

function objectSchema(type: ObjectType, path: string, optional: Optional = new Set()) {
  KNOWN_PROPERTIES.set(path, Object.keys(type.fields));
  const shape = Object.fromEntries(
    Object.entries(type.fields).map(([name, field]) => {
      const at = path ? `${path}.${name}` : name;
      const schema = validator(field, at, optional);
      return [name, field.required && !optional.has(at) ? schema : schema.optional()];
    }),
  );
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "invalid_type" ? (issue.input === undefined ? `is required: ${type.what}` : `must be an object: ${type.what}`) : undefined),
  });
}

const NODE: ObjectType = { name: "", tsName: "NodeInputs", description: "", what: "the node's inputs", fields: NODE_INPUTS };

const inputSchemas = new Map<string, z.ZodType>();

/** The inputs' schema: what checkInputs parses with; `notNeeded` paths may be missing. */
export function inputSchema(notNeeded: readonly string[] = []): z.ZodType {
  const key = [...notNeeded].sort().join("\n");
  let schema = inputSchemas.get(key);
  if (!schema) inputSchemas.set(key, (schema = objectSchema(NODE, "", new Set(notNeeded))));
  return schema;
}

const fieldSchemas = new Map<string, z.ZodType>();

/** The schema of one declared field used outside the inputs (the provider configuration's keys). */
export function fieldSchema(field: Field, path: string): z.ZodType {
  let schema = fieldSchemas.get(path);
  if (!schema) fieldSchemas.set(path, (schema = validator(field, path)));
  return schema;
}

const topLevel = new Map<string, z.ZodType>();

/** One top-level property's schema, for the rules between properties (relations.ts). */
export function propertySchema(name: string): z.ZodType {
  let schema = topLevel.get(name);
  if (!schema) topLevel.set(name, (schema = validator(NODE_INPUTS[name]!, name)));
  return schema;
}

