/**
 * The ResourceProvider gRPC service of the plugin: each RPC's request read into plain values, one
 * call into config.ts, resource.ts or read.ts, and the answer written back. RPCs the plugin does not
 * serve (Invoke, Call, Construct, Parameterize, Handshake...) are left out, and gRPC answers them
 * UNIMPLEMENTED. Every failure leaves as its message alone: the operations have redacted it.
 */
import * as grpc from "@grpc/grpc-js";
import * as pluginPb from "@pulumi/pulumi/proto/plugin_pb";
import type * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

import { packageVersion } from "../common/version";
import type { CheckFailure } from "../node";
import { checkConfig, configure } from "./config";
import type { PluginContext } from "./context";
import { EngineLog } from "./engine-log";
import { read } from "./read";
import { check, create, diff, remove, update } from "./resource";
import schema from "./schema.json";
import type { Properties } from "./secrets";

type Unary<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

function unary<Req, Res>(answer: (request: Req) => Res | Promise<Res>): Unary<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => answer(call.request))
      .then(
        (response) => callback(null, response),
        (error: unknown) => callback({ code: grpc.status.UNKNOWN, details: error instanceof Error ? error.message : String(error) }),
      );
  };
}

function plain(struct: Struct | undefined): Properties {
  return (struct?.toJavaScript() ?? {}) as Properties;
}

function wire(properties: Properties): Struct {
  return Struct.fromJavaScript(properties as Parameters<typeof Struct.fromJavaScript>[0]);
}

function checkResponse(result: { inputs: Properties; failures: CheckFailure[] }): providerPb.CheckResponse {
  const failures = result.failures.map((f) => new providerPb.CheckFailure().setProperty(f.property).setReason(f.reason));
  return new providerPb.CheckResponse().setInputs(wire(result.inputs)).setFailuresList(failures);
}

const SCHEMA_TEXT = JSON.stringify(schema);

export function resourceProvider(context: PluginContext): Partial<providerGrpc.IResourceProviderServer> {
  return {
    getPluginInfo: unary(() => new pluginPb.PluginInfo().setVersion(packageVersion())),
    getSchema: unary((request: providerPb.GetSchemaRequest) => {
      if (request.getVersion() !== 0) throw new Error(`unsupported schema version ${request.getVersion()}`);
      return new providerPb.GetSchemaResponse().setSchema(SCHEMA_TEXT);
    }),
    attach: unary((request: pluginPb.PluginAttach) => {
      context.log.close();
      context.log = new EngineLog(request.getAddress());
      return new Empty();
    }),
    checkConfig: unary((request: providerPb.CheckRequest) => checkResponse(checkConfig(plain(request.getNews())))),
    diffConfig: unary((request: providerPb.DiffRequest) => {
      // The configuration is laid under every operation anew: a change to it never replaces a node.
      const same = JSON.stringify(plain(request.getOlds())) === JSON.stringify(plain(request.getNews()));
      return new providerPb.DiffResponse().setChanges(same ? providerPb.DiffResponse.DiffChanges.DIFF_NONE : providerPb.DiffResponse.DiffChanges.DIFF_SOME);
    }),
    configure: unary((request: providerPb.ConfigureRequest) => {
      const variables = Object.fromEntries(request.getVariablesMap().toArray());
      context.config = configure({ args: request.hasArgs() ? plain(request.getArgs()) : undefined, variables });
      return new providerPb.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true);
    }),
    check: unary((request: providerPb.CheckRequest) => checkResponse(check(context, plain(request.getOlds()), plain(request.getNews())))),
    diff: unary((request: providerPb.DiffRequest) => {
      const result = diff(context, plain(request.getOlds()), plain(request.getNews()));
      return new providerPb.DiffResponse()
        .setChanges(result.changes ? providerPb.DiffResponse.DiffChanges.DIFF_SOME : providerPb.DiffResponse.DiffChanges.DIFF_NONE)
        .setReplacesList(result.replaces)
        .setDeletebeforereplace(result.deleteBeforeReplace);
    }),
    create: unary(async (request: providerPb.CreateRequest) => {
      const result = await create(context, request.getUrn(), plain(request.getProperties()), request.getPreview());
      return new providerPb.CreateResponse().setId(result.id).setProperties(wire(result.properties));
    }),
    read: unary(async (request: providerPb.ReadRequest) => {
      const result = await read(context, request.getId(), request.getUrn(), plain(request.getProperties()), plain(request.getInputs()));
      const response = new providerPb.ReadResponse().setId(result.id).setProperties(wire(result.properties));
      return result.inputs ? response.setInputs(wire(result.inputs)) : response;
    }),
    update: unary(async (request: providerPb.UpdateRequest) => {
      const properties = await update(context, request.getUrn(), plain(request.getOlds()), plain(request.getNews()), request.getPreview());
      return new providerPb.UpdateResponse().setProperties(wire(properties));
    }),
    delete: unary(async (request: providerPb.DeleteRequest) => {
      await remove(context, request.getUrn(), plain(request.getProperties()));
      return new Empty();
    }),
    cancel: unary(() => new Empty()),
  };
}
