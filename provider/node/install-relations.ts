/**
 * Check rules between the install options (spec/install.ts) that no single property's rule can see:
 * an upload needs msiexec, an uploaded msiFile must be there to read on the machine that runs the
 * deployment, and a file to upload leaves nothing to download. Values unknown during preview pass.
 */
import type { CheckFailure } from "./check";
import { msiFileProblem, unreadableFileProblem } from "./rules/local-file";
import { isRecord, isUnknown } from "./unknown";

export function installFailures(raw: Record<string, unknown>): CheckFailure[] {
  const install = raw.install;
  if (!isRecord(install)) return [];
  const failures: CheckFailure[] = [];
  const { method, source, msiFile } = install;
  if (source === "upload" && (method === "winget" || method === "none")) {
    failures.push({
      property: "install.source",
      reason: `"upload" sends Tailscale's MSI to the host for msiexec, which install.method "${method}" does not run: set install.method to "msi" (or leave it out), or remove install.source`,
    });
  }
  // A path its own rule refuses has that failure already; a file is looked for only behind a valid path.
  if (typeof msiFile === "string" && !isUnknown(msiFile) && msiFileProblem(msiFile) === undefined) {
    const problem = unreadableFileProblem(msiFile);
    if (problem) failures.push({ property: "install.msiFile", reason: problem });
  }
  if (msiFile !== undefined && install.msiUrl !== undefined) {
    failures.push({
      property: "install.msiUrl",
      reason: "cannot be used together with install.msiFile: the file is uploaded as it is and nothing is downloaded; remove one of them",
    });
  }
  return failures;
}
