/**
 * install.msiFile: the user's own MSI on the deploying machine, uploaded as it is. It is hashed here
 * (the host checks what arrived against this hash) and held to install.sha256 when one is pinned.
 */
import { promises as fs } from "fs";
import { basename, resolve } from "path";
import { MeshError } from "../common/errors";
import { sameHash, sha256OfFile } from "./hash";
import type { LocalMsi } from "./index";

export async function msiFileAsGiven(msiFile: string, pinned: string | undefined): Promise<LocalMsi> {
  const path = resolve(msiFile);
  let size: number;
  let sha256: string;
  try {
    const stat = await fs.stat(path);
    if (!stat.isFile()) throw new Error("not a regular file");
    size = stat.size;
    sha256 = await sha256OfFile(path);
  } catch (error) {
    throw new MeshError(`install.msiFile ${path} cannot be read`, {
      kind: "install-failed",
      step: "install",
      seen: (error as Error).message,
      hint: "set install.msiFile to a readable Tailscale MSI on the machine that runs the deployment",
    });
  }
  if (pinned !== undefined && !sameHash(pinned, sha256)) {
    throw new MeshError(`install.msiFile ${path} is not the package install.sha256 pins`, {
      kind: "install-failed",
      step: "install",
      seen: `SHA-256 ${sha256}, not ${pinned.toLowerCase()}`,
      hint: "point install.msiFile at the package the hash belongs to, or correct install.sha256",
    });
  }
  return { path, sha256, size, fileName: basename(path), origin: "msi-file" };
}
