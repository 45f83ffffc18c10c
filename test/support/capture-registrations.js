/**
 * Runs a Pulumi program under @pulumi/pulumi's mocks, in a plain Node process (not jest: the closure
 * serializer finds modules through Node's require.cache, which jest replaces), and writes what the
 * engine would receive for each resource registration: its type and name, its inputs in wire form
 * (secrets still wrapped in the secret signature, `__provider` included) and its
 * additionalSecretOutputs.
 *
 *   cd <project>/programs/x && node capture-registrations.js <program.js> <out.json> <project-name>
 *
 * The project's node_modules provides @pulumi/pulumi and the program's packages, as for `pulumi up`.
 * Stack configuration comes from PULUMI_CONFIG, as the Pulumi CLI passes it to a program.
 */
"use strict";
const fs = require("fs");
const path = require("path");

const [programFile, outFile, projectName] = process.argv.slice(2);
const fromProject = (id) => require(require.resolve(id, { paths: [process.cwd()] }));

const pulumi = fromProject("@pulumi/pulumi");
const settings = fromProject("@pulumi/pulumi/runtime/settings");

const registrations = [];
pulumi.runtime.setMocks(
  {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
  },
  projectName,
  "test",
  false,
);

// The mock's newResource sees deserialized inputs only; the request itself is what the engine gets.
const monitor = settings.getMonitor();
const registerResource = monitor.registerResource.bind(monitor);
monitor.registerResource = (request, callback) => {
  registrations.push({
    type: request.getType(),
    name: request.getName(),
    inputs: request.getObject().toJavaScript(),
    additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
  });
  return registerResource(request, callback);
};

process.on("beforeExit", () => {
  fs.writeFileSync(outFile, JSON.stringify(registrations));
});

require(path.resolve(programFile));
