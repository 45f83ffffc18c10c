#!/usr/bin/env node
/**
 * pulumi-resource-mesh-windows: the provider plugin as an executable (package.json "bin"), found
 * by the engine on $PATH or in a project's `plugins:` list. The engine passes its address.
 */
import { servePlugin } from "./index";

servePlugin(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`pulumi-resource-mesh-windows could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
