/**
 * Drives the real dynamic-provider plugin (`@pulumi/pulumi/cmd/dynamic-provider`, what the Pulumi CLI
 * starts as pulumi-resource-pulumi-nodejs) over gRPC, the way the engine does, without the CLI:
 *
 * - DynamicProviderPlugin: the child process and one typed call per RPC (Configure, Check, Diff,
 *   Create, Read, Update, Delete), properties in wire form (google.protobuf.Struct as JavaScript).
 * - EngineResource: one resource's life as the engine runs it, including what the engine does with
 *   secrets for a provider that does not accept them (the dynamic provider says so in Configure):
 *   it sends plain values, then marks outputs secret where the matching input was secret
 *   (annotateSecrets in pkg/resource/plugin/provider_plugin.go) and where additionalSecretOutputs
 *   says so. The resulting `state` is what `pulumi up` would store.
 */
import * as grpc from "@grpc/grpc-js";
import * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { spawn, type ChildProcess } from "child_process";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

import { awaitPort, ProviderClient, type CheckFailure, type DiffResult, type Properties } from "./provider-client";

export type { CheckFailure, DiffResult, Properties };

// ---------------------------------------------------------------- secrets as the engine sees them

export function secret(value: unknown): Properties {
  return { [specialSigKey]: specialSecretSig, value };
}

export function isSecret(value: unknown): value is { value: unknown } {
  return isRecord(value) && value[specialSigKey] === specialSecretSig;
}

/** What the engine sends a provider that does not accept secrets: every value in the clear. */
export function revealed<T>(value: T): T {
  if (isSecret(value)) return revealed(value.value) as T;
  if (Array.isArray(value)) return value.map(revealed) as T;
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealed(v)])) as T;
  return value;
}

function containsSecrets(value: unknown): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecrets);
  if (isRecord(value)) return Object.values(value).some(containsSecrets);
  return false;
}

/** The engine's annotateSecrets: an output is secret where the input of the same path holds a secret. */
function annotateSecrets(outs: Properties, ins: Properties): Properties {
  const result: Properties = { ...outs };
  for (const [key, input] of Object.entries(ins)) {
    if (!(key in result)) continue;
    const output = result[key];
    if (isRecord(output) && !isSecret(output) && isRecord(input) && !isSecret(input)) result[key] = annotateSecrets(output, input);
    else if (!isSecret(output) && containsSecrets(input)) result[key] = secret(output);
  }
  return result;
}

/** additionalSecretOutputs: top-level keys only (pulumi#3144). */
function withSecretOutputs(outs: Properties, names: readonly string[]): Properties {
  return Object.fromEntries(Object.entries(outs).map(([k, v]) => [k, names.includes(k) && !isSecret(v) ? secret(v) : v]));
}

/** Paths at which any of `secrets` can be read outside a secret (empty = nothing leaks). */
export function exposedSecrets(value: unknown, secrets: readonly string[], at = ""): string[] {
  if (isSecret(value)) return [];
  if (typeof value === "string") return secrets.some((s) => value.includes(s)) ? [at || "(value)"] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => exposedSecrets(v, secrets, `${at}[${i}]`));
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => exposedSecrets(v, secrets, at ? `${at}.${k}` : k));
  return [];
}

function isRecord(value: unknown): value is Properties {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------- the plugin process

export class DynamicProviderPlugin extends ProviderClient {
  private constructor(
    child: ChildProcess,
    client: providerGrpc.ResourceProviderClient,
    private readonly output: { stderr: string },
  ) {
    super(child, client);
  }

  /**
   * Starts the plugin in `projectDir`, as the engine does (the serialized provider's `require`s
   * resolve from there), and connects to the port it prints first.
   */
  static async start(projectDir: string): Promise<DynamicProviderPlugin> {
    const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [projectDir] });
    // The engine address is required on the command line; the plugin only calls the engine for
    // pulumi.log, which this provider does not use (its progress goes to stderr, pulumi#18253).
    const started = await awaitPort(spawn(process.execPath, [entry, "127.0.0.1:1"], { cwd: projectDir, stdio: ["ignore", "pipe", "pipe"] }));
    const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${started.port}`, grpc.credentials.createInsecure());
    return new DynamicProviderPlugin(started.child, client, started.output);
  }

  /** Everything the plugin printed on stderr so far (what `pulumi up` shows the user). */
  get stderr(): string {
    return this.output.stderr;
  }

  async configure(): Promise<{ acceptSecrets: boolean }> {
    const request = new providerPb.ConfigureRequest().setArgs(Struct.fromJavaScript({})).setAcceptsecrets(true);
    const response = await this.call<providerPb.ConfigureResponse>((cb) => this.client.configure(request, cb));
    return { acceptSecrets: response.getAcceptsecrets() };
  }

  protected override describeError(error: grpc.ServiceError): string {
    return `${super.describeError(error)}\n(plugin stderr:)\n${this.output.stderr}`;
  }
}

// ---------------------------------------------------------------- one resource, as the engine runs it

export function urnOf(type: string, name: string, project = "test", stack = "test"): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

export class EngineResource {
  id = "";
  /** The checked inputs, with the engine's secret marks. */
  inputs: Properties = {};
  /** The outputs as the engine stores them (secret marks included). */
  state: Properties = {};

  constructor(
    private readonly plugin: DynamicProviderPlugin,
    readonly urn: string,
    private readonly additionalSecretOutputs: readonly string[],
  ) {}

  /** Check; on success the result becomes the inputs of the next create or update. */
  async check(news: Properties): Promise<{ inputs: Properties; failures: CheckFailure[] }> {
    const result = await this.plugin.check(this.urn, revealed(this.inputs), revealed(news));
    const inputs = annotateSecrets(result.inputs, news);
    return { inputs, failures: result.failures };
  }

  async create(inputs: Properties): Promise<Properties> {
    const created = await this.plugin.create(this.urn, revealed(inputs));
    this.id = created.id;
    this.inputs = inputs;
    this.state = this.secured(created.properties, inputs);
    return this.state;
  }

  /** pulumi refresh. */
  async read(): Promise<Properties> {
    const read = await this.plugin.read(this.id, this.urn, revealed(this.state), revealed(this.inputs));
    this.state = this.secured(read.properties, this.state);
    return this.state;
  }

  async diff(news: Properties): Promise<DiffResult> {
    return this.plugin.diff(this.id, this.urn, revealed(this.state), revealed(news), revealed(this.inputs));
  }

  async update(news: Properties): Promise<Properties> {
    const outs = await this.plugin.update(this.id, this.urn, revealed(this.state), revealed(news), revealed(this.inputs));
    this.inputs = news;
    this.state = this.secured(outs, news);
    return this.state;
  }

  async delete(): Promise<void> {
    await this.plugin.delete(this.id, this.urn, revealed(this.state), revealed(this.inputs));
  }

  private secured(outs: Properties, secretsFrom: Properties): Properties {
    return withSecretOutputs(annotateSecrets(outs, secretsFrom), this.additionalSecretOutputs);
  }
}
