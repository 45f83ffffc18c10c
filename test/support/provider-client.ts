/**
 * The ResourceProvider gRPC calls both plugin harnesses make (plugin-harness.ts drives the dynamic
 * provider's plugin, resource-plugin-harness.ts the mesh-windows plugin): one typed method per RPC,
 * properties in wire form (google.protobuf.Struct as JavaScript), and the child process's end.
 */
import * as grpc from "@grpc/grpc-js";
import type * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import type { ChildProcess } from "child_process";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { createInterface } from "readline";

export type Properties = Record<string, unknown>;

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface DiffResult {
  changes: "unknown" | "none" | "some";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

const CHANGES: Record<number, DiffResult["changes"]> = {
  [providerPb.DiffResponse.DiffChanges.DIFF_UNKNOWN]: "unknown",
  [providerPb.DiffResponse.DiffChanges.DIFF_NONE]: "none",
  [providerPb.DiffResponse.DiffChanges.DIFF_SOME]: "some",
};

type Callback<T> = (error: grpc.ServiceError | null, response: T) => void;

/** A started plugin: its process, the port it printed first, and what it wrote to stderr. */
export interface PluginProcess {
  child: ChildProcess;
  port: string;
  output: { stderr: string; stdout: string };
}

/** Waits for the port a plugin prints as its first line; later stdout lines are kept in `output.stdout`. */
export async function awaitPort(child: ChildProcess): Promise<PluginProcess> {
  const output = { stderr: "", stdout: "" };
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output.stderr += chunk));
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<string>((resolve, reject) => {
    lines.once("line", (line) => resolve(line.trim()));
    child.once("exit", (code) => reject(new Error(`the plugin exited (${code}) before printing its port:\n${output.stderr}`)));
  });
  lines.on("line", (line) => (output.stdout += `${line}\n`));
  return { child, port, output };
}

export abstract class ProviderClient {
  protected constructor(
    private readonly child: ChildProcess,
    protected readonly client: providerGrpc.ResourceProviderClient,
  ) {}

  async check(urn: string, olds: Properties, news: Properties): Promise<{ inputs: Properties; failures: CheckFailure[] }> {
    const request = new providerPb.CheckRequest().setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news));
    return checked(await this.call<providerPb.CheckResponse>((cb) => this.client.check(request, cb)));
  }

  async diff(id: string, urn: string, olds: Properties, news: Properties, oldInputs: Properties): Promise<DiffResult> {
    const request = new providerPb.DiffRequest().setId(id).setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news)).setOldInputs(toStruct(oldInputs));
    const response = await this.call<providerPb.DiffResponse>((cb) => this.client.diff(request, cb));
    return { changes: CHANGES[response.getChanges()] ?? "unknown", replaces: response.getReplacesList(), deleteBeforeReplace: response.getDeletebeforereplace() };
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

  /** How an RPC's error reads in a failed test; the gRPC details alone, as the engine shows them. */
  protected describeError(error: grpc.ServiceError): string {
    return error.details || error.message;
  }

  protected call<T>(start: (callback: Callback<T>) => void): Promise<T> {
    return new Promise((resolve, reject) => start((error, response) => (error ? reject(new Error(this.describeError(error))) : resolve(response))));
  }
}

export function checked(response: providerPb.CheckResponse): { inputs: Properties; failures: CheckFailure[] } {
  return { inputs: fromStruct(response.getInputs()), failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })) };
}

export function toStruct(properties: Properties): Struct {
  return Struct.fromJavaScript(properties as Parameters<typeof Struct.fromJavaScript>[0]);
}

export function fromStruct(struct: Struct | undefined): Properties {
  return (struct?.toJavaScript() ?? {}) as Properties;
}
