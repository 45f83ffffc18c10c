/**
 * A Windows build agent on a self-hosted Headscale. With `controlServer`, no auth key is kept in the
 * stack: the provider mints a single-use key for each join, and `pulumi refresh` reports what changed
 * on the host (README.md walks through it).
 */
import * as pulumi from "@pulumi/pulumi";
import { MeshWindowsNode } from "pulumi-mesh-windows";

const config = new pulumi.Config();
const headscaleUrl = config.require("headscaleUrl");

const agent = new MeshWindowsNode("build-agent", {
  connection: {
    host: config.require("host"),
    user: config.get("sshUser") ?? "Administrator",
    privateKey: config.requireSecret("sshPrivateKey"),
    // Pinned: a changed host key fails the operation instead of being trusted.
    hostKey: config.get("hostKey"),
  },
  // The node logs in to this Headscale (loginServer defaults to controlServer.url for kind "headscale").
  controlServer: {
    kind: "headscale",
    url: headscaleUrl,
    apiKey: config.requireSecret("headscaleApiKey"),
    user: config.get("headscaleUser") ?? "windows",
  },
  hostname: "build-agent",
  advertiseTags: ["tag:ci"],
  // `pulumi destroy` takes the machine off the mesh too, not only the secrets the provider left.
  onDelete: { logout: true, removeFromControlServer: true },
});

/** "joined" or "pending-manual" as of the last `pulumi up`. */
export const meshState = agent.state;
/** What the last refresh found different on the host; the next `pulumi up` repairs it. */
export const drift = agent.drift;
export const tailscaleIps = agent.tailscaleIps;
export const manualCommand = agent.manualCommand;
export const joinScript = agent.joinScript;
