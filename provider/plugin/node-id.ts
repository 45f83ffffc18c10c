/**
 * A node's id: `user@host:port`. `pulumi import` takes it, and create assigns it, so an id always
 * says which machine a node is. It never carries a credential: those come from the provider's
 * configuration (or its environment variables), as Docker's `docker:host` / DOCKER_HOST do.
 *
 *   win-01.example.com            host alone (user and port from the configuration, or defaults)
 *   Administrator@10.0.0.5:22     all three
 *   ops@corp.example.com@win-01   a user name with an @ (the last @ separates the host)
 *   admin@[fd7a::5]:2222          an IPv6 address in brackets
 */
import { MeshError } from "../common/errors";

export interface NodeAddress {
  host: string;
  port?: number;
  user?: string;
}

export const NODE_ID_FORM = "user@host:port (user and port optional; an IPv6 address in brackets)";

export function nodeId(address: Required<NodeAddress>): string {
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return `${address.user}@${host}:${address.port}`;
}

export function parseNodeId(id: string): NodeAddress {
  const at = id.lastIndexOf("@");
  const user = at >= 0 ? id.slice(0, at) : undefined;
  const place = id.slice(at + 1);
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(place);
  const plain = /^([^:[\]\s]+)(?::(\d+))?$/.exec(place);
  const bareIpv6 = !bracketed && (place.match(/:/g) ?? []).length > 1 && !/[[\]\s]/.test(place);
  const [host, port] = bracketed ? [bracketed[1], bracketed[2]] : bareIpv6 ? [place, undefined] : plain ? [plain[1], plain[2]] : [undefined, undefined];
  if (!host || user === "") {
    throw new MeshError(`"${id}" is not a node id`, {
      kind: "invalid-input",
      step: "import",
      hint: `give the Windows host as ${NODE_ID_FORM}, e.g. Administrator@10.0.0.5:22; credentials come from the provider configuration (mesh-windows:password, mesh-windows:privateKey or mesh-windows:agentSocketPath)`,
    });
  }
  return { host, ...(port !== undefined && { port: Number(port) }), ...(user !== undefined && { user }) };
}
