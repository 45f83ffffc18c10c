/**
 * The scenario table: one row per situation a real Windows host can be in. It is data (JSON-safe),
 * so every back end of the simulated host runs it unchanged, and the lifecycle tests assert each
 * row's `expect` against whichever back end runs it.
 */
import type { InstallProxyInput } from "../provider/node/types";
import type { JoinFailureReason } from "../provider/scripts/catalogue";
import { SID_ADMINISTRATORS, SID_SYSTEM, SID_USERS } from "../provider/scripts/catalogue";
import { DEFAULT_READERS, type HostState } from "./host-state";
import { SID_LOCAL_USER } from "./security";

/** What `tailscale up` answers on one attempt (the last entry repeats for further attempts). */
export type JoinBehaviour = "joined" | "daemon-unreachable" | "in-use" | "auth-rejected" | "timeout" | "hang";

export interface Scenario {
  name: string;
  description: string;
  /** Initial host state, merged over `cleanHost()`. */
  host?: Omit<Partial<HostState>, "tailscale"> & { tailscale?: Partial<HostState["tailscale"]> };
  installer?: {
    /** msiexec's exit code (0, 3010 = reboot wanted, 1603 = fatal). */
    msiExitCode?: number;
    /** The version an install leaves behind. */
    installsVersion?: string;
    /** The node's install.sha256 (the lifecycle tests pin it when given). */
    pinnedSha256?: string;
    /** The MSI's Authenticode signature: Tailscale's (default), altered after signing, or another signer's. */
    signature?: "valid" | "altered" | "other-signer";
    /** The node's install.source: "upload" = the lifecycle tests send a local MSI file (install.msiFile). */
    source?: "upload";
    /** The node's install.proxy (the lifecycle tests set it when given). */
    proxy?: InstallProxyInput;
  };
  service?: {
    startFails?: boolean;
    /** After each start, the daemon opens its pipe only this many seconds later (tailscale#14077). */
    pipeAfterSeconds?: number;
    /** The first restart of a logged-in daemon logs the node out (tailscale#3186). */
    forgetsLoginOnRestart?: boolean;
  };
  /** `tailscale up` over SSH, per attempt. */
  join?: JoinBehaviour[];
  /** The tailnet around the host: the subnet routes other nodes offer (`status --json`, Peer[].PrimaryRoutes). */
  tailnet?: { offeredRoutes?: string[] };
  /** `tailscale up` when a person runs the join script in an interactive session. */
  interactiveJoin?: JoinBehaviour;
  /** The node's joinScriptPath input, when not the default. */
  joinScriptPath?: string;
  ssh?: {
    /** The port refuses connections for this long after the simulator starts. */
    notListeningForMs?: number;
    /** The connection is dropped once, in the middle of this step. */
    dropInStep?: string;
    /** This step never answers (until the client closes the channel). */
    hangInStep?: string;
    /** false: the server refuses the sftp subsystem (removed from sshd_config); files then go over the step channel. */
    sftp?: boolean;
  };
  expect: {
    /** The state `create` ends in, or "failed". */
    state: "joined" | "pending-manual" | "failed";
    /** The class of the last attempt, or of the failure. */
    reason?: JoinFailureReason | "install-failed" | "step-timeout" | "host-not-ready" | "not-admin";
    /** Tailscale's version after create (when it got that far). */
    tailscaleVersion?: string;
    /** Whether the join script is on disk after create. */
    joinScriptLeft: boolean;
    /** What a failed create's error must say (besides the host and the step). */
    messages?: string[];
    /** How many `tailscale up` attempts create made (when it got that far). */
    attempts?: number;
    /** Text one of create's warnings contains. */
    warning?: string;
    /** Text create's error contains (when it fails). */
    error?: string;
    /** The drift create reports (then the next update must repair it). */
    drift?: string[];
  };
}

export const LATEST_TAILSCALE = "1.90.6";
/** What OpenSSH tells a session about its client (SSH_CLIENT: address, client port, server port). */
export const SSH_CLIENT = "192.168.50.10 50022 22";
export const OLD_TAILSCALE = "1.62.1";
/** The web proxy of the company network the proxy rows put the host in. */
export const CORP_PROXY = "http://proxy.corp.example:3128";

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "clean-join-first-try",
    description: "A fresh host; Tailscale installs from the MSI and the first `tailscale up` succeeds.",
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false },
  },
  {
    name: "already-installed-same-version",
    description: "Tailscale is installed at the wanted version: nothing is reinstalled.",
    host: { tailscale: { installed: true, version: LATEST_TAILSCALE, service: { status: "Running", startType: "Automatic" } } },
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false },
  },
  {
    name: "already-installed-older-version",
    description: "An older Tailscale is installed: the MSI upgrades it.",
    host: { tailscale: { installed: true, version: OLD_TAILSCALE, service: { status: "Running", startType: "Automatic" } } },
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false },
  },
  {
    name: "join-on-attempt-3",
    description: "The daemon is unreachable twice, then the third attempt joins.",
    join: ["daemon-unreachable", "daemon-unreachable", "joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false },
  },
  {
    name: "daemon-unreachable",
    description: "The seed's case: every attempt over SSH fails to reach the daemon; a person runs the script.",
    join: ["daemon-unreachable"],
    interactiveJoin: "joined",
    expect: { state: "pending-manual", reason: "daemon-unreachable", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: true },
  },
  {
    name: "in-use-by-another-user",
    description: "The daemon belongs to another Windows user's session.",
    join: ["in-use"],
    interactiveJoin: "joined",
    expect: { state: "pending-manual", reason: "in-use", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: true, warning: "daemon-held: the Tailscale daemon is in use by WIN-01\\alice" },
  },
  {
    name: "service-not-ready-5s",
    description:
      "The service runs but its daemon opens its pipe only 5 s after each start: the join waits for the pipe, so no attempt is burned on \"context deadline exceeded\".",
    service: { pipeAfterSeconds: 5 },
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false, attempts: 1 },
  },
  {
    name: "login-lost-after-restart",
    description:
      "The join succeeds, but the restart check's service restart logs the node out (tailscale#3186): create says so in a warning and the drift lost-after-restart; the next update joins again and the node survives its restart.",
    service: { forgetsLoginOnRestart: true },
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false, warning: "restart-check: the node did not come back", drift: ["lost-after-restart"] },
  },
  {
    name: "auth-key-rejected",
    description: "The control server rejects the auth key: no retry, no script, create fails.",
    join: ["auth-rejected"],
    expect: { state: "failed", reason: "auth-rejected", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false },
  },
  {
    name: "winget-missing",
    description: "winget is not on the host; the default MSI install does not need it.",
    host: { winget: false },
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false },
  },
  {
    name: "msi-fails-1603",
    description: "msiexec exits 1603 (fatal error during installation).",
    installer: { msiExitCode: 1603 },
    expect: { state: "failed", reason: "install-failed", joinScriptLeft: false },
  },
  {
    name: "msi-hash-mismatch",
    description: "install.sha256 pins another package than the one downloaded: the MSI is deleted unrun and create fails naming both hashes.",
    installer: { pinnedSha256: "f".repeat(64) },
    expect: { state: "failed", reason: "install-failed", joinScriptLeft: false, error: `not ${"f".repeat(64)} as install.sha256 says` },
  },
  {
    name: "msi-signature-invalid",
    description: "The downloaded MSI was altered after Tailscale signed it (Authenticode HashMismatch): it is deleted unrun and create fails.",
    installer: { signature: "altered" },
    expect: { state: "failed", reason: "install-failed", joinScriptLeft: false, error: "Authenticode signature is HashMismatch" },
  },
  {
    name: "msi-signed-by-another",
    description: "The MSI (from a mirror) carries a valid signature, but not Tailscale's: it is deleted unrun and create fails naming both signers.",
    installer: { signature: "other-signer" },
    expect: { state: "failed", reason: "install-failed", joinScriptLeft: false, error: "is Valid by CN=Contoso Ltd" },
  },
  {
    name: "msi-wants-reboot-3010",
    description: "msiexec exits 3010: installed, a reboot is wanted later; the join goes on.",
    installer: { msiExitCode: 3010 },
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false },
  },
  {
    name: "service-will-not-start",
    description: "The Tailscale service fails to start after configuration.",
    service: { startFails: true },
    expect: { state: "failed", reason: "service-not-running", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false },
  },
  {
    name: "constrained-language",
    description:
      "An AppLocker/WDAC policy puts PowerShell in ConstrainedLanguage mode: the first step stops at once with an error naming the mode and what to do; nothing changes on the host.",
    host: { languageMode: "ConstrainedLanguage" },
    expect: { state: "failed", reason: "host-not-ready", joinScriptLeft: false, error: "runs in ConstrainedLanguage mode" },
  },
  {
    name: "not-an-administrator",
    description: "The SSH account is not a member of Administrators: create fails after the probe, naming what to do; nothing changes on the host.",
    host: { isAdmin: false },
    expect: { state: "failed", reason: "not-admin", joinScriptLeft: false, error: "not an administrator" },
  },
  {
    name: "pending-reboot",
    description: "Windows waits for a reboot (Component Based Servicing): the doctor warns (msiexec 1603 risk), the deployment goes on.",
    host: { registry: { "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending": {} } },
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false, warning: "host-check pending-reboot: a reboot is pending (Component Based Servicing)" },
  },
  {
    name: "vpn-conflict",
    description: "NordVPN's adapter is on the host (the seed's VPN conflict): the doctor warns naming it, the deployment goes on.",
    host: { otherAdapters: [{ name: "NordLynx", description: "NordLynx Tunnel" }] },
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false, warning: "host-check vpn-adapters: other VPN adapters: NordLynx (NordLynx Tunnel)" },
  },
  {
    name: "tray-app-of-another-user",
    description: "Another account's Tailscale tray app runs (an RDP session): the doctor warns naming the account, the deployment goes on (tailscale#12989).",
    host: { trayApps: [{ user: "WIN-01\\alice", pid: 7311 }] },
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false, warning: "host-check tailscale-tray: Tailscale's tray app runs for WIN-01\\alice (pid 7311)" },
  },
  {
    name: "udp-41641-taken",
    description: "Another program holds UDP 41641: the doctor warns naming it, the deployment goes on (tailscaled picks another port).",
    host: { udpBindings: [{ port: 41641, pid: 5120, process: "nordvpn-service.exe" }] },
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false, warning: "host-check udp-41641: UDP 41641 is bound by nordvpn-service.exe (pid 5120)" },
  },
  {
    name: "control-server-unreachable",
    description: "The host cannot reach the control server (a firewall): create fails at the probe, naming the check and what to do; nothing changes.",
    host: { unreachableHosts: ["headscale.example.com"] },
    expect: { state: "failed", reason: "host-not-ready", joinScriptLeft: false, error: "the host is not ready: reach-control-server" },
  },
  {
    name: "internet-through-proxy",
    description:
      "The host reaches the internet only through the company's web proxy, which asks for a login (the control server is the company's own): install.proxy takes the packages check and the MSI download through it (-Proxy, -ProxyCredential built on the host) and the node joins.",
    host: { webProxy: { url: CORP_PROXY, direct: ["headscale.example.com"] } },
    installer: { proxy: { url: CORP_PROXY, username: "CORP\\svc-mesh", password: "proxy-login-of-svc-mesh" } },
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false },
  },
  {
    name: "internet-through-proxy-not-given",
    description: "The host reaches the internet only through the company's web proxy and install.proxy is not set: create fails at the probe naming the check and install.proxy; nothing changes.",
    host: { webProxy: { url: CORP_PROXY, direct: ["headscale.example.com"] } },
    expect: { state: "failed", reason: "host-not-ready", joinScriptLeft: false, error: "the host is not ready: reach-packages", messages: ["install.proxy"] },
  },
  {
    name: "ssh-late",
    description: "The VM is still booting: SSH refuses connections for the first 1.5 s.",
    ssh: { notListeningForMs: 1500 },
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false },
  },
  {
    name: "connection-dropped-in-join",
    description: "The SSH connection drops in the middle of the join step; the provider reconnects and converges.",
    ssh: { dropInStep: "join" },
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false },
  },
  {
    name: "upload-msi",
    description: "install.source upload: the provider sends its MSI over SFTP into the state directory; the host installs exactly those bytes.",
    installer: { source: "upload" },
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false },
  },
  {
    name: "upload-msi-no-sftp",
    description: "install.source upload on a host whose OpenSSH offers no SFTP: the MSI goes in chunks over the step channel.",
    installer: { source: "upload" },
    ssh: { sftp: false },
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false },
  },
  {
    name: "step-hangs",
    description: "The probe step never answers; it times out and the error names the host and the step.",
    ssh: { hangInStep: "probe" },
    expect: { state: "failed", reason: "step-timeout", joinScriptLeft: false },
  },
  {
    name: "default-shell-powershell",
    description: "OpenSSH's DefaultShell is PowerShell instead of cmd.exe; the same command line works.",
    host: { defaultShell: "powershell" },
    join: ["joined"],
    expect: { state: "joined", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: false },
  },
  {
    name: "windows-11-client",
    description: "A Windows 11 workstation instead of Windows Server.",
    host: { computerName: "DESK-07", os: { caption: "Microsoft Windows 11 Pro", version: "10.0.26100" }, powershellVersion: "5.1.26100.2161" },
    join: ["daemon-unreachable"],
    interactiveJoin: "joined",
    expect: { state: "pending-manual", reason: "daemon-unreachable", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: true },
  },
  {
    name: "join-script-path-not-writable",
    description:
      "The daemon is unreachable over SSH and the join script's folder (C:\\temp) cannot be written (access denied; a full disk fails alike): create fails naming the path, and no copy of the key is left.",
    host: { dirs: { "C:\\temp": DEFAULT_READERS }, unwritable: ["C:\\temp"] },
    joinScriptPath: "C:\\temp\\join-mesh.ps1",
    join: ["daemon-unreachable"],
    expect: {
      state: "failed",
      reason: "join-script-unwritable",
      tailscaleVersion: LATEST_TAILSCALE,
      joinScriptLeft: false,
      messages: ["C:\\temp\\join-mesh.ps1", "Access to the path 'C:\\temp\\join-mesh.ps1' is denied.", "joinScriptPath"],
    },
  },
  {
    name: "state-dir-made-by-a-user",
    description:
      "A local user without administrator rights created C:\\ProgramData\\MeshWindowsNode first and gave themselves full control: the steps take it over (owner Administrators, exactly Administrators and SYSTEM) before any key goes in, and the person's run of the manual command joins.",
    host: {
      dirs: { "C:\\ProgramData\\MeshWindowsNode": [SID_ADMINISTRATORS, SID_SYSTEM, SID_USERS, SID_LOCAL_USER] },
      security: { "C:\\ProgramData\\MeshWindowsNode": { owner: SID_LOCAL_USER, protected: false, entries: [{ sid: SID_LOCAL_USER, rights: "F", inherit: true }] } },
    },
    join: ["daemon-unreachable"],
    interactiveJoin: "joined",
    expect: { state: "pending-manual", reason: "daemon-unreachable", tailscaleVersion: LATEST_TAILSCALE, joinScriptLeft: true },
  },
  {
    name: "join-script-folder-made-by-a-user",
    description:
      "joinScriptPath is C:\\temp\\join-mesh.ps1 and a local user without administrator rights created C:\\temp (they own it, so they could replace the script): the join script is not written, create fails naming the folder, its owner and what to do, and the folder is left as it was.",
    host: {
      dirs: { "C:\\temp": [SID_ADMINISTRATORS, SID_SYSTEM, SID_USERS, SID_LOCAL_USER] },
      security: { "C:\\temp": { owner: SID_LOCAL_USER, protected: false, entries: [{ sid: SID_LOCAL_USER, rights: "F", inherit: true }] } },
    },
    joinScriptPath: "C:\\temp\\join-mesh.ps1",
    join: ["daemon-unreachable"],
    expect: {
      state: "failed",
      reason: "join-script-unwritable",
      tailscaleVersion: LATEST_TAILSCALE,
      joinScriptLeft: false,
      messages: ["the join script's folder C:\\temp is not safe", `it is owned by ${SID_LOCAL_USER}`, "joinScriptPath"],
    },
  },
];

export function scenarioByName(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario named "${name}"; known: ${SCENARIOS.map((s) => s.name).join(", ")}`);
  return found;
}
