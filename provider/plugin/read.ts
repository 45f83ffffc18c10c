/**
 * Read: `pulumi refresh` (the node's stored outputs are given) and `pulumi import` (only the id).
 *
 * The engine calls Read with nothing but the id to import; a Read that returns no inputs then makes
 * it report that the provider "does not support importing resources", which is also what a user
 * would see for a host that is not a node. So import always ends with inputs, or with an error that
 * says why the host cannot be adopted: the id is malformed, the configuration has no way to log in,
 * the host does not answer, has no Tailscale, or is not on the mesh.
 */
import { MeshError } from "../common/errors";
import { packageVersion } from "../common/version";
import * as engine from "../lifecycle";
import type { NodeInputs, NodeOutputs } from "../node/types";
import { withOwnSettings } from "../node/provider-config";
import { configured, stored, withProgress, type PluginContext } from "./context";
import { NODE_ID_FORM, parseNodeId } from "./node-id";
import { reveal, securedInputs, securedOutputs, type Properties } from "./secrets";

export interface ReadResult {
  id: string;
  properties: Properties;
  /** Set on import; on refresh, the inputs as they were. */
  inputs?: Properties;
}

export async function read(context: PluginContext, id: string, urn: string, properties: Properties, inputs: Properties): Promise<ReadResult> {
  const { value, secretPaths } = reveal(properties);
  if (Object.keys(value).length === 0) return adopt(context, id, urn);
  const own = value as unknown as NodeOutputs;
  const previous = configured(context, own);
  const { outputs } = await withProgress(context, urn, [previous], (log) => engine.readNode(previous, { log }));
  return { id, properties: securedOutputs(stored(outputs, own), secretPaths), ...(Object.keys(inputs).length > 0 && { inputs }) };
}

async function adopt(context: PluginContext, id: string, urn: string): Promise<ReadResult> {
  const address = parseNodeId(id);
  const own: NodeInputs = { connection: address, providerVersion: packageVersion() };
  const checked = engine.checkInputs(configured(context, own), { notNeeded: ["authKey"] });
  if ("failures" in checked) {
    throw new MeshError(`cannot import ${id}: the node it names cannot be reached with this provider's configuration`, {
      kind: "invalid-input",
      host: address.host,
      step: "import",
      seen: checked.failures.map((f) => `${f.property} ${f.reason}`).join("; "),
      hint: `the id is ${NODE_ID_FORM}; credentials come from the provider configuration: pulumi config set --secret mesh-windows:password (or mesh-windows:privateKey, mesh-windows:agentSocketPath), or MESH_WINDOWS_PASSWORD / MESH_WINDOWS_PRIVATE_KEY / MESH_WINDOWS_AGENT_SOCKET_PATH`,
    });
  }
  const adopted = await withProgress(context, urn, [checked.inputs], (log) => engine.adoptNode(checked.inputs, { log }));
  const inputs = withOwnSettings(adopted.inputs, own) as unknown as Properties;
  return { id, properties: securedOutputs(stored(adopted.outputs, own), []), inputs: securedInputs(inputs, []) };
}
