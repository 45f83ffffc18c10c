/**
 * install.msiFile with hostile values (hostile-values.ts; fast-check, a fixed seed: MESH_FC_SEED
 * changes it). The path is only ever read on the deploying machine, never run or sent as code: any
 * file check() accepts is obtained byte for byte under its own name, and every value it refuses is
 * refused without being quoted back.
 */
import { createHash } from "crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import fc from "fast-check";
import { obtainMsi } from "../../provider/install-media";
import { checkInputs } from "../../provider/node";
import { asName, hostileTemplate, Ids } from "./hostile-values";

const SEED = Number(process.env.MESH_FC_SEED ?? 20261125);
const hostile = hostileTemplate({ long: false }).map((template) => new Ids().value(template));

const inputsWith = (msiFile: string) => ({ connection: { host: "h", password: "pw12" }, authKey: "key1", install: { source: "upload", msiFile } });

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "msi-hostile-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`install.msiFile with hostile values (fast-check seed ${SEED})`, () => {
  test("a value naming no file is refused on install.msiFile, never quoted back", () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const result = checkInputs(inputsWith(join(dir, `${value}.msi`)));
        expect("failures" in result).toBe(true);
        if (!("failures" in result)) return;
        expect(result.failures.map((f) => f.property)).toEqual(["install.msiFile"]);
        if (value.length >= 8) expect(result.failures[0]!.reason).not.toContain(value);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  test("a file with a hostile name is accepted and obtained as it is, nothing else created", async () => {
    // A file name Linux and Windows both hold, without the C1 control characters check() refuses in any text.
    const names = [...new Set(fc.sample(hostile, { seed: SEED, numRuns: 60 }).map((value) => `${asName(value).replace(/[\u007f-\u009f]/g, "_")}.msi`))];
    expect(names.length).toBeGreaterThan(30);
    for (const [i, name] of names.entries()) {
      const path = join(dir, name);
      const bytes = Buffer.from(`package ${i}`);
      writeFileSync(path, bytes);
      expect([name, checkInputs(inputsWith(path))]).toEqual([name, { inputs: inputsWith(path) }]);
      const msi = await obtainMsi({ msiFile: path, arch: "amd64" });
      expect(msi).toEqual({ path, sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length, fileName: name, origin: "msi-file" });
    }
    expect(readdirSync(dir).sort()).toEqual([...names].sort());
  });
});
