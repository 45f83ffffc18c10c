/**
 * The provider plugin `mesh-windows`: MeshWindowsNode for every Pulumi language, on the same engine
 * as the dynamic provider. The engine starts it either as the executable pulumi-resource-mesh-windows
 * (main.ts) or through `@pulumi/pulumi/cmd/run-plugin` on the repository's plugin/ folder, whose
 * main calls servePlugin; both pass the engine's address as the first argument.
 */
import * as grpc from "@grpc/grpc-js";
import * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";

import type { PluginContext } from "./context";
import { EngineLog } from "./engine-log";
import { resourceProvider } from "./handlers";

/** Flags the engine may put before its address (the stock provider server skips the same ones). */
function engineAddressOf(args: readonly string[]): string | undefined {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--tracing") i += 1;
    else if (args[i] !== "--logtostderr" && !args[i]!.startsWith("-v=")) rest.push(args[i]!);
  }
  return rest[0];
}

/**
 * Serves on a free loopback port and prints the port as the first line of stdout, which is how the
 * engine finds the plugin. Resolves with the port; the server keeps the process alive.
 */
export async function servePlugin(args: readonly string[]): Promise<number> {
  const context: PluginContext = { config: {}, log: new EngineLog(engineAddressOf(args)) };
  const server = new grpc.Server();
  server.addService(providerGrpc.ResourceProviderService, resourceProvider(context) as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  process.stdout.write(`${port}\n`);
  return port;
}
