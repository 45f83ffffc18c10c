// tsc compiles only TypeScript; the PowerShell the provider sends (and the simulator's Windows
// stand-ins, for `demo --backend pwsh`) must sit next to the compiled code.
const fs = require("fs");
const path = require("path");

for (const dir of [["provider", "scripts"], ["provider", "simulator", "pwsh"]]) {
  const from = path.join(__dirname, "..", ...dir);
  const to = path.join(__dirname, "..", "dist", ...dir);
  fs.mkdirSync(to, { recursive: true });
  for (const name of fs.readdirSync(from).filter((n) => n.endsWith(".ps1"))) {
    fs.copyFileSync(path.join(from, name), path.join(to, name));
  }
}
