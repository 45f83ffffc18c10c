/**
 * The inventory the 5.1 check trusts: the fixture is what tools/powershell-51-inventory.js derives
 * from PSScriptAnalyzer's file (where ../shared holds it; CI has only the fixture), and the pwsh back
 * end's stand-ins for 5.1 cmdlets declare exactly the parameters the inventory gives those cmdlets.
 */
import { existsSync, readFileSync, readdirSync } from "fs";
import { join } from "path";
import { INVENTORY_PATH, inventoryCommand } from "./inventory-51";
import { functionsDefinedIn } from "./powershell-51";

const root = join(__dirname, "..", "..");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const generator = require(join(root, "tools", "powershell-51-inventory.js")) as {
  SOURCE: string;
  deriveInventory: (source: string) => unknown;
  formatInventory: (derived: unknown) => string;
};
/** Where the simulator's Windows stand-ins live. */
const STAND_IN_DIR = join(root, "simulator", "backends", "pwsh");

/**
 * Parameters a stand-in may declare beyond the inventory: dynamic parameters of providers other than
 * the FileSystem (the inventory was taken in a FileSystem location, so it has -Encoding and -File
 * but not the Registry provider's Set-ItemProperty -Type).
 */
const PROVIDER_PARAMETERS: Record<string, string[]> = { "Set-ItemProperty": ["Type"] };

describe("the Windows PowerShell 5.1 inventory fixture", () => {
  const sourcePresent = existsSync(generator.SOURCE);
  if (!sourcePresent) console.warn(`\n*** SKIPPED the fixture-is-current check: no ${generator.SOURCE} (expected outside the lead's machine) ***\n`);

  (sourcePresent ? test : test.skip)("is what the generator derives from PSScriptAnalyzer's file (run: node tools/powershell-51-inventory.js --write)", () => {
    const derived = generator.formatInventory(generator.deriveInventory(readFileSync(generator.SOURCE, "utf8")));
    expect(readFileSync(INVENTORY_PATH, "utf8")).toBe(derived);
  });

  test("carries its licence", () => {
    expect(readFileSync(join(INVENTORY_PATH, "..", "LICENSE-PSScriptAnalyzer"), "utf8")).toMatch(/^MIT License[\s\S]*Copyright \(c\) Microsoft Corporation/);
  });
});

describe("the pwsh back end's stand-ins take 5.1's parameters, as the inventory lists them", () => {
  const files = readdirSync(STAND_IN_DIR).filter((file) => file.endsWith(".ps1"));

  test.each(files)("%s", async (file) => {
    const standIns = (await functionsDefinedIn(readFileSync(join(STAND_IN_DIR, file), "utf8"))).filter((shape) => inventoryCommand(shape.name));
    const differences = standIns.flatMap((standIn) => {
      const real = inventoryCommand(standIn.name)!;
      const declared = new Set(standIn.sets.flat());
      const expected = new Set([...real.sets.flat(), ...(PROVIDER_PARAMETERS[real.name] ?? [])]);
      const extra = [...declared].filter((name) => !expected.has(name)).map((name) => `${standIn.name} -${name}: not in 5.1`);
      const missing = [...expected].filter((name) => !declared.has(name)).map((name) => `${standIn.name} -${name}: missing`);
      const common = standIn.common === real.common ? [] : [`${standIn.name}: common parameters ${standIn.common ? "taken" : "not taken"}`];
      return [...extra, ...missing, ...common];
    });
    expect(differences).toEqual([]);
  });

  test("the stand-ins cover the 5.1 cmdlets the scripts need most (the check is not vacuous)", async () => {
    const names = new Set<string>();
    for (const file of files) for (const shape of await functionsDefinedIn(readFileSync(join(STAND_IN_DIR, file), "utf8"))) names.add(shape.name);
    expect([...names]).toEqual(expect.arrayContaining(["Set-Content", "Get-Service", "Set-ItemProperty", "Invoke-WebRequest", "ConvertFrom-Json"]));
  });
});
