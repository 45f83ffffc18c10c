/**
 * The daemon's state file on the simulated host, %ProgramData%\Tailscale\server-state.conf, kept as
 * tailscaled keeps it (tailscale/tailscale, read at v1.103.0): ipn/store FileStore, one JSON object of
 * state key -> base64 of the bytes; the machine key, the known profiles, the profile each Windows user
 * last used and, while unattended, the one the service starts with (ipn/ipnlocal/profiles.go); that
 * profile's ipn.Prefs as JSON, its private node keys included (ipn/prefs.go). `tailscale up` and
 * `tailscale set` change the preferences here, so a person's `tailscale set` is what a refresh reads back.
 * The private keys are fake and fixed (SIMULATED_PRIVATE_KEYS): tests assert none ever leaves the host.
 */
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import { SID_ADMINISTRATORS, SID_SYSTEM, TAILSCALE_STATE_FILE } from "../../provider/scripts/catalogue";
import type { HostState } from "../host-state";
import { SID_ADMINISTRATOR_USER, setSecurity } from "../security";
import { parentOf, WindowsFileSystem } from "../windows-model";

/** In the format Tailscale writes them (key.MachinePrivate, key.NodePrivate, key.NLPrivate), recognisably fake. */
export const SIMULATED_PRIVATE_KEYS = {
  machine: `privkey:${"5e1f".repeat(16)}`,
  node: `privkey:${"c0de".repeat(16)}`,
  oldNode: `privkey:${"01d0".repeat(16)}`,
  networkLock: `nlpriv:${"b10c".repeat(16)}`,
} as const;

/** ipn.Prefs as JSON: field name -> value. */
export type StoredPrefs = Record<string, unknown>;

const START_KEY = "server-mode-start-key";

/** The preferences `tailscale up --reset` starts from on Windows (ipn.NewPrefs; accept-routes defaults to true there). */
function defaultPrefs(): StoredPrefs {
  return {
    ControlURL: "",
    RouteAll: true,
    ExitNodeID: "",
    ExitNodeIP: "",
    InternalExitNodePrior: "",
    ExitNodeAllowLANAccess: false,
    CorpDNS: true,
    RunSSH: false,
    RunWebClient: false,
    WantRunning: true,
    LoggedOut: false,
    ShieldsUp: false,
    AdvertiseTags: null,
    Hostname: "",
    NotepadURLs: false,
    AdvertiseRoutes: null,
    NoSNAT: false,
    NoStatefulFiltering: false,
    AutoUpdate: { Check: true, Apply: null },
    PostureChecking: false,
  };
}

/** strconv.ParseBool, as Go's flag package reads a boolean flag's value. */
function goBool(value: string): boolean {
  return ["1", "t", "T", "TRUE", "true", "True"].includes(value);
}

/** What each modelled flag of `up` and `set` does to the preferences (cmd/tailscale/cli up.go, set.go). */
const FLAG_PREFS: Record<string, (prefs: StoredPrefs, value: string) => void> = {
  "accept-dns": (p, v) => void (p.CorpDNS = goBool(v)),
  "accept-routes": (p, v) => void (p.RouteAll = goBool(v)),
  "shields-up": (p, v) => void (p.ShieldsUp = goBool(v)),
  "exit-node-allow-lan-access": (p, v) => void (p.ExitNodeAllowLANAccess = goBool(v)),
  unattended: (p, v) => void (p.ForceDaemon = goBool(v) || undefined),
  hostname: (p, v) => void (p.Hostname = v),
  "login-server": (p, v) => void (p.ControlURL = v),
  "advertise-tags": (p, v) => void (p.AdvertiseTags = v === "" ? null : v.split(",")),
  "exit-node": setExitNode,
};

/**
 * `auto:<expression>` is kept as AutoExitNode; an address as ExitNodeIP (the daemon turns it into the
 * peer's ID once it sees the peer, which the simulated tailnet never shows); a name is resolved by the
 * CLI and ends up as the peer's stable node ID, simulated from the name.
 */
function setExitNode(prefs: StoredPrefs, value: string): void {
  Object.assign(prefs, { ExitNodeID: "", ExitNodeIP: "", AutoExitNode: undefined });
  if (value === "") return;
  if (value.startsWith("auto:")) prefs.AutoExitNode = value.slice("auto:".length);
  else if (isIP(value) !== 0) prefs.ExitNodeIP = value;
  else prefs.ExitNodeID = `n${digest(value.toLowerCase()).slice(0, 12)}CNTRL`;
}

/** The preferences after `tailscale up <flags>` (the provider always passes --reset: defaults, then the flags). */
export function prefsAfterUp(flags: ReadonlyMap<string, string>, controlUrl: string): StoredPrefs {
  const prefs = applyFlags(defaultPrefs(), flags);
  prefs.ControlURL = controlUrl;
  return prefs;
}

/** The current profile's preferences after `tailscale set <flags>`; nothing is stored without a current profile. */
export function setPrefs(state: HostState, flags: ReadonlyMap<string, string>): void {
  const store = readStore(state);
  const key = store && currentProfileKey(store);
  if (!store || !key) return;
  writePrefs(state, applyFlags(JSON.parse(decode(store[key]) ?? "{}") as StoredPrefs, flags));
}

function applyFlags(prefs: StoredPrefs, flags: ReadonlyMap<string, string>): StoredPrefs {
  for (const [name, value] of flags) FLAG_PREFS[name]?.(prefs, value);
  return prefs;
}

/**
 * A login (or a new `up`): the profile's preferences with its node keys, the known profiles, the user's
 * last profile and, when unattended, the service's start profile.
 */
export function writePrefs(state: HostState, prefs: StoredPrefs): void {
  const store = readStore(state) ?? {};
  const id = digest(state.computerName).slice(0, 4);
  const key = `profile-${id}`;
  const stored = { ...prefs, Config: nodeConfig(state) };
  store._machinekey = encode(SIMULATED_PRIVATE_KEYS.machine);
  store._profiles = encode(JSON.stringify({ [id]: { ID: id, Name: state.computerName.toLowerCase(), Key: key, LocalUserID: SID_ADMINISTRATOR_USER, ControlURL: prefs.ControlURL } }));
  store[`_current/${SID_ADMINISTRATOR_USER}`] = encode(key);
  store[START_KEY] = prefs.ForceDaemon === true ? encode(key) : null;
  store[key] = encode(JSON.stringify(stored, null, "\t"));
  writeStore(state, store);
}

/** `tailscale logout` deletes the profile: no start profile, no preferences; the machine key stays. */
export function forgetProfile(state: HostState): void {
  const store = readStore(state);
  if (!store) return;
  for (const name of Object.keys(store)) if (name.startsWith("profile-") || name.startsWith("_current/")) delete store[name];
  store._profiles = encode("{}");
  store[START_KEY] = null;
  writeStore(state, store);
}

/** persist.Persist, as the profile's "Config". */
function nodeConfig(state: HostState): Record<string, unknown> {
  return {
    PrivateNodeKey: SIMULATED_PRIVATE_KEYS.node,
    OldPrivateNodeKey: SIMULATED_PRIVATE_KEYS.oldNode,
    UserProfile: { ID: 1, LoginName: "provisioner@example.com", DisplayName: "provisioner" },
    NetworkLockKey: SIMULATED_PRIVATE_KEYS.networkLock,
    NodeID: `n${digest(state.computerName).slice(0, 12)}CNTRL`,
    DisallowedTKAStateIDs: null,
  };
}

type Store = Record<string, string | null>;

function currentProfileKey(store: Store): string | undefined {
  const key = decode(store[START_KEY]) ?? decode(store["_current-profile"]);
  return key && store[key] ? key : undefined;
}

function readStore(state: HostState): Store | undefined {
  const text = new WindowsFileSystem(state).readFile(TAILSCALE_STATE_FILE);
  return text === undefined ? undefined : (JSON.parse(text) as Store);
}

/** json.MarshalIndent(map, "", "  "): keys sorted. Where Windows denies the write, the daemon logs it and goes on. */
function writeStore(state: HostState, store: Store): void {
  const files = new WindowsFileSystem(state);
  const sorted = Object.fromEntries(Object.keys(store).sort().map((name) => [name, store[name]]));
  try {
    ensureDaemonFolder(state, files);
    files.writeFile(TAILSCALE_STATE_FILE, JSON.stringify(sorted, null, 2));
  } catch {
    // Access denied: the preferences stay in the daemon's memory.
  }
}

/** paths.ensureStateDirPermsWindows, for a folder it creates: owned by SYSTEM, SYSTEM and Administrators only, protected. */
function ensureDaemonFolder(state: HostState, files: WindowsFileSystem): void {
  const folder = parentOf(TAILSCALE_STATE_FILE);
  if (files.dirExists(folder)) return;
  files.ensureDir(folder);
  const entries = [SID_SYSTEM, SID_ADMINISTRATORS].map((sid) => ({ sid, rights: "F" as const, inherit: true }));
  setSecurity(state, folder, { owner: SID_SYSTEM, protected: true, entries });
}

function encode(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

function decode(value: string | null | undefined): string | undefined {
  return value ? Buffer.from(value, "base64").toString("utf8") : undefined;
}

function digest(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
