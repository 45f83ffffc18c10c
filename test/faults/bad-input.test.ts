/**
 * Bad input: test/lifecycle/inputs.test.ts holds the table of invalid inputs for check(). This file
 * adds the rows it lacks, and proves that, together, the two tables reject a bad value for every
 * input property schema.json declares (so a property added later without a row fails here).
 */
import * as fs from "fs";
import * as path from "path";
import { checkForPulumi, checkInputs, type CheckFailure } from "../../provider/node";
import { loadSchema, nodeResource, referencedType, type PackageSchema, type PropertySpec } from "../support/package-schema";
import { REPO_ROOT } from "../support/repo";
import { allSentinels, LeakScan, SENTINELS } from "../support/sentinels";

type Raw = Record<string, any>;

function minimal(): Raw {
  return { connection: { host: "10.0.0.5", password: "pw-123456" }, authKey: "tskey-auth-abc123" };
}

function failuresFor(change: (inputs: Raw) => void): CheckFailure[] {
  const inputs = minimal();
  change(inputs);
  const result = checkInputs(inputs);
  return "failures" in result ? result.failures : [];
}

const TAILSCALE = { kind: "tailscale", apiKey: "tskey-api-abc" };

/** [what, change, property, a fragment of its reason]: the rows inputs.test.ts does not have. */
const ROWS: [string, (inputs: Raw) => void, string, string][] = [
  ["an empty jump host password", (i) => (i.connection.proxy = { host: "jump", password: "" }), "connection.proxy.password", "must not be empty"],
  ["a jump host password that is a number", (i) => (i.connection.proxy = { host: "jump", password: 1234 }), "connection.proxy.password", "must be a string"],
  ["an empty jump host agent socket", (i) => (i.connection.proxy = { host: "jump", agentSocketPath: "" }), "connection.proxy.agentSocketPath", "must not be empty"],
  ["a jump host agent socket with a newline", (i) => (i.connection.proxy = { host: "jump", agentSocketPath: "/run/agent\n" }), "connection.proxy.agentSocketPath", "control character"],
  ["a key lifetime under 5 minutes", (i) => (i.controlServer = { ...TAILSCALE, keyExpirySeconds: 299 }), "controlServer.keyExpirySeconds", "whole number from 300 to 7776000"],
  ["a key lifetime over 90 days", (i) => (i.controlServer = { ...TAILSCALE, keyExpirySeconds: 7_776_001 }), "controlServer.keyExpirySeconds", "whole number from 300 to 7776000"],
  ["a fractional key lifetime", (i) => (i.controlServer = { ...TAILSCALE, keyExpirySeconds: 3600.5 }), "controlServer.keyExpirySeconds", "whole number from 300 to 7776000"],
  ["a key lifetime given as text", (i) => (i.controlServer = { ...TAILSCALE, keyExpirySeconds: "86400" }), "controlServer.keyExpirySeconds", "whole number from 300 to 7776000"],
];

test.each(ROWS)("check rejects %s, naming the property and the fix", (_what, change, property, fragment) => {
  const reasons = failuresFor(change)
    .filter((failure) => failure.property === property)
    .map((failure) => failure.reason);
  expect(reasons).toEqual(expect.arrayContaining([expect.stringContaining(fragment)]));
});

test("a jump host password beside a failure is hidden from what the engine prints", () => {
  const inputs = minimal();
  inputs.connection.port = 0;
  inputs.connection.proxy = { host: "jump", password: SENTINELS.password, agentSocketPath: "" };
  const { inputs: shown, failures } = checkForPulumi(inputs);
  expect(failures.map((failure) => failure.property).sort()).toEqual(["connection.port", "connection.proxy.agentSocketPath"]);
  const scan = LeakScan.of(allSentinels());
  scan.value("the inputs returned with failures", shown);
  scan.value("the failures", failures);
  expect(scan.found).toEqual([]);
});

/** Every input property path schema.json declares, objects and their fields alike. */
function inputPaths(schema: PackageSchema, properties: Record<string, PropertySpec>, prefix = ""): string[] {
  return Object.entries(properties).flatMap(([name, spec]) => {
    const here = prefix + name;
    const ref = spec.$ref ?? spec.items?.$ref;
    const fields = ref ? referencedType(schema, ref).spec.properties : undefined;
    return [here, ...(fields ? inputPaths(schema, fields, `${here}.`) : [])];
  });
}

/** The properties the rows of inputs.test.ts's rejection table name (the third field of each row). */
function propertiesInInputsTable(): Set<string> {
  const source = fs.readFileSync(path.join(REPO_ROOT, "test", "node", "inputs.test.ts"), "utf8");
  const start = source.indexOf('describe("checkInputs rejects');
  const end = source.indexOf("it.each(cases)", start);
  if (start < 0 || end < 0) throw new Error("inputs.test.ts no longer has its rejection table where this test looks for it");
  const table = source.slice(start, end);
  return new Set([...table.matchAll(/[)}],\s*"([A-Za-z][\w.]*)(?:\[\d+\])?",\s*["'`]/g)].map((match) => match[1]));
}

test("together with inputs.test.ts, some row rejects a bad value for every input property of schema.json", () => {
  const fromInputsTable = propertiesInInputsTable();
  expect(fromInputsTable.size).toBeGreaterThan(40);
  const covered = new Set([...fromInputsTable, ...ROWS.map(([, , property]) => property)]);
  const schema = loadSchema();
  expect(inputPaths(schema, nodeResource(schema).spec.inputProperties).filter((property) => !covered.has(property))).toEqual([]);
});
