/**
 * The inputs of a node on a simulated host, for the lifecycle tests that create, update and delete
 * one: the host's own connection, a fast join (one attempt), and whatever the test is about.
 */
import type { NodeInputs } from "../../provider/node/types";
import type { SimulatedWindowsHost } from "../../simulator";

export function simNodeInputs(host: SimulatedWindowsHost, authKey: string, options: Partial<NodeInputs> = {}): NodeInputs {
  return {
    connection: { host: host.host, port: host.port, user: host.user, password: host.password, connectDeadlineSeconds: 20 },
    authKey,
    loginServer: "https://headscale.example.com",
    hostname: "win-01",
    joinAttempts: 1,
    joinTimeoutSeconds: 10,
    stepTimeoutSeconds: 120,
    providerVersion: "0.0.0-test",
    ...options,
  };
}
