/**
 * The TypeScript model of join.ps1's route guard (Resolve-MeshRouteAcceptance): after a join with
 * routes off, the routes the tailnet offers (`tailscale status --json`) are compared with the SSH
 * client's address (SSH_CLIENT, as OpenSSH sets it) and the host's own addresses; route acceptance
 * is turned on (`tailscale set --accept-routes`) only when none covers them.
 */
import { isTailnetAddress, prefixesOverlap } from "../../../provider/node/rules/network";
import { TAILSCALE_EXE, type RouteAcceptance } from "../../../provider/scripts/catalogue";
import { SSH_CLIENT } from "../../scenarios";
import type { Script } from "./common";

/** The host's NIC addresses with their prefix lengths, as Get-NetIPAddress answers (backends/pwsh/system.ps1's Get-SimAdapter). */
const NIC_PREFIXES = ["10.0.0.5/32"];

/** A bare address as its host prefix. */
const asPrefix = (text: string) => (text.includes("/") ? text : `${text}/${text.includes(":") ? 128 : 32}`);

async function offeredRoutes(script: Script): Promise<string[] | null> {
  const run = await script.native(TAILSCALE_EXE, ["status", "--json"], 30);
  if (run.exitCode !== 0) return null;
  try {
    const status = JSON.parse(run.output) as { Peer?: Record<string, { PrimaryRoutes?: string[] }> | null };
    return Object.values(status.Peer ?? {}).flatMap((peer) => (peer.PrimaryRoutes ?? []).filter(Boolean));
  } catch {
    return null;
  }
}

export async function resolveRouteAcceptance(script: Script): Promise<RouteAcceptance> {
  const offered = await offeredRoutes(script);
  if (offered === null) {
    return { accepted: false, reason: "the routes the tailnet offers could not be read (tailscale status --json failed), so route acceptance stays off" };
  }
  const client = SSH_CLIENT.trim().split(" ")[0]!;
  const own = [client, ...NIC_PREFIXES.filter((prefix) => !isTailnetAddress(prefix.split("/")[0]!))];
  for (const route of offered) {
    const mine = own.find((prefix) => prefixesOverlap(asPrefix(route), asPrefix(prefix)));
    if (mine !== undefined) {
      return {
        accepted: false,
        reason: `the tailnet offers the route ${route}, which covers ${mine} (the SSH client or this host's own network): accepting it would send this connection into the tailnet, so route acceptance stays off`,
      };
    }
  }
  const run = await script.native(TAILSCALE_EXE, ["set", "--accept-routes"], 30);
  if (run.exitCode !== 0) return { accepted: false, reason: `tailscale set --accept-routes failed, so route acceptance stays off: ${run.output}` };
  return { accepted: true, reason: null };
}
