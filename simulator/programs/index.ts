/**
 * The Windows programs of the pwsh back end's simulated host: tailscale.exe, msiexec.exe, icacls.exe
 * and winget. A step script starts one through a PowerShell stand-in (native-program.ps1) that asks
 * the back end over a Unix socket; the answer is computed here. Each program sees its arguments as
 * Windows PowerShell 5.1 would have delivered them (windows-command-line.ts), prints the texts the
 * real one prints (tailscale-texts.ts, shared with the TypeScript model), changes the HostState as the
 * real one would, and its command line goes to processLog.
 */
import { createHash } from "node:crypto";
import { SID_USERS, TAILSCALE_EXE } from "../../provider/scripts/catalogue";
import type { HostState } from "../host-state";
import { LATEST_TAILSCALE, type JoinBehaviour, type Scenario } from "../scenarios";
import {
  WINGET_INSTALL_FAILED,
  msiexecLogText,
  tailnetAddressesFor,
  tailnetNodeName,
  tailscaleLogoutRun,
  tailscaleUninstallEntry,
  tailscaleUpRun,
  wingetInstallerFailedText,
  type UpRun,
} from "./tailscale-texts";
import { findName, leafOf, normalizePath, parentOf } from "../windows-model";
import { legacyCommandLine, parseCommandLine } from "./command-line";

export const PROGRAMS = ["tailscale", "msiexec", "icacls", "winget"] as const;
export type ProgramName = (typeof PROGRAMS)[number];

/** Where each program lives on Windows (the path 5.1 puts at the head of the command line). */
export const PROGRAM_PATHS: Record<ProgramName, string> = {
  tailscale: TAILSCALE_EXE,
  msiexec: "C:\\Windows\\system32\\msiexec.exe",
  icacls: "C:\\Windows\\system32\\icacls.exe",
  winget: "C:\\Users\\Administrator\\AppData\\Local\\Microsoft\\WindowsApps\\winget.exe",
};

export interface ProgramRequest {
  program: ProgramName;
  /** The arguments as the PowerShell stand-in received them, before Windows' command line. */
  argv: string[];
  /** "interactive": a person's RDP/console session, where the CLI reaches the daemon. */
  session: "ssh" | "interactive";
}

export type ProgramAnswer = { exitCode: number; stdout: string[]; stderr: string[] } | { hang: true };

/** What the back end keeps about a host beyond its HostState, for the tests. */
export interface SimRecord {
  /** `tailscale up` runs over SSH so far: scenario.join is indexed by it, across join steps. */
  sshUpRuns: number;
  /** SHA-256 (hex) of each auth key `tailscale up` read, in order (the keys themselves are not kept). */
  keyHashes: string[];
  /** Every program start: the arguments it received, after Windows' command-line round trip. */
  calls: { program: ProgramName; argv: string[]; session: ProgramRequest["session"] }[];
  /** Moments a file carrying an auth key was readable by Users (must stay empty). */
  exposures: string[];
}

export function emptyRecord(): SimRecord {
  return { sshUpRuns: 0, keyHashes: [], calls: [], exposures: [] };
}

interface Run {
  state: HostState;
  scenario: Scenario;
  record: SimRecord;
  session: ProgramRequest["session"];
}

/** Runs one program start against the state (changed in place) and returns what it prints. */
export function runProgram(request: ProgramRequest, state: HostState, scenario: Scenario, record: SimRecord): ProgramAnswer {
  const commandLine = legacyCommandLine(PROGRAM_PATHS[request.program], request.argv);
  const argv = parseCommandLine(commandLine);
  state.processLog.push(commandLine);
  record.calls.push({ program: request.program, argv, session: request.session });
  const run: Run = { state, scenario, record, session: request.session };
  switch (request.program) {
    case "tailscale":
      return tailscale(argv, run);
    case "msiexec":
      return msiexec(argv, run);
    case "icacls":
      return icacls(argv, run);
    case "winget":
      return winget(argv, run);
  }
}

function exit(exitCode: number, stdout = "", stderr = ""): ProgramAnswer {
  const lines = (text: string) => (text === "" ? [] : text.replace(/\r?\n$/, "").split(/\r?\n/));
  return { exitCode, stdout: lines(stdout), stderr: lines(stderr) };
}

function fromUpRun(run: UpRun): ProgramAnswer {
  if (!run.finished) return { hang: true };
  // The CLI prints its errors on stderr.
  return run.exitCode === 0 ? exit(0, run.output) : exit(run.exitCode, "", run.output);
}

// ---------------------------------------------------------------- files, as the programs see them

function readFile(state: HostState, path: string): string | undefined {
  const name = findName(state.files, normalizePath(path));
  return name === undefined ? undefined : state.files[name].content;
}

/** A file a program creates inherits its folder's readers; without the folder, nothing is written. */
function writeFile(state: HostState, path: string, content: string): void {
  const existing = findName(state.files, normalizePath(path));
  if (existing !== undefined) {
    state.files[existing].content = content;
    return;
  }
  const folder = findName(state.dirs, parentOf(path));
  if (folder !== undefined) state.files[normalizePath(path)] = { content, readers: [...state.dirs[folder]] };
}

/** A file carrying an auth key (a key file, or a join script with its data) must never be readable by Users. */
function checkExposure(run: Run, path: string): void {
  const file = run.state.files[path];
  const secret = leafOf(path).toLowerCase().startsWith("authkey-") || /\$MeshJoinData = '[A-Za-z0-9+/=]+'/.test(file.content);
  if (secret && file.readers.includes(SID_USERS)) run.record.exposures.push(`${path} was readable by Users`);
}

// ---------------------------------------------------------------- tailscale.exe

/** `tailscale up` flags on Windows (cmd/tailscale/cli/up.go), and whether each takes a value. */
const UP_FLAGS: Record<string, "bool" | "value"> = {
  qr: "bool", "qr-format": "value", "auth-key": "value", authkey: "value", audience: "value", "client-id": "value",
  "client-secret": "value", "id-token": "value", "login-server": "value", "accept-routes": "bool", "accept-dns": "bool",
  "host-routes": "bool", "exit-node": "value", "exit-node-allow-lan-access": "bool", "shields-up": "bool", ssh: "bool",
  "advertise-tags": "value", hostname: "value", "advertise-routes": "value", "advertise-connector": "bool",
  "advertise-exit-node": "bool", "report-posture": "bool", unattended: "bool", timeout: "value", json: "bool",
  reset: "bool", "force-reauth": "bool", "accept-risk": "value",
};

/** Go's flag package: -name, --name, -name=value, and -name value for flags that take one. */
function parseUpFlags(args: string[]): { flags: Map<string, string> } | { error: string } {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      if (i + 1 < args.length) return { error: `too many non-flag arguments: ${JSON.stringify(args.slice(i + 1))}` };
      break;
    }
    const match = /^--?([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!match || arg === "-") return { error: `too many non-flag arguments: ${JSON.stringify(args.slice(i))}` };
    const [, name, inline] = match;
    const kind = UP_FLAGS[name];
    if (kind === undefined) return { error: `flag provided but not defined: -${name}` };
    if (kind === "bool" || inline !== undefined) {
      flags.set(name, inline ?? "true");
    } else if (i + 1 < args.length) {
      flags.set(name, args[++i]);
    } else {
      return { error: `flag needs an argument: -${name}` };
    }
  }
  return { flags };
}

/** Go's time.ParseDuration for what --timeout is given; undefined when it would fail. */
function parseDurationSeconds(text: string): number | undefined {
  if (text === "0") return 0;
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, "µs": 1e-6, ns: 1e-9 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== text) return undefined;
  return parts.reduce((sum, [, value, suffix]) => sum + Number(value) * unit[suffix], 0);
}

/** The daemon answers only when its service runs; over SSH, only where the scenario lets it. */
function daemonProblem(run: Run): ProgramAnswer | undefined {
  if (run.state.tailscale.service?.status !== "Running") {
    return exit(1, "", "failed to connect to local tailscaled process; is the Tailscale service running?");
  }
  return undefined;
}

/** How the host's daemon answers CLI calls other than `up` over SSH: like its last `up` behaviour. */
function sshSteadyBehaviour(run: Run): JoinBehaviour {
  return run.session === "interactive" ? "joined" : (run.scenario.join?.at(-1) ?? "joined");
}

function tailscale(argv: string[], run: Run): ProgramAnswer {
  const [command, ...rest] = argv;
  const { tailscale: ts } = run.state;
  switch (command) {
    case "version":
      return exit(0, `${ts.version}\n  tailscale commit: 0000000000000000000000000000000000000000\n  go version: go1.25.1`);
    case "up":
      return tailscaleUp(rest, run);
    case "status": {
      if (!rest.includes("--json")) return exit(2, "", "simulator: only `tailscale status --json` is simulated");
      const unreachable = daemonProblem(run) ?? refusal(sshSteadyBehaviour(run), run);
      if (unreachable) return unreachable;
      const name = ts.nodeName ?? tailnetNodeName(run.state.computerName);
      const status = {
        BackendState: ts.backendState,
        Self: { HostName: run.state.computerName, DNSName: ts.nodeName ? `${name}.tail-sim.ts.net.` : "", TailscaleIPs: run.state.adapterIps },
      };
      return exit(0, JSON.stringify(status, null, 2));
    }
    case "logout": {
      const unreachable = daemonProblem(run);
      if (unreachable) return unreachable;
      const answer = fromUpRun(tailscaleLogoutRun(sshSteadyBehaviour(run), upContext(run, "", 60)));
      if ("exitCode" in answer && answer.exitCode === 0) forgetLogin(run.state);
      return answer;
    }
    default:
      return exit(2, "", `tailscale: unknown subcommand ${JSON.stringify(command ?? "")}`);
  }
}

/** A daemon that refuses this session: the `up` texts for that behaviour, else nothing. */
function refusal(behaviour: JoinBehaviour, run: Run): ProgramAnswer | undefined {
  if (behaviour === "daemon-unreachable" || behaviour === "in-use" || behaviour === "hang") {
    return fromUpRun(tailscaleUpRun(behaviour, upContext(run, "", 60)));
  }
  return undefined;
}

function upContext(run: Run, authKey: string, timeoutSeconds: number) {
  return { computerName: run.state.computerName, authKey, timeoutSeconds };
}

function tailscaleUp(args: string[], run: Run): ProgramAnswer {
  const parsed = parseUpFlags(args);
  if ("error" in parsed) return exit(2, "", parsed.error);
  const { flags } = parsed;
  const timeout = flags.has("timeout") ? parseDurationSeconds(flags.get("timeout") ?? "") : 0;
  if (timeout === undefined) return exit(2, "", `invalid value ${JSON.stringify(flags.get("timeout"))} for flag -timeout: parse error`);

  // resolveValueFromFile: the file's content, trimmed of whitespace (a byte order mark is not whitespace).
  let authKey = flags.get("auth-key") ?? flags.get("authkey") ?? "";
  if (authKey.startsWith("file:")) {
    const path = authKey.slice("file:".length);
    const content = readFile(run.state, path);
    if (content === undefined) return exit(1, "", `open ${path}: The system cannot find the file specified.`);
    authKey = content.replace(/^[\t\n\v\f\r \u0085\u00a0]+|[\t\n\v\f\r \u0085\u00a0]+$/g, "");
  }
  run.record.keyHashes.push(createHash("sha256").update(authKey, "utf8").digest("hex"));

  let behaviour: JoinBehaviour;
  if (run.session === "interactive") {
    behaviour = run.scenario.interactiveJoin ?? "joined";
  } else {
    const behaviours = run.scenario.join ?? ["joined"];
    run.record.sshUpRuns++;
    behaviour = behaviours[Math.min(run.record.sshUpRuns, behaviours.length) - 1];
  }
  const unreachable = daemonProblem(run);
  if (unreachable) return unreachable;
  // A key the control server cannot recognise (empty, or with a byte order mark in front) is refused.
  if (behaviour === "joined" && (authKey === "" || authKey.startsWith("\uFEFF"))) behaviour = "auth-rejected";

  const answer = fromUpRun(tailscaleUpRun(behaviour, upContext(run, authKey, timeout)));
  if (behaviour === "joined") {
    const policy = (name: string) => {
      for (const key of ["HKLM:\\SOFTWARE\\Policies\\Tailscale", "HKLM:\\SOFTWARE\\Tailscale IPN"]) {
        const values = run.state.registry[findName(run.state.registry, key) ?? ""];
        const valueName = values ? findName(values, name) : undefined;
        if (values && valueName !== undefined) return String(values[valueName]);
      }
      return undefined;
    };
    const ts = run.state.tailscale;
    ts.backendState = "Running";
    ts.loggedInLoginServer = flags.get("login-server") ?? policy("LoginURL") ?? "https://controlplane.tailscale.com";
    ts.nodeName = tailnetNodeName(flags.get("hostname") ?? policy("Hostname") ?? run.state.computerName);
    run.state.adapterIps = tailnetAddressesFor(run.state.computerName);
  }
  return answer;
}

function forgetLogin(state: HostState): void {
  Object.assign(state.tailscale, { backendState: "NeedsLogin", loggedInLoginServer: null, nodeName: null });
  state.adapterIps = [];
}

// ---------------------------------------------------------------- msiexec.exe

function msiexec(argv: string[], run: Run): ProgramAnswer {
  const { state: host, scenario } = run;
  const option = (name: string) => {
    const index = argv.findIndex((arg) => arg.toLowerCase() === name);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const log = option("/l*v");
  const install = option("/i");
  const remove = option("/x");
  if (install !== undefined) {
    // 1619: the package could not be opened.
    if (readFile(host, install) === undefined) return exit(1619);
    const exitCode = scenario.installer?.msiExitCode ?? 0;
    const version = scenario.installer?.installsVersion ?? LATEST_TAILSCALE;
    if (log !== undefined) writeFile(host, log, msiexecLogText(exitCode, version));
    if (exitCode === 0 || exitCode === 3010) installTailscale(host, version);
    return exit(exitCode);
  }
  if (remove !== undefined) {
    const productKey = uninstallKeyOf(host);
    // 1605: this action is only valid for products that are currently installed.
    if (productKey === undefined || !productKey.toLowerCase().endsWith(`\\${remove.toLowerCase()}`)) return exit(1605);
    delete host.registry[productKey];
    forgetLogin(host);
    Object.assign(host.tailscale, { installed: false, version: null, service: null, backendState: "NoState" });
    return exit(0);
  }
  // 1639: invalid command line argument.
  return exit(1639);
}

/** What a completed install leaves: the program, its Uninstall entry, the service running and automatic. */
function installTailscale(host: HostState, version: string): void {
  Object.assign(host.tailscale, { installed: true, version, service: { status: "Running", startType: "Automatic" } });
  const entry = tailscaleUninstallEntry(version);
  const key = findName(host.registry, entry.key) ?? entry.key;
  host.registry[key] = { ...host.registry[key], ...entry.values };
}

function uninstallKeyOf(host: HostState): string | undefined {
  const entry = tailscaleUninstallEntry("");
  return findName(host.registry, entry.key);
}

// ---------------------------------------------------------------- winget

function winget(argv: string[], run: Run): ProgramAnswer {
  const { state: host, scenario } = run;
  const id = argv[argv.indexOf("--id") + 1];
  if (argv[0] !== "install" || id !== "Tailscale.Tailscale") return exit(WINGET_INSTALL_FAILED, "", "simulator: only `winget install --id Tailscale.Tailscale` is simulated");
  const versionIndex = argv.indexOf("--version");
  const version = scenario.installer?.installsVersion ?? (versionIndex >= 0 ? argv[versionIndex + 1] : LATEST_TAILSCALE);
  const installerExitCode = scenario.installer?.msiExitCode ?? 0;
  if (installerExitCode !== 0 && installerExitCode !== 3010) return exit(WINGET_INSTALL_FAILED, wingetInstallerFailedText(installerExitCode));
  installTailscale(host, version);
  return exit(0, `Found Tailscale [Tailscale.Tailscale] Version ${version}\nStarting package install...\nSuccessfully installed`);
}

// ---------------------------------------------------------------- icacls.exe

/** Rights that include reading the file or folder. */
const READ_RIGHTS = /^(F|M|RX|R|GR|GA)$/i;

/**
 * icacls <path> [/inheritance:r|d|e] [/grant[:r] *SID:perm ...] [/remove[:g] *SID ...]. Accounts by
 * SID only: this host answers names as a localized Windows would ("Administratoren"), so a script
 * using English names fails here as it would there. /inheritance:r drops what was inherited, which,
 * for items the steps create, is everything not granted explicitly in the same call.
 */
function icacls(argv: string[], run: Run): ProgramAnswer {
  const [target, ...switches] = argv;
  const host = run.state;
  const summary = (ok: boolean) => `Successfully processed ${ok ? 1 : 0} files; Failed processing ${ok ? 0 : 1} files`;
  const file = findName(host.files, normalizePath(target ?? ""));
  const dir = findName(host.dirs, normalizePath(target ?? ""));
  if (target === undefined || (file === undefined && dir === undefined)) {
    return exit(2, summary(false), `${target}: The system cannot find the file specified.`);
  }
  let readers = [...(file !== undefined ? host.files[file].readers : host.dirs[dir as string])];
  for (let i = 0; i < switches.length; i++) {
    const option = switches[i].toLowerCase();
    if (option === "/inheritance:r") {
      readers = [];
    } else if (option === "/inheritance:d" || option === "/inheritance:e") {
      // Copies or restores inherited entries; the readers stay as they are.
    } else if (option === "/grant" || option === "/grant:r" || option === "/remove" || option === "/remove:g") {
      while (i + 1 < switches.length && !switches[i + 1].startsWith("/")) {
        const entry = switches[++i];
        const match = /^\*(S-1-[0-9-]+)(?::((?:\([A-Z]+\))*)([A-Z,()]+))?$/i.exec(entry);
        if (!match) {
          return exit(1332, summary(false), `${entry.split(":")[0]}: No mapping between account names and security IDs was done.`);
        }
        const [, sid, , rights] = match;
        readers = readers.filter((reader) => reader !== sid);
        if (option.startsWith("/grant") && rights !== undefined && rights.split(",").some((right) => READ_RIGHTS.test(right.replace(/[()]/g, "")))) {
          readers.push(sid);
        }
      }
    } else {
      return exit(87, "", `Invalid parameter "${switches[i]}"`);
    }
  }
  if (file !== undefined) {
    host.files[file].readers = readers;
    checkExposure(run, file);
  } else {
    host.dirs[dir as string] = readers;
  }
  return exit(0, `processed file: ${target}\n${summary(true)}`);
}
