// tsc compiles only TypeScript; the PowerShell the provider sends (and, in a build of the whole
// checkout, the simulated host's Windows stand-ins) must sit next to the compiled code.
//   node tools/copy-assets.js dist    the package: provider/scripts only
//   node tools/copy-assets.js build   the checkout's programs (demo, bench): the stand-ins too
const fs = require("fs");
const path = require("path");

const outDir = process.argv[2];
const folders = { dist: [["provider", "scripts"]], build: [["provider", "scripts"], ["simulator", "backends", "pwsh"]] }[outDir];
if (!folders) throw new Error(`usage: node tools/copy-assets.js dist|build (got ${outDir})`);

for (const dir of folders) {
  const from = path.join(__dirname, "..", ...dir);
  const to = path.join(__dirname, "..", outDir, ...dir);
  fs.mkdirSync(to, { recursive: true });
  for (const name of fs.readdirSync(from).filter((n) => n.endsWith(".ps1"))) {
    fs.copyFileSync(path.join(from, name), path.join(to, name));
  }
}
