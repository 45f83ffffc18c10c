/**
 * Value rules for plain text: what a secret, a name or a choice may look like. A rule returns the
 * reason a value is refused (naming what is expected, never quoting the value), or undefined.
 */
import type { Rule } from "../declare";

export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
export const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/;

export function token(what: string): Rule {
  return (value) => {
    if (value === "") return `must not be empty: ${what}`;
    if (WHITESPACE_OR_CONTROL.test(value)) {
      return `contains whitespace or a control character (often a trailing newline from reading a file): trim it; ${what}`;
    }
    return undefined;
  };
}

export function nonEmpty(what: string): Rule {
  return (value) => (value === "" ? `must not be empty: ${what}, or leave the property out` : undefined);
}

export function printable(what: string): Rule {
  return (value) => {
    if (value.trim() === "") return `must not be empty: ${what}`;
    if (CONTROL_CHARACTER.test(value)) return `contains a control character (a newline or tab?): ${what}`;
    if (value !== value.trim()) return `has leading or trailing spaces: remove them; ${what}`;
    return undefined;
  };
}

export function oneOf(values: readonly string[], what: string): Rule {
  return (value) => (values.includes(value) ? undefined : `must be one of ${values.map((v) => `"${v}"`).join(", ")}: ${what}`);
}
