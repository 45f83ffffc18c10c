/**
 * Drives the provider plugin mesh-windows over gRPC the way the engine does, without the Pulumi CLI
 * (the sibling of plugin-harness.ts, which drives the dynamic provider's plugin):
 *
 * - launched as the engine launches it, from the package as a user installs it (installed-package.ts):
 *   "executable"     node_modules/.bin/pulumi-resource-mesh-windows, linked as npm links package.json's
 *                    bin (shebang and execute bit included), started with the engine's address;
 *   "plugin folder"  the repository's plugin/ folder next to the installed package, started as the
 *                    Node.js language host starts a PulumiPlugin.yaml folder:
 *                    node <@pulumi/pulumi/cmd/run-plugin> <folder> <engine address>;
 *   "checkout"       the same, on the plugin/ folder of this checkout itself (built: dist/), as
 *                    `pulumi package add ./plugin` runs it before the package is on npm;
 * - a fake engine (the Engine gRPC service) that records every Log call the plugin makes;
 * - one typed call per RPC, properties in wire form (secrets wrapped as the engine wraps them).
 */
import * as grpc from "@grpc/grpc-js";
import * as engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as path from "path";

import { installedPackage, newProgramDir, PACKAGE_NAME, type InstalledPackage } from "./installed-package";
import { awaitPort, checked, ProviderClient, toStruct, type CheckFailure, type Properties } from "./provider-client";
import { REPO_ROOT } from "./repo";

export type Launch = "executable" | "plugin folder" | "checkout";

export interface LogCall {
  severity: number;
  message: string;
  urn: string;
}

/** The engine's side of the Log RPC: records what the plugin shows the user during `pulumi up`. */
export class FakeEngine {
  private constructor(
    private readonly server: grpc.Server,
    readonly address: string,
    /** Every Log call received, in order. */
    readonly logs: LogCall[],
  ) {}

  static async start(): Promise<FakeEngine> {
    const server = new grpc.Server();
    const logs: LogCall[] = [];
    server.addService(engineGrpc.EngineService, {
      log: (call: grpc.ServerUnaryCall<engineProto.LogRequest, Empty>, callback: grpc.sendUnaryData<Empty>) => {
        logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage(), urn: call.request.getUrn() });
        callback(null, new Empty());
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    return new FakeEngine(server, `127.0.0.1:${port}`, logs);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}

/** As npm links package.json's "bin": an executable link in node_modules/.bin (idempotent). */
function linkedExecutable(installed: InstalledPackage, name: string): string {
  const packageDir = path.join(installed.projectDir, "node_modules", PACKAGE_NAME);
  const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as { bin: Record<string, string> };
  const target = path.join(packageDir, manifest.bin[name]!);
  fs.chmodSync(target, 0o755);
  const link = path.join(installed.projectDir, "node_modules", ".bin", name);
  fs.mkdirSync(path.dirname(link), { recursive: true });
  if (!fs.existsSync(link)) fs.symlinkSync(path.relative(path.dirname(link), target), link);
  return link;
}

/** The repository's plugin/ folder, placed where the installed package resolves by name. */
function pluginFolder(installed: InstalledPackage): string {
  const folder = newProgramDir(installed, "plugin-folder");
  for (const file of fs.readdirSync(path.join(REPO_ROOT, "plugin"))) fs.copyFileSync(path.join(REPO_ROOT, "plugin", file), path.join(folder, file));
  return folder;
}

async function command(launch: Launch, engine: string): Promise<{ file: string; args: string[]; cwd: string }> {
  const installed = launch === "checkout" ? undefined : await installedPackage();
  if (launch === "executable") return { file: linkedExecutable(installed!, "pulumi-resource-mesh-windows"), args: [engine], cwd: installed!.projectDir };
  const folder = installed ? pluginFolder(installed) : path.join(REPO_ROOT, "plugin");
  const runPlugin = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [folder] });
  return { file: process.execPath, args: [runPlugin, folder, engine], cwd: folder };
}

export class MeshWindowsPlugin extends ProviderClient {
  private constructor(
    child: ChildProcess,
    client: providerGrpc.ResourceProviderClient,
    private readonly output: { stderr: string; stdout: string },
  ) {
    super(child, client);
  }

  /** Starts the plugin as `launch` says, with `env` added to this process's environment. */
  static async start(launch: Launch, engine: FakeEngine, env: Record<string, string> = {}): Promise<MeshWindowsPlugin> {
    const { file, args, cwd } = await command(launch, engine.address);
    const started = await awaitPort(spawn(file, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] }));
    const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${started.port}`, grpc.credentials.createInsecure());
    return new MeshWindowsPlugin(started.child, client, started.output);
  }

  /** What the plugin printed besides its port: the engine hides it from users, so it must hold nothing they need. */
  get printed(): string {
    return this.output.stdout + this.output.stderr;
  }

  async getSchema(): Promise<unknown> {
    const response = await this.call<providerPb.GetSchemaResponse>((cb) => this.client.getSchema(new providerPb.GetSchemaRequest(), cb));
    return JSON.parse(response.getSchema()) as unknown;
  }

  async checkConfig(urn: string, olds: Properties, news: Properties): Promise<{ inputs: Properties; failures: CheckFailure[] }> {
    const request = new providerPb.CheckRequest().setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news));
    return checked(await this.call<providerPb.CheckResponse>((cb) => this.client.checkConfig(request, cb)));
  }

  /** As the engine configures a provider: text variables, typed arguments with secrets wrapped. */
  async configure(args: Properties, variables: Record<string, string> = {}): Promise<{ acceptSecrets: boolean; supportsPreview: boolean }> {
    const request = new providerPb.ConfigureRequest().setArgs(toStruct(args)).setAcceptsecrets(true).setAcceptresources(true);
    for (const [key, value] of Object.entries(variables)) request.getVariablesMap().set(key, value);
    const response = await this.call<providerPb.ConfigureResponse>((cb) => this.client.configure(request, cb));
    return { acceptSecrets: response.getAcceptsecrets(), supportsPreview: response.getSupportspreview() };
  }
}
