/**
 * What every part of the simulated Headscale shares: the API versions it can stand for, how a route
 * is declared per version, and how grpc-gateway (the real server's REST front) writes answers and
 * errors and reads 64-bit ids.
 */
import type { RecordedRequest, SimulatedAnswer } from "./control-servers";

export const HEADSCALE_API_VERSIONS = ["0.23", "0.24", "0.26", "0.27", "0.28", "0.29"] as const;
export type HeadscaleApiVersion = (typeof HEADSCALE_API_VERSIONS)[number];

export interface Route {
  method: "GET" | "POST" | "DELETE";
  path: RegExp;
  /** The first version serving the route; unset = all. */
  from?: HeadscaleApiVersion;
  /** The first version no longer serving it; unset = still served. */
  before?: HeadscaleApiVersion;
  handle(request: RecordedRequest, match: RegExpMatchArray): SimulatedAnswer;
}

/** gRPC status codes the real server answers with, and grpc-gateway's HTTP status for each. */
export const GRPC = {
  unknown: { code: 2, http: 500 },
  invalidArgument: { code: 3, http: 400 },
  notFound: { code: 5, http: 404 },
  unimplemented: { code: 12, http: 501 },
  internal: { code: 13, http: 500 },
} as const;

export function isAtLeast(version: HeadscaleApiVersion, wanted: HeadscaleApiVersion): boolean {
  return HEADSCALE_API_VERSIONS.indexOf(version) >= HEADSCALE_API_VERSIONS.indexOf(wanted);
}

export function ok(body: unknown): SimulatedAnswer {
  return { status: 200, body };
}

export function rpcError(status: { code: number; http: number }, message: string): SimulatedAnswer {
  return { status: status.http, body: { code: status.code, message, details: [] } };
}

/** protojson takes a uint64 as a JSON number or a decimal string; absent is 0. */
export function parseUint64(value: unknown): number | "invalid" {
  if (value === undefined || value === null) return 0;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return "invalid";
}

export function asObject(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}
