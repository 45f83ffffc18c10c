/**
 * The inputs' defaults, read off the declaration: DEFAULTS in the shape of the inputs (the diff
 * compares against it too), and withDefaults, which applies them. An unset list is empty; an
 * unset object is filled in when it has defaults and nothing required (install, onDelete), and
 * left out otherwise (controlServer, the jump host).
 */
import { hasDefault, type Field } from "./declare";
import { CONNECTION } from "./spec/connection";
import { NODE_INPUTS } from "./spec/inputs";
import type { ConnectionInput, ControlServerInput, DefaultedConnection, DefaultedInputs, NodeInputs } from "./types";
import { isRecord } from "./unknown";

/** The defaults of `fields`; an object's own defaults nest under its name even where it is not filled in. */
function defaultsOf(fields: Record<string, Field>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const value = field.kind === "object" ? defaultsOf(field.type.fields) : field.kind === "list" ? [] : field.default;
    if (value !== undefined && !(isRecord(value) && Object.keys(value).length === 0)) out[name] = value;
  }
  return out;
}

/** Every default, in the shape of the inputs (an object's defaults nested under its name). */
export const DEFAULTS = deepFreeze(defaultsOf(NODE_INPUTS)) as Readonly<Record<string, unknown>>;

/** `value` with the defaults of `fields` applied; only declared properties are kept. */
function applied(fields: Record<string, Field>, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const given = value[name];
    let result: unknown;
    if (field.kind === "object") {
      if (isRecord(given)) result = applied(field.type.fields, given);
      else if (given === undefined && hasDefault(field)) result = applied(field.type.fields, {});
      else result = given;
    } else if (field.kind === "list") {
      result = Array.isArray(given) ? [...given] : given === undefined ? [] : given;
    } else {
      result = given ?? field.default;
    }
    if (result !== undefined) out[name] = result;
  }
  return out;
}

/**
 * A Headscale node must log in to that Headscale server: without a loginServer it would go to
 * Tailscale's own, which rejects a Headscale key.
 */
export function defaultLoginServer(controlServer: Pick<ControlServerInput, "kind" | "url"> | undefined): string | undefined {
  return controlServer?.kind === "headscale" ? controlServer.url : undefined;
}

/**
 * Applies the defaults. Accepts outputs too (they extend the inputs) and keeps only input
 * properties, so nothing of a previous operation's status leaks into the next one.
 */
export function withDefaults(inputs: NodeInputs): DefaultedInputs {
  const defaulted = applied(NODE_INPUTS, inputs as unknown as Record<string, unknown>) as unknown as DefaultedInputs;
  const loginServer = defaulted.loginServer ?? defaultLoginServer(defaulted.controlServer);
  return loginServer === undefined ? defaulted : { ...defaulted, loginServer };
}

export function connectionWithDefaults(connection: ConnectionInput): DefaultedConnection {
  return applied(CONNECTION.fields, connection as unknown as Record<string, unknown>) as unknown as DefaultedConnection;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
