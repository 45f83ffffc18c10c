/**
 * The TypeScript model of provider/scripts/append.ps1: one chunk of a file sent over the step
 * channel, appended where the previous one ended (the first creates or empties the file); a chunk
 * that does not land at the file's end fails the step.
 */
import type { AppendParams, AppendResult } from "../../../provider/scripts/catalogue";
import { appendBytes, fileSize } from "../../blobs";
import type { Script } from "./common";
import { ScriptError } from "./exec";

export function append(script: Script, params: AppendParams): AppendResult {
  const bytes = Buffer.from(params.data, "base64");
  // New-Item -ItemType File -Force: a new, empty file (an existing one is emptied).
  if (params.offset === 0) script.files.writeFile(params.path, "");
  const name = script.files.fileName(params.path);
  if (name === undefined) throw new ScriptError(`Cannot find path '${params.path}' because it does not exist.`, "System.Management.Automation.ItemNotFoundException");
  const file = script.state.files[name];
  const length = fileSize(file);
  if (length !== params.offset) {
    throw new ScriptError(`${params.path} holds ${length} bytes, not ${params.offset}: a chunk was lost or sent twice; send the file again from its start`);
  }
  appendBytes(file, bytes);
  return { length: fileSize(file) };
}
