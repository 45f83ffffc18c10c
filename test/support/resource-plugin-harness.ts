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
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as path from "path";
import { createInterface } from "readline";

import { installedPackage, newProgramDir, PACKAGE_NAME, type InstalledPackage } from "./installed-package";
import type { CheckFailure, Properties } from "./plugin-harness";
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

type Callback<T> = (error: grpc.ServiceError | null, response: T) => void;

export class MeshWindowsPlugin {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: providerGrpc.ResourceProviderClient,
    private readonly output: { stderr: string; stdout: string },
  ) {}

  /** Starts the plugin as `launch` says, with `env` added to this process's environment. */
  static async start(launch: Launch, engine: FakeEngine, env: Record<string, string> = {}): Promise<MeshWindowsPlugin> {
    const { file, args, cwd } = await command(launch, engine.address);
    const child = spawn(file, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const output = { stderr: "", stdout: "" };
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output.stderr += chunk));
    const lines = createInterface({ input: child.stdout });
    const port = await new Promise<string>((resolve, reject) => {
      lines.once("line", (line) => resolve(line.trim()));
      child.once("exit", (code) => reject(new Error(`the plugin exited (${code}) before printing its port:\n${output.stderr}`)));
    });
    lines.on("line", (line) => (output.stdout += `${line}\n`));
    const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new MeshWindowsPlugin(child, client, output);
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

  async check(urn: string, olds: Properties, news: Properties): Promise<{ inputs: Properties; failures: CheckFailure[] }> {
    const request = new providerPb.CheckRequest().setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news));
    return checked(await this.call<providerPb.CheckResponse>((cb) => this.client.check(request, cb)));
  }

  async diff(id: string, urn: string, olds: Properties, news: Properties, oldInputs: Properties): Promise<{ changes: string; replaces: string[] }> {
    const request = new providerPb.DiffRequest().setId(id).setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news)).setOldInputs(toStruct(oldInputs));
    const response = await this.call<providerPb.DiffResponse>((cb) => this.client.diff(request, cb));
    const names: Record<number, string> = { [providerPb.DiffResponse.DiffChanges.DIFF_NONE]: "none", [providerPb.DiffResponse.DiffChanges.DIFF_SOME]: "some" };
    const changes = names[response.getChanges()] ?? "unknown";
    return { changes, replaces: response.getReplacesList() };
  }

  async create(urn: string, properties: Properties, preview = false): Promise<{ id: string; properties: Properties }> {
    const request = new providerPb.CreateRequest().setUrn(urn).setProperties(toStruct(properties)).setPreview(preview);
    const response = await this.call<providerPb.CreateResponse>((cb) => this.client.create(request, cb));
    return { id: response.getId(), properties: fromStruct(response.getProperties()) };
  }

  /** Refresh (properties given) or import (only the id). */
  async read(id: string, urn: string, properties: Properties = {}, inputs: Properties = {}): Promise<{ id: string; properties: Properties; inputs?: Properties }> {
    const request = new providerPb.ReadRequest().setId(id).setUrn(urn).setProperties(toStruct(properties)).setInputs(toStruct(inputs));
    const response = await this.call<providerPb.ReadResponse>((cb) => this.client.read(request, cb));
    const returned = response.getInputs();
    return { id: response.getId(), properties: fromStruct(response.getProperties()), ...(returned && { inputs: fromStruct(returned) }) };
  }

  async update(id: string, urn: string, olds: Properties, news: Properties, oldInputs: Properties, preview = false): Promise<Properties> {
    const request = new providerPb.UpdateRequest().setId(id).setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news)).setOldInputs(toStruct(oldInputs)).setPreview(preview);
    return fromStruct((await this.call<providerPb.UpdateResponse>((cb) => this.client.update(request, cb))).getProperties());
  }

  async delete(id: string, urn: string, properties: Properties, oldInputs: Properties): Promise<void> {
    const request = new providerPb.DeleteRequest().setId(id).setUrn(urn).setProperties(toStruct(properties)).setOldInputs(toStruct(oldInputs));
    await this.call((cb) => this.client.delete(request, cb));
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill();
    await exited;
  }

  /** An RPC's answer, or its error as the engine would show it (the gRPC details alone). */
  private call<T>(start: (callback: Callback<T>) => void): Promise<T> {
    return new Promise((resolve, reject) => start((error, response) => (error ? reject(new Error(error.details || error.message)) : resolve(response))));
  }
}

function checked(response: providerPb.CheckResponse): { inputs: Properties; failures: CheckFailure[] } {
  return { inputs: fromStruct(response.getInputs()), failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })) };
}

function toStruct(properties: Properties): Struct {
  return Struct.fromJavaScript(properties as Parameters<typeof Struct.fromJavaScript>[0]);
}

function fromStruct(struct: Struct | undefined): Properties {
  return (struct?.toJavaScript() ?? {}) as Properties;
}
