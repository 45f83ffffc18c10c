/**
 * Rules for a file on the machine that runs the deployment (install.msiFile): what its path must
 * look like, and, for check(), whether it is there and readable, so that a mistyped path fails at
 * preview rather than halfway through an install.
 */
import { accessSync, constants, statSync } from "fs";
import type { Rule } from "../declare";
import { printable } from "./text";

const MSI_FILE = "a path to Tailscale's MSI on the machine that runs the deployment, e.g. ./tailscale-setup-1.90.6-amd64.msi";

export const msiFileProblem: Rule = (value) => printable(MSI_FILE)(value) ?? (/\.msi$/i.test(value) ? undefined : `must end in .msi: ${MSI_FILE}`);

/** Why the file at `path` (relative: to the working directory) cannot be read, or undefined. */
export function unreadableFileProblem(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return "is not a file on the machine that runs the deployment (a folder?): give the MSI's own path";
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return "does not exist on the machine that runs the deployment (a relative path starts at the working directory): check the path";
    return `cannot be read on the machine that runs the deployment (${code ?? "unknown error"}): check the file's permissions`;
  }
}
