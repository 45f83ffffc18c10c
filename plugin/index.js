/**
 * The provider plugin mesh-windows, started by `@pulumi/pulumi/cmd/run-plugin` for
 * `pulumi package add <this folder>`: it serves the plugin of the npm package pulumi-mesh-windows of
 * the same version (package.json), or, in a checkout where that package is not installed, the
 * checkout's own build (`npm ci && npm run build` at the repository's root first). The engine's
 * address arrives as the first argument.
 */
const path = require("path");

function pluginEntry() {
  for (const candidate of ["pulumi-mesh-windows/dist/provider/plugin", path.join(__dirname, "..", "dist", "provider", "plugin")]) {
    try {
      return require.resolve(candidate);
    } catch {
      // not installed here; try the next
    }
  }
  throw new Error(
    "mesh-windows: the provider is neither installed in this folder (npm install: it needs pulumi-mesh-windows from npm) " +
      "nor built in the checkout around it (npm ci && npm run build at the repository's root)",
  );
}

module.exports = require(pluginEntry()).servePlugin(process.argv.slice(2));
