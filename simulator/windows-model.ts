/**
 * Windows semantics over the plain HostState: paths and registry names compare case-insensitively
 * (the case first written is kept), and new files and folders take their readers from the folder
 * they are created in.
 */
import type { HostState } from "./host-state";
import { forgetSecurity, moveSecurity } from "./security";

/** The key of `record` that names `name` on Windows (case-insensitive), if any. */
export function findName<T>(record: Record<string, T>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.keys(record).find((key) => key.toLowerCase() === wanted);
}

/** A Windows path without a trailing separator (except a drive root such as "C:\"). */
export function normalizePath(path: string): string {
  const slashes = path.replace(/\//g, "\\");
  return /^[A-Za-z]:\\$/.test(slashes) ? slashes : slashes.replace(/\\+$/, "");
}

export function isAbsoluteWindowsPath(path: string): boolean {
  return /^[A-Za-z]:\\/.test(path.replace(/\//g, "\\"));
}

export function parentOf(path: string): string {
  const normal = normalizePath(path);
  const cut = normal.lastIndexOf("\\");
  if (cut < 0) return normal;
  return cut <= 2 ? normal.slice(0, 3) : normal.slice(0, cut);
}

export function leafOf(path: string): string {
  const normal = normalizePath(path);
  return normal.slice(normal.lastIndexOf("\\") + 1);
}

export function joinPath(dir: string, leaf: string): string {
  const normal = normalizePath(dir);
  return normal.endsWith("\\") ? normal + leaf : `${normal}\\${leaf}`;
}

/** Whether `path` lies inside `dir` (at any depth), case-insensitively. */
export function isInside(path: string, dir: string): boolean {
  const prefix = joinPath(dir, "").toLowerCase();
  return normalizePath(path).toLowerCase().startsWith(prefix);
}

/** Files and folders of one simulated host. */
export class WindowsFileSystem {
  /** `changed` is told the name of every file written or moved into place (the exposure check). */
  constructor(
    private readonly host: HostState,
    private readonly changed: (name: string) => void = () => undefined,
  ) {}

  /** Throws what Windows says when `path` lies in a folder of HostState.unwritable. */
  assertWritable(path: string): void {
    const folder = parentOf(path);
    const denied = (this.host.unwritable ?? []).some((dir) => normalizePath(dir).toLowerCase() === folder.toLowerCase() || isInside(folder, dir));
    if (denied) throw new Error(`Access to the path '${normalizePath(path)}' is denied.`);
  }

  fileName(path: string): string | undefined {
    return findName(this.host.files, normalizePath(path));
  }

  dirName(path: string): string | undefined {
    return findName(this.host.dirs, normalizePath(path));
  }

  fileExists(path: string): boolean {
    return this.fileName(path) !== undefined;
  }

  dirExists(path: string): boolean {
    return this.dirName(path) !== undefined;
  }

  readFile(path: string): string | undefined {
    const name = this.fileName(path);
    return name === undefined ? undefined : this.host.files[name].content;
  }

  /** Readers new items inside `dir` inherit. */
  inheritedReaders(dir: string): string[] {
    const name = this.dirName(dir);
    if (name === undefined) throw new Error(`Could not find a part of the path '${dir}'.`);
    return [...this.host.dirs[name]];
  }

  /**
   * Creates `path` and any missing parents. Parents inherit from their own parent; `path` gets
   * `readers` when given (an explicit, protected ACL), otherwise inherits too. An existing folder
   * keeps its ACL unless `readers` is given.
   */
  ensureDir(path: string, readers?: readonly string[]): string {
    const normal = normalizePath(path);
    const existing = this.dirName(normal);
    if (existing !== undefined) {
      if (readers) this.host.dirs[existing] = [...readers];
      return existing;
    }
    const parent = parentOf(normal);
    if (parent !== normal) this.ensureDir(parent);
    if (parent !== normal) this.assertWritable(normal);
    this.host.dirs[normal] = readers ? [...readers] : parent === normal ? [] : this.inheritedReaders(parent);
    return normal;
  }

  /** Writes (or replaces) a file; a new file inherits its folder's readers unless `readers` is given. */
  writeFile(path: string, content: string, readers?: readonly string[]): string {
    const existing = this.fileName(path);
    const name = existing ?? normalizePath(path);
    this.assertWritable(name);
    const acl = readers ? [...readers] : existing !== undefined ? this.host.files[existing].readers : this.inheritedReaders(parentOf(name));
    this.host.files[name] = { content, readers: acl };
    this.changed(name);
    return name;
  }

  /** Move-Item within one volume: the file keeps its ACL. */
  moveFile(from: string, to: string): string {
    const source = this.fileName(from);
    if (source === undefined) throw new Error(`Cannot find path '${from}' because it does not exist.`);
    this.assertWritable(to);
    const file = this.host.files[source];
    delete this.host.files[source];
    const existing = this.fileName(to);
    if (existing !== undefined) delete this.host.files[existing];
    const name = normalizePath(to);
    this.host.files[name] = file;
    moveSecurity(this.host, source, name);
    this.changed(name);
    return name;
  }

  /** Removes a file; returns the name it had, or undefined when there was none. */
  deleteFile(path: string): string | undefined {
    const name = this.fileName(path);
    if (name !== undefined) delete this.host.files[name];
    if (name !== undefined) forgetSecurity(this.host, name);
    return name;
  }

  /** Files directly inside `dir` whose leaf name matches a `*` wildcard pattern. */
  listFiles(dir: string, pattern: string): string[] {
    const leaf = wildcardRegExp(pattern);
    const parent = normalizePath(dir).toLowerCase();
    return Object.keys(this.host.files).filter((path) => parentOf(path).toLowerCase() === parent && leaf.test(leafOf(path)));
  }

  /** What Get-ChildItem -Force lists in `dir`: its files, then its folders. */
  children(dir: string): string[] {
    const parent = normalizePath(dir).toLowerCase();
    const inside = (path: string) => path.length > 3 && parentOf(path).toLowerCase() === parent;
    return [...Object.keys(this.host.files).filter(inside), ...Object.keys(this.host.dirs).filter(inside)];
  }

  isEmptyDir(dir: string): boolean {
    const inside = (path: string) => isInside(path, dir);
    return !Object.keys(this.host.files).some(inside) && !Object.keys(this.host.dirs).some(inside);
  }

  removeDir(dir: string): string | undefined {
    const name = this.dirName(dir);
    if (name !== undefined) delete this.host.dirs[name];
    if (name !== undefined) forgetSecurity(this.host, name);
    return name;
  }
}

function wildcardRegExp(pattern: string): RegExp {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "i");
}

/** Registry keys and values of one simulated host (names case-insensitive, like Windows). */
export class WindowsRegistry {
  constructor(private readonly host: HostState) {}

  /** New-Item -Force: the key's name as stored. */
  ensureKey(key: string): string {
    const existing = findName(this.host.registry, key);
    if (existing !== undefined) return existing;
    this.host.registry[key] = {};
    return key;
  }

  setValue(key: string, name: string, value: string | number): void {
    const values = this.host.registry[this.ensureKey(key)];
    values[findName(values, name) ?? name] = value;
  }

  removeValue(key: string, name: string): void {
    const stored = findName(this.host.registry, key);
    if (stored === undefined) return;
    const values = this.host.registry[stored];
    const valueName = findName(values, name);
    if (valueName !== undefined) delete values[valueName];
  }

  getValue(key: string, name: string): string | number | undefined {
    const stored = findName(this.host.registry, key);
    if (stored === undefined) return undefined;
    const values = this.host.registry[stored];
    const valueName = findName(values, name);
    return valueName === undefined ? undefined : values[valueName];
  }
}
