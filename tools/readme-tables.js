// The README's inputs/outputs tables are generated from schema.json (which a test keeps in step with
// the TypeScript). `node tools/readme-tables.js --write` refreshes README.md; without --write it
// prints the tables, and test/docs/readme.test.ts fails when README.md is stale.
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const BEGIN = "<!-- generated from schema.json: begin -->";
const END = "<!-- generated from schema.json: end -->";

function typeName(schema, prop) {
  if (prop.$ref) return prop.$ref.replace(/^#\/types\/[^:]+:index:/, "");
  if (prop.type === "array") return `${typeName(schema, prop.items)}[]`;
  return prop.type;
}

function cell(text) {
  return (text ?? "").replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
}

function rows(schema, properties, required, secretNote) {
  return Object.entries(properties).map(([name, prop]) => {
    const flags = [required.includes(name) ? "required" : "", prop.secret ? "secret" : ""].filter(Boolean).join(", ");
    return `| \`${name}\` | ${typeName(schema, prop)} | ${flags} | ${cell(prop.description)} |`;
  });
}

function tables() {
  const schema = JSON.parse(fs.readFileSync(path.join(root, "schema.json"), "utf8"));
  const [token, resource] = Object.entries(schema.resources)[0];
  const head = ["| name | type | | description |", "|---|---|---|---|"];
  const outputsOnly = Object.fromEntries(Object.entries(resource.properties).filter(([name]) => !(name in resource.inputProperties)));
  const lines = [
    BEGIN,
    `Resource \`${token}\`.`,
    "",
    "**Inputs**",
    "",
    ...head,
    ...rows(schema, resource.inputProperties, resource.requiredInputs ?? []),
    "",
    "**Outputs** (besides the inputs)",
    "",
    ...head,
    ...rows(schema, outputsOnly, resource.required ?? []),
    "",
  ];
  for (const [typeToken, type] of Object.entries(schema.types)) {
    if (!type.properties) continue;
    lines.push(`**${typeToken.replace(/^[^:]+:index:/, "")}**`, "", ...head, ...rows(schema, type.properties, type.required ?? []), "");
  }
  lines.push(END);
  return lines.join("\n");
}

function withTables(readme) {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${BEGIN} ... ${END} section`);
  return readme.slice(0, start) + tables() + readme.slice(end + END.length);
}

module.exports = { tables, withTables };

if (require.main === module) {
  const file = path.join(root, "README.md");
  if (process.argv.includes("--write")) fs.writeFileSync(file, withTables(fs.readFileSync(file, "utf8")));
  else process.stdout.write(tables() + "\n");
}
