/**
 * A scenario's starting host: cleanHost() with the scenario's `host` block laid over it. The
 * tailscale part is merged field by field, so a scenario names only what differs; folders are added
 * to the default ones (a host always has C:\ and C:\ProgramData); and a Tailscale said to be
 * installed is registered as the MSI product it would be (cleanup's uninstall looks it up there).
 */
import { cleanHost, type HostState } from "./host-state";
import type { Scenario } from "./scenarios";
import { UNINSTALL_KEY_ROOT, tailscaleUninstallEntry } from "./programs/msiexec";
import { WindowsRegistry } from "./windows-model";

export function initialHostState(scenario: Scenario): HostState {
  const base = cleanHost();
  const { tailscale, dirs, ...rest } = structuredClone(scenario.host ?? {});
  const host: HostState = { ...base, ...rest, tailscale: { ...base.tailscale, ...tailscale }, dirs: { ...base.dirs, ...dirs } };
  if (host.tailscale.installed && host.tailscale.version !== null && findTailscaleProduct(host) === undefined) {
    const entry = tailscaleUninstallEntry(host.tailscale.version);
    host.registry = { ...host.registry, [entry.key]: entry.values };
  }
  return host;
}

/** The registry key of the installed Tailscale MSI product, if Windows lists one. */
export function findTailscaleProduct(host: HostState): string | undefined {
  const products = `${UNINSTALL_KEY_ROOT}\\`.toLowerCase();
  const registry = new WindowsRegistry(host);
  return Object.keys(host.registry).find((key) => key.toLowerCase().startsWith(products) && registry.getValue(key, "DisplayName") === "Tailscale");
}
