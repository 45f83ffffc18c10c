/**
 * The value rule for joinScriptPath: a path that a person pastes, inside quotes, into an elevated
 * cmd.exe or PowerShell prompt, so it must not be able to leave those quotes in either shell.
 */
import type { Rule } from "../declare";
import { CONTROL_CHARACTER } from "./text";

/** Characters allowed in joinScriptPath segments: none can end a quoted string in cmd.exe or PowerShell. */
const PATH_SEGMENT = /^[\p{L}\p{N} _\-.()+,=@#~]+$/u;
const RESERVED_DEVICE_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const MAX_JOIN_SCRIPT_PATH = 240;

/**
 * The join script's path appears inside the manual command a person pastes into an elevated prompt,
 * so it must not be able to leave its quotes in cmd.exe or PowerShell: no quote characters of any
 * kind, no `$`, backtick, `%` or `!`; only letters, digits, spaces and a few inert punctuation marks.
 */
export const joinScriptPathProblem: Rule = (path) => {
  const what = "an absolute Windows path to a .ps1 file on a local drive, e.g. C:\\temp\\join-mesh.ps1";
  if (path.length > MAX_JOIN_SCRIPT_PATH) return `is longer than ${MAX_JOIN_SCRIPT_PATH} characters: ${what}`;
  if (CONTROL_CHARACTER.test(path)) return `must not contain control characters: ${what}`;
  if (!/^[A-Za-z]:\\/.test(path)) return `must start with a drive letter and a backslash: ${what}`;
  if (path.includes("/")) return `must use backslashes, not forward slashes: ${what}`;
  if (!/\.ps1$/i.test(path)) return `must end with .ps1: ${what}`;
  const segments = path.slice(3).split("\\");
  for (const segment of segments) {
    if (segment === "") return `must not contain empty segments (\\\\) or end with a backslash: ${what}`;
    if (segment === "." || segment === "..") return `must not contain . or .. segments: ${what}`;
    if (/["*?<>|:]/.test(segment)) return `must not contain any of the characters " * ? < > | or a second colon: ${what}`;
    if (!PATH_SEGMENT.test(segment)) {
      return `may contain only letters, digits, spaces and _ - . ( ) + , = @ # ~ (no quotes, $, backtick, %, !, &, ;, ^ or brackets, which could break out of the quotes of the manual command): ${what}`;
    }
    if (/[. ]$/.test(segment) || segment.startsWith(" ")) return `has a folder or file name that starts with a space or ends with a dot or space (Windows strips them): ${what}`;
    if (RESERVED_DEVICE_NAME.test(segment.split(".")[0] ?? "")) return `uses a reserved Windows device name (CON, NUL, COM1, ...): ${what}`;
  }
  if (/^\.ps1$/i.test(segments[segments.length - 1] ?? "")) return `must have a file name before .ps1: ${what}`;
  return undefined;
};
