/**
 * Every generated file and how to render it. A whole file is generated outright; a document gets
 * its generated tables between `<!-- generated ... begin -->` and `... end -->` markers, the rest
 * of it stays as written.
 */
import { schemaJson } from "./schema";
import { nodeTypes, pulumiArgs } from "./typescript";

/** Renders a file from its current text (undefined when missing). */
export type Render = (current: string | undefined) => string;

export function generatedFiles(repoRoot: string): Record<string, Render> {
  return {
    "schema.json": () => schemaJson(repoRoot),
    "provider/node/types.ts": () => nodeTypes(),
    "provider/pulumi/args.ts": () => pulumiArgs(),
  };
}
