/**
 * MeshWindowsNode's Check, Diff, Create, Update and Delete as the provider plugin serves them: each
 * translated onto the lifecycle, as thin as the dynamic provider's binding (provider/pulumi/), plus
 * what a plugin must do itself: secrets unwrapped on the way in and wrapped on the way out, the
 * provider configuration laid under the node's own settings, progress through the engine's Log RPC,
 * and nothing at all done to a host during a preview. Read and import are in read.ts.
 */
import { packageVersion } from "../common/version";
import * as engine from "../lifecycle";
import { maskedForFailures, PULUMI_UNKNOWN, withDefaults, type CheckFailure } from "../node";
import { withOwnSettings } from "../node/provider-config";
import { NODE_OUTPUTS } from "../node/spec/outputs";
import type { NodeInputs, NodeOutputs } from "../node/types";
import { configured, stored, withProgress, type PluginContext } from "./context";
import { nodeId } from "./node-id";
import { reveal, securedInputs, securedOutputs, type Properties } from "./secrets";

/**
 * A node that exists already (olds are given: an update, or the check after an import) needs no
 * auth key: it has joined, and a join it may need later fails then, naming what is missing.
 */
export function check(context: PluginContext, olds: Properties, news: Properties): { inputs: Properties; failures: CheckFailure[] } {
  const { value, secretPaths } = reveal(news);
  const own = value as unknown as NodeInputs;
  const existing = Object.keys(olds).length > 0;
  const result = engine.checkInputs(configured(context, own), { notNeeded: existing ? ["authKey"] : [] });
  if ("failures" in result) return { inputs: maskedForFailures(value, result.failures), failures: result.failures };
  const inputs = { ...withOwnSettings(result.inputs, own), providerVersion: packageVersion() };
  return { inputs: securedInputs(inputs as unknown as Properties, secretPaths), failures: [] };
}

/** Both sides with the configuration laid under them, so a default it supplies is no change. */
export function diff(context: PluginContext, olds: Properties, news: Properties): engine.NodeDiff {
  const before = configured(context, reveal(olds).value as unknown as NodeOutputs);
  const after = configured(context, reveal(news).value as unknown as NodeInputs);
  return engine.diffNode(before, after);
}

export async function create(context: PluginContext, urn: string, properties: Properties, preview: boolean): Promise<{ id: string; properties: Properties }> {
  const { value, secretPaths } = reveal(properties);
  const own = value as unknown as NodeInputs;
  if (preview) return { id: "", properties: securedOutputs(previewed(own), secretPaths) };
  const inputs = configured(context, own);
  const outputs = await withProgress(context, urn, [inputs], (log) => engine.createNode(inputs, { log }));
  const { host, port, user } = withDefaults(inputs).connection;
  return { id: nodeId({ host, port, user }), properties: securedOutputs(stored(outputs, own), secretPaths) };
}

export async function update(context: PluginContext, urn: string, olds: Properties, news: Properties, preview: boolean): Promise<Properties> {
  const { value, secretPaths } = reveal(news);
  const own = value as unknown as NodeInputs;
  if (preview) return securedOutputs(previewed(own), secretPaths);
  const previous = configured(context, reveal(olds).value as unknown as NodeOutputs);
  const inputs = configured(context, own);
  const outputs = await withProgress(context, urn, [previous, inputs], (log) => engine.updateNode(previous, inputs, { log }));
  return securedOutputs(stored(outputs, own), secretPaths);
}

export async function remove(context: PluginContext, urn: string, properties: Properties): Promise<void> {
  const state = configured(context, reveal(properties).value as unknown as NodeOutputs);
  await withProgress(context, urn, [state], (log) => engine.deleteNode(state, { log }));
}

/** What a preview shows: the inputs as they will be stored, and every status output unknown until the operation runs. */
function previewed(own: NodeInputs): Properties {
  const unknown = Object.fromEntries(Object.keys(NODE_OUTPUTS).map((key) => [key, PULUMI_UNKNOWN]));
  return stored({ ...withDefaults(own), ...unknown } as unknown as Properties, own);
}
