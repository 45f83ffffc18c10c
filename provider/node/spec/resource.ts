/**
 * The resource as a whole: the names it registers under and how schema.json presents the package.
 * The dynamic resource registers as `pulumi-nodejs:dynamic/<module>:<type>`, the token schema.json
 * must use for it; the provider plugin serves it as `mesh-windows:index:<type>`.
 */
/** What the resource does, the same whichever provider serves it. */
const WHAT_IT_DOES =
  "A Windows host on a Tailscale or Headscale mesh, declared next to its VM. Over SSH it installs Tailscale when needed, writes the policy (login server, unattended mode), restarts the service and runs `tailscale up` with retries on the host.\n\n" +
  "When Windows keeps `tailscale up` from reaching the daemon over SSH, the node ends in state `pending-manual`: a join script is left on the host (readable by Administrators and SYSTEM only), and the outputs `manualCommand` and `joinScript` (secret) say what a person runs once in an elevated interactive session (RDP or console). Once it has joined, the script deletes itself (it holds the auth key; if it is still there, the next `pulumi up` removes it), and the next `pulumi refresh` sees the node joined.";

export const RESOURCE = {
  /** `pulumi.dynamic.Resource`'s module and type arguments. */
  module: "pulumi-mesh-windows",
  type: "MeshWindowsNode",
  description:
    WHAT_IT_DOES +
    "\n\nThis is a Pulumi dynamic resource: its type token is the one `pulumi.dynamic.Resource` registers (`pulumi-nodejs:dynamic/<module>:<type>`).",
} as const;

export const DYNAMIC_RESOURCE_TOKEN = `pulumi-nodejs:dynamic/${RESOURCE.module}:${RESOURCE.type}`;

/** schema.json's package: its name prefixes the object and enum types (`mesh-windows:index:<Type>`). */
export const SCHEMA_PACKAGE = {
  name: "mesh-windows",
  displayName: "Mesh Windows Node",
  description: "Put Windows machines on a Tailscale/Headscale mesh from `pulumi up`, over SSH.",
  keywords: ["pulumi", "tailscale", "headscale", "windows", "ssh", "category/network", "kind/component"],
  license: "Apache-2.0",
  publisher: "pulumi-mesh-windows contributors",
  allowedPackageNames: ["pulumi-nodejs"],
} as const;

/**
 * The same resource served by the provider plugin `mesh-windows` (provider/plugin/), which every
 * Pulumi language can use, with `pulumi import` (id `user@host:port`) and provider configuration.
 */
export const PLUGIN_RESOURCE = {
  token: `${SCHEMA_PACKAGE.name}:index:${RESOURCE.type}`,
  description:
    WHAT_IT_DOES +
    "\n\nImport a Windows host that already has Tailscale and is on the mesh with `pulumi import mesh-windows:index:MeshWindowsNode <name> <user>@<host>:<port>` (user and port optional: `host`, `host:port`, `user@host`; an IPv6 address in brackets). The credentials come from the provider's configuration (`mesh-windows:password`, `mesh-windows:privateKey`, ... or their environment variables), never from the id.",
} as const;
