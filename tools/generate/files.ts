/**
 * Every generated file and how to render it. A whole file is generated outright; a document gets
 * its generated tables between `<!-- generated: NAME begin -->` and `... end -->` markers, the rest
 * of it stays as written.
 */
import { flagsTable, inputsTable, providerConfigTable, readmeTables, secretsTable, withSection } from "./docs";
import { packageSchema, pluginSchemaJson, schemaJson } from "./schema";
import { nodeOutputTypes, nodeTypes, pulumiArgs } from "./typescript";

/** Renders a file from its current text (undefined when missing). */
export type Render = (current: string | undefined) => string;

function sections(build: Record<string, () => string>): Render {
  return (current) => {
    if (current === undefined) throw new Error("a document with generated sections must exist");
    return Object.entries(build).reduce((text, [name, body]) => withSection(text, name, body()), current);
  };
}

export function generatedFiles(repoRoot: string): Record<string, Render> {
  return {
    "schema.json": () => schemaJson(repoRoot),
    "provider/plugin/schema.json": () => pluginSchemaJson(repoRoot),
    "provider/node/types.ts": () => nodeTypes(),
    "provider/node/output-types.ts": () => nodeOutputTypes(),
    "provider/pulumi/args.ts": () => pulumiArgs(),
    "README.md": sections({
      "provider configuration": () => providerConfigTable(),
      "inputs and outputs": () => readmeTables(packageSchema(repoRoot)),
    }),
    "docs/inputs.md": sections({ "input properties": () => inputsTable() }),
    "docs/cli.md": sections({
      "connection flags": () => flagsTable("connection"),
      "join flags": () => flagsTable("join"),
      "delete flags": () => flagsTable("delete"),
      "secret sources": () => secretsTable(),
    }),
  };
}
