/**
 * The simulated Headscale's node-expiry and key-removal calls, per release (swagger specs and
 * hscontrol/grpcv1.go of each tag):
 *   POST   /api/v1/node/{id}/expire   all versions; `expiry` (date-time) from 0.27, `disableExpiry`
 *                                     from 0.29 (expiry becomes null). Like grpc-gateway, a version
 *                                     drops query parameters it does not know, so an older server
 *                                     given disableExpiry expires the node now.
 *   DELETE /api/v1/preauthkey?id=     from 0.28; deleting a missing key succeeds (a delete by id)
 *   POST   /api/v1/policy/check       from 0.29; checks a policy without applying it (an empty
 *                                     policy is valid; the simulator checks no other)
 */
import type { RecordedRequest, SimulatedAnswer } from "./control-servers";
import { GRPC, asObject, isAtLeast, ok, parseUint64, rpcError, type HeadscaleApiVersion, type Route } from "./headscale-grpc";

/** What these routes reach of the server's state. */
export interface HeadscaleRecords<N extends { expiry: Date | null }> {
  version: HeadscaleApiVersion;
  node(id: number): N | undefined;
  nodeJson(node: N): Record<string, unknown>;
  deleteKey(id: number): void;
}

export function keyAndExpiryRoutes<N extends { expiry: Date | null }>(records: HeadscaleRecords<N>): Route[] {
  return [
    { method: "POST", path: /^\/api\/v1\/node\/([^/]+)\/expire$/, handle: (request, match) => expireNode(records, request, match[1] ?? "") },
    { method: "DELETE", path: /^\/api\/v1\/preauthkey$/, from: "0.28", handle: (request) => deleteKey(records, request) },
    { method: "POST", path: /^\/api\/v1\/policy\/check$/, from: "0.29", handle: (request) => checkPolicy(request) },
  ];
}

function expireNode<N extends { expiry: Date | null }>(records: HeadscaleRecords<N>, request: RecordedRequest, rawId: string): SimulatedAnswer {
  const id = parseUint64(rawId);
  if (id === "invalid") return rpcError(GRPC.invalidArgument, `type mismatch, parameter: node_id, value: ${rawId}`);
  const since = (version: HeadscaleApiVersion): boolean => isAtLeast(records.version, version);
  const rawExpiry = since("0.27") ? request.query.expiry : undefined;
  const rawDisable = since("0.29") ? request.query.disableExpiry : undefined;
  const expiry = rawExpiry === undefined ? undefined : new Date(rawExpiry);
  if (expiry && Number.isNaN(expiry.getTime())) {
    return rpcError(GRPC.invalidArgument, `parsing field "expiry": invalid google.protobuf.Timestamp value "${rawExpiry}"`);
  }
  if (rawDisable !== undefined && rawDisable !== "true" && rawDisable !== "false") {
    return rpcError(GRPC.invalidArgument, `parsing field "disable_expiry": strconv.ParseBool: parsing "${rawDisable}": invalid syntax`);
  }
  const disable = rawDisable === "true";
  if (disable && expiry) return rpcError(GRPC.invalidArgument, "cannot set both disable_expiry and expiry");
  const node = records.node(id);
  if (!node) return rpcError(GRPC.unknown, since("0.28") ? `node no longer exists in NodeStore: ${id}` : "record not found");
  node.expiry = disable ? null : (expiry ?? new Date());
  return ok({ node: records.nodeJson(node) });
}

function deleteKey<N extends { expiry: Date | null }>(records: HeadscaleRecords<N>, request: RecordedRequest): SimulatedAnswer {
  const id = parseUint64(request.query.id);
  if (id === "invalid") return rpcError(GRPC.invalidArgument, `parsing field "id": strconv.ParseUint: parsing "${request.query.id}": invalid syntax`);
  records.deleteKey(id);
  return ok({});
}

function checkPolicy(request: RecordedRequest): SimulatedAnswer {
  const policy = asObject(request.body).policy;
  if (policy === undefined || policy === "") return ok({});
  return rpcError(GRPC.invalidArgument, "parsing policy: the simulated Headscale checks only the empty policy");
}
