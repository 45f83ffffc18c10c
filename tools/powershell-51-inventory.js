// The static 5.1 check (test/scripts/powershell-51.ts) allows only what Windows PowerShell 5.1 has:
// its commands and their parameter sets as PSScriptAnalyzer inventoried them on Windows Server 2016
// (../shared/data/windows-powershell-5.1/, MIT). CI has no ../shared, so this derives the compact form
// kept in test/fixtures/windows-powershell-5.1/: each command's module, type, whether it takes the
// common parameters, and the parameter names of each of its sets; and every alias name 5.1 exports.
// `node tools/powershell-51-inventory.js --write` refreshes the fixture; without --write it prints it.
// The inventory records no parameter aliases and no alias targets, so neither can the fixture.
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const SOURCE = path.join(root, "..", "shared", "data", "windows-powershell-5.1", "desktop-5.1.14393.206-windows.json");
const FIXTURE_DIR = path.join(root, "test", "fixtures", "windows-powershell-5.1");
const COMMON = "[<CommonParameters>]";

/** Version strings compared number by number ("2.0.0.0" after "1.1"). */
function newer(a, b) {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  }
  return false;
}

/**
 * Parameter names of each set in Get-Command -Syntax text such as
 * "[-Path] <string[]> [-Force] [<CommonParameters>] -LiteralPath <string[]> [<CommonParameters>]":
 * a cmdlet's sets are written one after another, each ending in [<CommonParameters>].
 */
function parameterSets(syntax) {
  const texts = Array.isArray(syntax) ? syntax : [syntax];
  const sets = [];
  for (const text of texts) {
    const pieces = text.includes(COMMON) ? text.split(COMMON).filter((piece) => piece.trim() !== "") : [text];
    for (const piece of pieces) {
      const names = [...piece.matchAll(/(?:^|[\s[])-([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]);
      sets.push([...new Set(names)].join(" "));
    }
  }
  return [...new Set(sets)];
}

/** The compact inventory: { source, commands: { Name: { module, type, common, sets } }, aliases: { name: module } }. */
function deriveInventory(source) {
  const inventory = JSON.parse(source.replace(/^\uFEFF/, ""));
  const commands = {};
  const versions = {};
  const aliases = {};
  for (const module of inventory.Modules) {
    for (const alias of module.ExportedAliases ?? []) aliases[alias] = module.Name;
    const exported = Array.isArray(module.ExportedCommands) ? module.ExportedCommands : module.ExportedCommands ? [module.ExportedCommands] : [];
    for (const command of exported) {
      if (command.CommandType === "Alias") {
        aliases[command.Name] = module.Name;
        continue;
      }
      const key = command.Name.toLowerCase();
      // Hyper-V ships two versions; Windows loads the newest.
      if (versions[key] !== undefined && !newer(module.Version, versions[key])) continue;
      versions[key] = module.Version;
      const syntax = command.ParameterSets ?? "";
      const common = (Array.isArray(syntax) ? syntax : [syntax]).some((text) => text.includes(COMMON));
      commands[command.Name] = { module: module.Name, type: command.CommandType, common, sets: parameterSets(syntax) };
    }
  }
  const sorted = (table) => Object.fromEntries(Object.entries(table).sort(([a], [b]) => a.localeCompare(b, "en")));
  return { source: "PSScriptAnalyzer, desktop-5.1.14393.206-windows.json (Windows PowerShell 5.1.14393.206, Windows Server 2016)", commands: sorted(commands), aliases: sorted(aliases) };
}

/** One command per line, so a change to the inventory reads as a small diff. */
function formatInventory(derived) {
  const entries = (table) => Object.entries(table).map(([name, value]) => `    ${JSON.stringify(name)}: ${JSON.stringify(value)}`).join(",\n");
  return `{\n  "source": ${JSON.stringify(derived.source)},\n  "commands": {\n${entries(derived.commands)}\n  },\n  "aliases": {\n${entries(derived.aliases)}\n  }\n}\n`;
}

module.exports = { SOURCE, FIXTURE_DIR, deriveInventory, formatInventory };

if (require.main === module) {
  const text = formatInventory(deriveInventory(fs.readFileSync(SOURCE, "utf8")));
  if (process.argv.includes("--write")) {
    fs.mkdirSync(FIXTURE_DIR, { recursive: true });
    fs.writeFileSync(path.join(FIXTURE_DIR, "commands.json"), text);
    // The licence travels with the data (read and written, not copied: the source is read-only).
    fs.writeFileSync(path.join(FIXTURE_DIR, "LICENSE-PSScriptAnalyzer"), fs.readFileSync(path.join(path.dirname(SOURCE), "LICENSE-PSScriptAnalyzer")));
  } else {
    process.stdout.write(text);
  }
}
