/**
 * The package as a user gets it: built with tsc, its PowerShell copied next to the compiled code,
 * and placed as a real directory (not a symlink) in a project's node_modules, next to its
 * dependencies. This matters for Pulumi: the closure serializer requires modules found under a
 * node_modules directory by name, and captures every other module by value (field notes §7), so a
 * test that loads the package from the repo serializes something no user ever gets.
 *
 * One installation per content of the sources, cached in the temp directory and shared by the test
 * files (jest runs them in parallel workers: one builds under a lock, aside, and renames the result
 * into place; the others wait for it).
 * Programs run in their own folder under the installation (see newProgramDir), so Node finds the
 * packages the way it does in a user's project.
 */
import { execFile } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";

import { REPO_ROOT } from "./repo";

export const PACKAGE_NAME = "pulumi-mesh-windows";

/** Installed next to the package, as in a user's project: what the examples need besides it. */
const PROJECT_DEPENDENCIES = ["@pulumi/command", "@types/node"];

const CACHE_ROOT = path.join(os.tmpdir(), "mesh-windows-installed");
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;
const LOCK_STALE_MS = 10 * 60 * 1000;

export interface InstalledPackage {
  /** The project directory whose node_modules holds the package and its dependencies. */
  projectDir: string;
}

let pending: Promise<InstalledPackage> | undefined;

/** Builds (or reuses) the installation for the current sources. */
export function installedPackage(): Promise<InstalledPackage> {
  pending ??= install();
  return pending;
}

/** A fresh, empty folder for one program inside the installation's project. */
export function newProgramDir(installed: InstalledPackage, label: string): string {
  const programs = path.join(installed.projectDir, "programs");
  fs.mkdirSync(programs, { recursive: true });
  return fs.mkdtempSync(path.join(programs, `${label}-`));
}

async function install(): Promise<InstalledPackage> {
  const projectDir = path.join(CACHE_ROOT, sourceHash());
  const lock = `${projectDir}.lock`;
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  // One worker builds; the others wait for the directory to appear (it is renamed into place whole).
  while (!fs.existsSync(projectDir)) {
    if (acquire(lock)) {
      try {
        if (!fs.existsSync(projectDir)) await buildAndRename(projectDir);
      } finally {
        fs.rmSync(lock, { recursive: true, force: true });
      }
    } else {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return { projectDir };
}

function acquire(lock: string): boolean {
  try {
    fs.mkdirSync(lock);
    return true;
  } catch {
    // A lock left by a killed run would block forever: a build never takes this long.
    const since = fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
    if (since !== undefined && Date.now() - since > LOCK_STALE_MS) fs.rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

async function buildAndRename(projectDir: string): Promise<void> {
  pruneStale();
  const scratch = fs.mkdtempSync(path.join(CACHE_ROOT, "building-"));
  try {
    await buildInto(scratch);
    fs.renameSync(scratch, projectDir);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function buildInto(projectDir: string): Promise<void> {
  const packageDir = path.join(projectDir, "node_modules", PACKAGE_NAME);
  const distDir = path.join(packageDir, "dist");
  fs.mkdirSync(packageDir, { recursive: true });
  const tsc = require.resolve("typescript/bin/tsc", { paths: [REPO_ROOT] });
  // tsc emits even when it reports type errors (work in progress elsewhere in the tree): the tests
  // run what was emitted, and say that the build was not clean.
  const diagnostics = await promisify(execFile)(process.execPath, [tsc, "-p", path.join(REPO_ROOT, "tsconfig.json"), "--outDir", distDir], {
    cwd: REPO_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    () => "",
    (error: { stdout?: string; message: string }) => error.stdout || error.message,
  );
  if (!fs.existsSync(path.join(distDir, "provider", "index.js"))) {
    throw new Error(`tsc emitted no dist/provider/index.js:\n${diagnostics}`);
  }
  if (diagnostics) console.warn(`npm run build would fail; testing what tsc emitted anyway:\n${diagnostics}`);

  // As tools/copy-assets.js does for dist/: the PowerShell the provider sends sits next to the code.
  const scripts = path.join(REPO_ROOT, "provider", "scripts");
  for (const name of fs.readdirSync(scripts).filter((n) => n.endsWith(".ps1"))) {
    fs.copyFileSync(path.join(scripts, name), path.join(distDir, "provider", "scripts", name));
  }
  // What `npm pack` ships besides dist/ (package.json "files").
  for (const name of ["package.json", "schema.json", "README.md"]) {
    const from = path.join(REPO_ROOT, name);
    if (fs.existsSync(from)) fs.copyFileSync(from, path.join(packageDir, name));
  }

  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  for (const dependency of [...Object.keys(manifest.dependencies), ...PROJECT_DEPENDENCIES]) {
    const link = path.join(projectDir, "node_modules", dependency);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    // Dependencies are found by name wherever they live; only our own package must be a real copy.
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules", dependency), link, "dir");
  }
}

/** Changes whenever anything that goes into the build changes. */
function sourceHash(): string {
  const hash = createHash("sha256");
  const files = [
    ...listFiles(path.join(REPO_ROOT, "provider")),
    ...["package.json", "tsconfig.json", "schema.json", "README.md"].map((f) => path.join(REPO_ROOT, f)).filter((f) => fs.existsSync(f)),
  ];
  for (const file of files.sort()) {
    hash.update(path.relative(REPO_ROOT, file)).update("\0").update(fs.readFileSync(file)).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

/** Installations of earlier sources pile up as the code changes; drop those a day old. */
function pruneStale(): void {
  for (const name of fs.readdirSync(CACHE_ROOT)) {
    const dir = path.join(CACHE_ROOT, name);
    if (Date.now() - fs.statSync(dir).mtimeMs > STALE_AFTER_MS) fs.rmSync(dir, { recursive: true, force: true });
  }
}
