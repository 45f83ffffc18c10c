/**
 * The transport's public surface: what the lifecycle needs from one SSH session to one host.
 * No Pulumi and no Tailscale knowledge lives in this layer.
 */
import type { Redactor } from "../common/redact";
import type { StepProgress } from "./protocol";

/** Where one SSH hop is and how to log in to it (target and jump host alike). */
export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
  password?: string;
  privateKey?: string;
  privateKeyPassword?: string;
  agentSocketPath?: string;
}

/** A jump host, the same fields as @pulumi/command's remote.ProxyConnection. */
export interface ProxySettings extends SshEndpoint {
  hostKey?: string;
  dialErrorLimit?: number;
  perDialTimeoutMs?: number;
}

/** Normalized connection settings (defaults applied, seconds turned into milliseconds). */
export interface ConnectionSettings extends SshEndpoint {
  /** Pinned host key: "SHA256:..." fingerprint or an OpenSSH public-key line. Unset = trust on first use. */
  hostKey?: string;
  /** Dial attempts before giving up; -1 = no limit (the deadline still applies). */
  dialErrorLimit: number;
  perDialTimeoutMs: number;
  /** Overall time allowed for connecting, across retries (a VM may still be booting). */
  connectDeadlineMs: number;
  proxy?: ProxySettings;
}

export interface SessionOptions {
  /** Shown in every progress line and error, e.g. "win-01". */
  label: string;
  /** Secrets of this operation; everything the host sends back is redacted with it. */
  redactor: Redactor;
  /** Progress lines for humans (pulumi up shows stdout/stderr lines). */
  log?: (line: string) => void;
  /** Default per-step timeout. */
  stepTimeoutMs: number;
}

export interface StepRequest {
  /** Step name, used in progress lines and errors. */
  name: string;
  /**
   * Constant script text from the scripts module, whole or in parts (joined with newlines on the
   * host); a part already sent in this operation is not sent again.
   */
  script: string | readonly string[];
  /** Pure data, delivered to the script as its single argument. */
  params: unknown;
  timeoutMs?: number;
  /** Safe to run again after the connection dropped mid-step (the session then reconnects and retries once). */
  idempotent?: boolean;
  onProgress?: (progress: StepProgress) => void;
}

/** A local file to send to the host: SFTP when the server offers it, else in chunks over the step channel. */
export interface UploadRequest {
  /** Names the transfer in progress lines and errors, e.g. "upload tailscale-setup-1.2.3-amd64.msi". */
  name: string;
  localPath: string;
  /** Windows path on the host (C:\\...); its folder must exist. */
  remotePath: string;
  /** Bytes the file holds: what the host must end up with. */
  size: number;
  onProgress?: (sentBytes: number, totalBytes: number) => void;
}

export interface UploadResult {
  via: "sftp" | "step-channel";
  bytes: number;
}

export interface TransportStats {
  connections: number;
  roundTrips: number;
  bytesSent: number;
  bytesReceived: number;
}

export interface RemoteSession {
  readonly label: string;
  /** SHA256 fingerprint of the host key the session is bound to. */
  readonly hostKeyFingerprint: string;
  readonly stats: TransportStats;
  /** Runs one step and returns its (redacted) result value; throws MeshError on any failure. */
  run<T>(request: StepRequest): Promise<T>;
  /**
   * Sends a local file to the host, replacing whatever is at remotePath; after a dropped connection
   * it reconnects and starts again once, then throws MeshError.
   */
  upload(request: UploadRequest): Promise<UploadResult>;
  close(): Promise<void>;
}
