/**
 * What every resource operation of the plugin shares: the provider configuration Configure set,
 * the engine's log, and the two rules that keep a node's state its own. Before an operation the
 * configuration is laid under the node's settings; after it, only the node's own settings and the
 * declared properties are stored (a stack moved from the dynamic provider also sheds `__provider`).
 */
import { Redactor } from "../common/redact";
import { secretsOf, withDefaults, NODE_INPUTS } from "../node";
import { withOwnSettings, withProviderConfig, type ProviderConfig } from "../node/provider-config";
import { NODE_OUTPUTS } from "../node/spec/outputs";
import type { NodeInputs, NodeOutputs } from "../node/types";
import type { EngineLog } from "./engine-log";
import type { Properties } from "./secrets";

export interface PluginContext {
  config: ProviderConfig;
  log: EngineLog;
}

/** A node's own inputs (or stored outputs) with the provider configuration laid under them. */
export function configured<T extends NodeInputs>(context: PluginContext, own: T): T {
  return withProviderConfig(own, context.config) as T;
}

const DECLARED = new Set([...Object.keys(NODE_INPUTS), ...Object.keys(NODE_OUTPUTS)]);

/** What the engine stores for a node: its declared properties, with only its own connection and controlServer. */
export function stored(outputs: NodeOutputs | Properties, own: NodeInputs): Properties {
  const declared = Object.fromEntries(Object.entries(outputs).filter(([key, value]) => DECLARED.has(key) && value !== undefined));
  return withOwnSettings(declared as unknown as NodeInputs, own) as unknown as Properties;
}

/**
 * Runs one lifecycle operation with its progress going to the engine under the resource's URN. The
 * answer waits for the lines to be delivered; an error leaves with every secret of the operation
 * (the node's and the configuration's) redacted.
 */
export async function withProgress<T>(context: PluginContext, urn: string, nodes: NodeInputs[], run: (log: (line: string) => void) => Promise<T>): Promise<T> {
  const redactor = new Redactor(nodes.flatMap((node) => secretsOf(withDefaults(node))));
  try {
    return await run(context.log.sink(urn, redactor));
  } catch (error) {
    throw new Error(redactor.text(error instanceof Error ? error.message : String(error)));
  } finally {
    await context.log.flushed();
  }
}
