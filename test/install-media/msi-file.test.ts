/** obtainMsi with install.msiFile: the user's own package, hashed where it is, never downloaded. */
import { createHash } from "crypto";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { isMeshError } from "../../provider/common/errors";
import { obtainMsi } from "../../provider/install-media";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "msi-file-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writePackage(name: string, bytes: Buffer): { path: string; sha256: string } {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, sha256: createHash("sha256").update(bytes).digest("hex") };
}

describe("obtainMsi with msiFile", () => {
  it("returns the file where it is, with its hash, size and name", async () => {
    const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251));
    const { path, sha256 } = writePackage("Tailscale-Setup-1.90.6-ARM64.MSI", bytes);
    const msi = await obtainMsi({ msiFile: path, arch: "arm64" }, { cacheDir: join(dir, "cache") });
    expect(msi).toEqual({ path, sha256, size: bytes.length, fileName: "Tailscale-Setup-1.90.6-ARM64.MSI", origin: "msi-file" });
  });

  it("accepts a pinned hash in upper case when it is the file's", async () => {
    const { path, sha256 } = writePackage("ts.msi", Buffer.from("package bytes"));
    await expect(obtainMsi({ msiFile: path, sha256: sha256.toUpperCase(), arch: "amd64" })).resolves.toMatchObject({ sha256, origin: "msi-file" });
  });

  it("refuses a file whose hash is not the pinned one, naming both", async () => {
    const { path, sha256 } = writePackage("ts.msi", Buffer.from("another package"));
    const pinned = "a".repeat(64);
    const failure = await obtainMsi({ msiFile: path, sha256: pinned, arch: "amd64" }).catch((e: unknown) => e);
    expect(isMeshError(failure, "install-failed")).toBe(true);
    expect(String(failure)).toContain("install.sha256");
    expect(String(failure)).toContain(`SHA-256 ${sha256}, not ${pinned}`);
  });

  it.each([
    ["a missing file", () => join(dir, "missing.msi"), "ENOENT"],
    ["a folder", () => (mkdirSync(join(dir, "folder.msi")), join(dir, "folder.msi")), "not a regular file"],
  ])("refuses %s, naming install.msiFile", async (_name, path, seen) => {
    const failure = await obtainMsi({ msiFile: path(), arch: "amd64" }).catch((e: unknown) => e);
    expect(isMeshError(failure, "install-failed")).toBe(true);
    expect(String(failure)).toContain("install.msiFile");
    expect(String(failure)).toContain(seen);
  });
});
