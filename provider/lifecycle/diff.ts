/**
 * The provider's `diff`: from the previous outputs (`olds`) and the checked inputs (`news`), whether
 * anything must run, and whether the node must be replaced. Only `changes`, `replaces` and
 * `deleteBeforeReplace` reach the engine; `changed` is for progress lines.
 *
 * Replaced: connection.host and connection.port, which name the machine (behind NAT a different port
 * is a different machine). Everything else is an update, which the provisioner converges in place;
 * see docs/inputs.md for the reasoning per property.
 */
import { DEFAULTS, INPUT_PROPERTIES, defaultLoginServer, isUnknown } from "../node";
import type { NodeInputs, NodeOutputs } from "../node/types";

export const REPLACE_PROPERTIES = ["connection.host", "connection.port"] as const;

export interface NodeDiff {
  changes: boolean;
  /** Property paths whose change replaces the node. */
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** What differs, for humans: property paths and the refresh's findings, never values. */
  changed: string[];
}

/** Previous outputs, or anything shaped like the inputs (an older provider's state may lack fields). */
export type PreviousNode = NodeInputs & Partial<Pick<NodeOutputs, "state" | "drift">>;

export function diffNode(olds: PreviousNode, news: NodeInputs): NodeDiff {
  const changedPaths = changedProperties(olds, news);
  const replaces = changedPaths.filter((path) => (REPLACE_PROPERTIES as readonly string[]).includes(path));
  const findings = [
    ...(olds.state === "pending-manual" ? ["state: pending-manual (the join is tried again)"] : []),
    ...(olds.drift ?? []).map((kind) => `drift: ${kind}`),
  ];
  return {
    changes: changedPaths.length > 0 || findings.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && deleteDisconnects(olds),
    changed: [...humanPaths(changedPaths, news), ...findings],
  };
}

/**
 * Replacing creates the new node before deleting the old one, so the mesh is never without it.
 * When the old node's delete disconnects the machine (logout, uninstall, removal from the control
 * server), delete first: the "new" host may be the same machine at a new address, and a delete
 * after the create would undo the join.
 */
function deleteDisconnects(olds: PreviousNode): boolean {
  const onDelete = olds.onDelete ?? {};
  return onDelete.logout === true || onDelete.uninstall === true || onDelete.removeFromControlServer === true;
}

/**
 * Input property paths (e.g. `connection.port`, `advertiseTags`) whose effective value differs.
 * Key order does not matter; an unset property equals its default; tags and routes are sets; a
 * value unknown during preview counts as changed.
 */
export function changedProperties(olds: NodeInputs, news: NodeInputs): string[] {
  const before = flatten(inputPart(olds));
  const after = flatten(inputPart(news));
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths.filter((path) => underUnknown(after, path) || !sameValue(effective(before, path), effective(after, path)));
}

/** Unset values of the diff: the input defaults, plus an unset providerVersion recorded as "". */
const DIFF_DEFAULTS = flatten({ ...DEFAULTS, providerVersion: "" });

function inputPart(inputs: NodeInputs): Record<string, unknown> {
  const record = inputs as unknown as Record<string, unknown>;
  return Object.fromEntries(INPUT_PROPERTIES.filter((key) => record[key] !== undefined).map((key) => [key, record[key]]));
}

/** Leaves by dotted path; arrays (tags, routes) and unknown values are leaves. */
function flatten(value: object, prefix = "", out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined || child === null) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof child === "object" && !Array.isArray(child)) flatten(child, path, out);
    else out.set(path, child);
  }
  return out;
}

function effective(flat: Map<string, unknown>, path: string): unknown {
  if (flat.has(path)) return flat.get(path);
  if (path === "loginServer") {
    const kind = flat.get("controlServer.kind");
    const url = flat.get("controlServer.url");
    if (kind === "headscale" && typeof url === "string") return defaultLoginServer({ kind, url });
  }
  return DIFF_DEFAULTS.get(path);
}

function underUnknown(flat: Map<string, unknown>, path: string): boolean {
  const parts = path.split(".");
  return parts.some((_, i) => isUnknown(flat.get(parts.slice(0, i + 1).join("."))));
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(asSet(a)) === JSON.stringify(asSet(b));
}

/** Every array among the inputs is a set (tags, routes): order is not a change. */
function asSet(value: unknown): unknown {
  return Array.isArray(value) ? [...value].map((item) => JSON.stringify(item)).sort() : value;
}

/** Paths below an unknown object are reported once, as the object. */
function humanPaths(paths: string[], news: NodeInputs): string[] {
  const after = flatten(inputPart(news));
  const unknownRoots = paths.filter((path) => isUnknown(after.get(path)));
  return paths
    .filter((path) => !unknownRoots.some((root) => path.startsWith(`${root}.`)))
    .map((path) => (unknownRoots.includes(path) ? `${path} (known after apply)` : path));
}
