/**
 * Value rule for the exit node a host uses (`tailscale up --exit-node`): what Tailscale's CLI
 * resolves, an IP address of a peer, a peer's MagicDNS name (short or fully qualified), or `auto:any`
 * (let Tailscale pick). Anything else would fail on the host after the node has been reconfigured.
 */
import * as net from "net";
import type { Rule } from "../declare";

const DNS_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** Longest DNS name in text form. */
const MAX_NAME_LENGTH = 253;

export const exitNodeProblem: Rule = (value) => {
  if (value === "auto:any") return undefined;
  // Zones (fe80::1%eth0) are the host's own interfaces, never a peer.
  if (net.isIP(value) !== 0 && !value.includes("%")) return undefined;
  const name = value.endsWith(".") ? value.slice(0, -1) : value;
  const labels = name.split(".");
  if (name.length > 0 && name.length <= MAX_NAME_LENGTH && labels.every((label) => DNS_LABEL.test(label)) && !/^[\d.]+$/.test(name)) return undefined;
  return "must be the exit node to use: a peer's Tailscale IP address (e.g. 100.101.102.103), its MagicDNS name (e.g. gateway or gateway.tail1234.ts.net), or auto:any to let Tailscale pick one";
};
