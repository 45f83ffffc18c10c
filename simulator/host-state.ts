/**
 * The observable state of a simulated Windows host, as plain JSON. Both back ends (the TypeScript
 * model and real pwsh with Windows stand-ins) read and write this same shape, so the conformance
 * suite can compare them field by field after every scenario.
 */
import { SID_ADMINISTRATORS, SID_SYSTEM, SID_USERS } from "../provider/scripts/catalogue";

export interface SimFile {
  content: string;
  /** SIDs that may read the file. Admin-only = exactly [Administrators, SYSTEM]. */
  readers: string[];
  /** A file of bytes (an uploaded MSI): the id of its bytes (simulator/blobs.ts); content is then "". */
  blob?: string;
}

/** An explicit ACL entry: the account, its rights as icacls names them, and whether new items inside inherit it. */
export interface SecurityEntry {
  sid: string;
  rights: "F" | "M" | "RX" | "R" | "W";
  inherit: boolean;
}

/** An item's owner, whether its DACL is protected from inheritance, and its explicit entries (simulator/security.ts). */
export interface ItemSecurity {
  owner: string;
  protected: boolean;
  entries: SecurityEntry[];
}

/** One web request from the host: what it asked for and through which proxy, with whose login (the password only as its SHA-256). */
export interface WebRequest {
  method: "GET" | "HEAD";
  url: string;
  proxy: string | null;
  proxyUser: string | null;
  proxyPasswordSha256: string | null;
}

export interface HostState {
  computerName: string;
  os: { caption: string; version: string };
  powershellVersion: string;
  /** PowerShell's language mode for the SSH user (AppLocker/WDAC constrain it); absent = FullLanguage. */
  languageMode?: "FullLanguage" | "ConstrainedLanguage";
  isAdmin: boolean;
  defaultShell: "cmd" | "powershell";
  /** The processor architecture, as $env:PROCESSOR_ARCHITECTURE names it: the install step picks its MSI by it. */
  architecture: "AMD64" | "ARM64" | "x86";
  winget: boolean;
  tailscale: {
    installed: boolean;
    version: string | null;
    service: { status: "Running" | "Stopped"; startType: "Automatic" | "Manual" | "Disabled" } | null;
    /** What the daemon would report: the node's login state on the control server. */
    backendState: "NoState" | "NeedsLogin" | "Running";
    loggedInLoginServer: string | null;
    nodeName: string | null;
    /**
     * Seconds the daemon still needs, after its service started, before its pipe exists (the
     * scenario's service.pipeAfterSeconds, set at each start); absent or 0 = the pipe is there.
     */
    startingSeconds?: number;
  };
  /** Registry keys (as PowerShell writes them, e.g. "HKLM:\\SOFTWARE\\Tailscale IPN") -> value name -> value. */
  registry: Record<string, Record<string, string | number>>;
  /** Files by Windows path, case preserved as written (lookups are case-insensitive). */
  files: Record<string, SimFile>;
  /** Directories by Windows path -> SIDs that inherit onto new files created inside. */
  dirs: Record<string, string[]>;
  /**
   * Items (Windows paths) whose owner, protection or explicit entries differ from an item an
   * administrator created: owner Administrators, inheriting, no explicit entry (security.ts).
   */
  security?: Record<string, ItemSecurity>;
  /**
   * Folders (Windows paths) where nothing can be created or rewritten, at any depth: a full disk or
   * a folder Administrators may not write to. Writing or moving a file there fails as Windows says
   * access is denied ("Access to the path '<path>' is denied."); a full disk is modelled the same way.
   */
  unwritable: string[];
  adapterIps: string[];
  /** Free space on C: in MB (absent: 40 GB). */
  freeDiskMb?: number;
  /** Network adapters besides the NIC and Tailscale's (another VPN client's, say). */
  otherAdapters?: { name: string; description: string }[];
  /** Tailscale's tray app (tailscale-ipn.exe) running in users' sessions: the account (DOMAIN\\user) and the process id. */
  trayApps?: { user: string; pid: number }[];
  /** UDP ports bound by other programs (Get-NetUDPEndpoint, and the owning process's image name). */
  udpBindings?: { port: number; pid: number; process: string }[];
  /** Host names the host cannot reach over HTTPS (a firewall, a missing proxy). */
  unreachableHosts?: string[];
  /**
   * The web proxy of a company's network, the host's only way to the internet: a request to any
   * host but those of `direct` (the company's own) that does not name `url` as its proxy cannot connect.
   */
  webProxy?: { url: string; direct: string[] };
  /** Every web request a step made (Invoke-WebRequest, Invoke-RestMethod), in order. */
  webRequests?: WebRequest[];
  /** How far the host's clock is ahead of the real time, in seconds (absent: 0). */
  clockSkewSeconds?: number;
  /** Every command line a host process was started with (native commands), for leak checks. */
  processLog: string[];
}

export const ADMIN_ONLY = [SID_ADMINISTRATORS, SID_SYSTEM];
export const DEFAULT_READERS = [SID_ADMINISTRATORS, SID_SYSTEM, SID_USERS];

export function cleanHost(overrides: Partial<HostState> = {}): HostState {
  return {
    computerName: "WIN-01",
    os: { caption: "Microsoft Windows Server 2022 Datacenter", version: "10.0.20348" },
    powershellVersion: "5.1.20348.2582",
    isAdmin: true,
    defaultShell: "cmd",
    architecture: "AMD64",
    winget: true,
    tailscale: {
      installed: false,
      version: null,
      service: null,
      backendState: "NoState",
      loggedInLoginServer: null,
      nodeName: null,
    },
    registry: {},
    files: {},
    dirs: { "C:\\": DEFAULT_READERS, "C:\\ProgramData": DEFAULT_READERS },
    unwritable: [],
    adapterIps: [],
    processLog: [],
    ...overrides,
  };
}
