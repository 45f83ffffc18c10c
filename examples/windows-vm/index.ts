/**
 * A Windows VM joins the mesh. The VM itself comes from whatever creates it (azure-native, aws, a
 * hypervisor); this program takes its address and administrator password from the stack's config,
 * so it runs as is against any Windows host with OpenSSH (see README.md).
 */
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { MeshWindowsNode } from "pulumi-mesh-windows";

const config = new pulumi.Config();

// One connection object for both packages: these fields mean the same to @pulumi/command.
const connection = {
  host: config.require("host"),
  user: config.get("adminUser") ?? "Administrator",
  password: config.requireSecret("adminPassword"),
};

// OpenSSH answers and the account can run PowerShell: fail here, plainly, if not.
const sshReady = new command.remote.Command("ssh-ready", {
  connection,
  create: 'powershell -NoProfile -NonInteractive -Command "(Get-CimInstance Win32_OperatingSystem).Caption"',
});

const node = new MeshWindowsNode(
  "windows-vm",
  {
    // A VM that was just created may still be booting: keep dialing for up to ten minutes.
    connection: { ...connection, connectDeadlineSeconds: 600 },
    authKey: config.requireSecret("tailscaleAuthKey"),
    loginServer: config.get("loginServer"),
    hostname: "windows-vm",
    advertiseTags: ["tag:windows"],
  },
  { dependsOn: [sshReady] },
);

export const windowsEdition = sshReady.stdout;
/** "joined", or "pending-manual": then run manualCommand once over RDP, and `pulumi refresh`. */
export const meshState = node.state;
export const pendingReason = node.pendingReason;
export const manualCommand = node.manualCommand;
/** Secret: `pulumi stack output joinScript --show-secrets` if the script on the host is gone. */
export const joinScript = node.joinScript;
export const tailscaleIps = node.tailscaleIps;
