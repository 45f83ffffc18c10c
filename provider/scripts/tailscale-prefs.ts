/**
 * The node's Tailscale preferences as the probe reads them back from the daemon's state file
 * (tailscale-prefs.ps1), part of the step contract in catalogue.ts. The file also holds the node's
 * private keys: the probe returns only these fields, so nothing else of it can reach an output or a log.
 */

/** Where the Windows service keeps its state (ipn/store FileStore; paths.DefaultTailscaledStateFile). */
export const TAILSCALE_STATE_FILE = "C:\\ProgramData\\Tailscale\\server-state.conf";

/** One preference each, as the daemon holds it (ipn.Prefs); null where the file does not say. */
export interface TailscalePrefs {
  /** CorpDNS (`--accept-dns`). */
  acceptDns: boolean | null;
  /** ShieldsUp (`--shields-up`). */
  shieldsUp: boolean | null;
  /** RouteAll (`--accept-routes`). */
  acceptRoutes: boolean | null;
  /**
   * The exit node: `auto:<expression>` (AutoExitNode), else ExitNodeIP while the daemon has not yet
   * resolved it, else ExitNodeID (the daemon stores a peer given by IP or name by its stable node ID
   * once it knows it); null when none.
   */
  exitNode: string | null;
  /** ExitNodeAllowLANAccess (`--exit-node-allow-lan-access`). */
  exitNodeAllowLanAccess: boolean | null;
}
