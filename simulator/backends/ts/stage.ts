/**
 * The TypeScript model of provider/scripts/stage.ps1: the state directory is taken over, and what an
 * interrupted upload left in it (upload-*.msi) is removed, before the provider sends a file into it.
 */
import type { StageParams, StageResult } from "../../../provider/scripts/catalogue";
import type { Script } from "./common";
import { protectFolder } from "./folders";

export function stage(script: Script, params: StageParams): StageResult {
  script.requireAdmin(params.stateDir);
  protectFolder(script, params.stateDir);
  const removed = script.files.listFiles(params.stateDir, "upload-*.msi");
  for (const path of removed) script.files.deleteFile(path);
  return { removed };
}
