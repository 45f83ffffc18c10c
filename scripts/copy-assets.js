// tsc compiles only TypeScript; the PowerShell the provider sends must sit next to the compiled code.
const fs = require("fs");
const path = require("path");

const from = path.join(__dirname, "..", "provider", "scripts");
const to = path.join(__dirname, "..", "dist", "provider", "scripts");
fs.mkdirSync(to, { recursive: true });
for (const name of fs.readdirSync(from).filter((n) => n.endsWith(".ps1"))) {
  fs.copyFileSync(path.join(from, name), path.join(to, name));
}
