/**
 * Which Headscale API generation a server speaks. The server does not state its version, so it is
 * learned from side-effect-free calls that the released swagger specs tell apart, once per client
 * (a failed probe, e.g. the server is down, is not remembered):
 *
 *   GET  /api/v1/health        exists from 0.27
 *   GET  /api/v1/routes        exists up to 0.25 (routes moved onto nodes in 0.26)
 *   GET  /api/v1/preauthkey    takes no user from 0.28; 0.27 fails the call for the missing user
 *   POST /api/v1/policy/check  exists from 0.29 (validates a policy, applies nothing); asked only
 *                              when a caller needs to know whether node expiry can be disabled
 */
import { z } from "zod";
import { isSuccess, type ApiRequest, type ApiResponse, type ControlApi } from "./http";

/** What differs between Headscale API generations. */
export interface HeadscaleDialect {
  /** The releases this behaviour belongs to, for messages. */
  versions: "0.23 to 0.25" | "0.26 to 0.27" | "0.28 or later";
  /** How a pre-auth key names its user. */
  keyUser: "name" | "id";
  /** What expiring a pre-auth key takes; "id" also means keys can be deleted by id and owned by tags alone. */
  expireBy: "user-and-key" | "id";
}

const DIALECT_UP_TO_0_25: HeadscaleDialect = { versions: "0.23 to 0.25", keyUser: "name", expireBy: "user-and-key" };
const DIALECT_0_26_TO_0_27: HeadscaleDialect = { versions: "0.26 to 0.27", keyUser: "id", expireBy: "user-and-key" };
const DIALECT_FROM_0_28: HeadscaleDialect = { versions: "0.28 or later", keyUser: "id", expireBy: "id" };

const PURPOSE = "detect the Headscale API version";

export class HeadscaleProbe {
  private dialect?: Promise<HeadscaleDialect>;
  private disableExpiry?: Promise<boolean>;

  constructor(private readonly api: ControlApi) {}

  detectApi(): Promise<HeadscaleDialect> {
    this.dialect ??= forgetFailure(this.probeDialect(), () => (this.dialect = undefined));
    return this.dialect;
  }

  /**
   * Whether ExpireNode takes disableExpiry (0.29 and later). Older servers ignore the unknown query
   * parameter (grpc-gateway drops fields it does not know) and expire the node at once, so the
   * parameter must never reach them.
   */
  canDisableExpiry(): Promise<boolean> {
    this.disableExpiry ??= forgetFailure(this.probeDisableExpiry(), () => (this.disableExpiry = undefined));
    return this.disableExpiry;
  }

  private async probeDialect(): Promise<HeadscaleDialect> {
    if (!(await this.exists({ purpose: PURPOSE, method: "GET", path: "/api/v1/health" }))) {
      const hasRoutes = await this.exists({ purpose: PURPOSE, method: "GET", path: "/api/v1/routes" });
      return hasRoutes ? DIALECT_UP_TO_0_25 : DIALECT_0_26_TO_0_27;
    }
    const request: ApiRequest = { purpose: PURPOSE, method: "GET", path: "/api/v1/preauthkey" };
    const response = await this.api.send(request);
    if (isSuccess(response)) {
      if (z.object({ preAuthKeys: z.array(z.unknown()) }).safeParse(response.json).success) return DIALECT_FROM_0_28;
      throw this.api.unexpected(request, response, "no preAuthKeys list");
    }
    if (isLookupError(response)) return DIALECT_0_26_TO_0_27;
    throw this.api.failure(request, response);
  }

  private async probeDisableExpiry(): Promise<boolean> {
    if ((await this.detectApi()).expireBy !== "id") return false;
    // An empty policy is valid ("no policy") and checking it changes nothing on the server.
    return this.exists({ purpose: PURPOSE, method: "POST", path: "/api/v1/policy/check", body: { policy: "" } }, [400]);
  }

  /** True for a 2xx answer (or one of `alsoPresent`), false for 404 (no such route); anything else throws. */
  private async exists(request: ApiRequest, alsoPresent: number[] = []): Promise<boolean> {
    const response = await this.api.send(request);
    if (isSuccess(response) || alsoPresent.includes(response.status)) return true;
    if (response.status === 404) return false;
    throw this.api.failure(request, response);
  }
}

/** Headscale up to 0.27 answers a lookup of a missing user with a gRPC status (HTTP 500 or 404). */
function isLookupError(response: ApiResponse): boolean {
  const rpcStatus = z.object({ code: z.number(), message: z.string() });
  return (response.status === 500 || response.status === 404) && rpcStatus.safeParse(response.json).success;
}

function forgetFailure<T>(promise: Promise<T>, forget: () => void): Promise<T> {
  promise.catch(forget);
  return promise;
}
