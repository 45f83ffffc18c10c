/**
 * The daemon's state file on the simulated host (simulator/programs/tailscale-state.ts), as
 * `tailscale up`, `set` and `logout` leave it: the format tailscaled writes (state key -> base64, the
 * start profile's ipn.Prefs), the folder the daemon creates, and the fake private keys inside.
 */
import { DEFAULT_STATE_DIR, SID_ADMINISTRATORS, SID_SYSTEM, TAILSCALE_STATE_FILE } from "../../../provider/scripts/catalogue";
import { ADMIN_ONLY, cleanHost } from "../../../simulator/host-state";
import { emptyRecord, runProgram, type ProgramHost } from "../../../simulator/programs";
import { SIMULATED_PRIVATE_KEYS } from "../../../simulator/programs/tailscale-state";

const KEY_FILE = `${DEFAULT_STATE_DIR}\\authkey-1.txt`;

function installedHost(): ProgramHost {
  const state = cleanHost();
  state.tailscale = { ...state.tailscale, installed: true, version: "1.90.6", service: { status: "Running", startType: "Automatic" } };
  state.dirs[DEFAULT_STATE_DIR] = [...ADMIN_ONLY];
  state.files[KEY_FILE] = { content: "tskey-auth-k1", readers: [...ADMIN_ONLY] };
  return { state, scenario: { name: "t", description: "t", expect: { state: "joined", joinScriptLeft: false } }, record: emptyRecord() };
}

/** Runs tailscale.exe to completion (its effect included); returns its exit code and error text. */
function run(host: ProgramHost, argv: string[]): { exitCode: number; stderr: string } {
  const answer = runProgram({ program: "tailscale", argv, session: "interactive" }, host);
  if ("hang" in answer) throw new Error("the program hangs");
  answer.finish?.();
  return { exitCode: answer.exitCode, stderr: answer.stderr.join("\n") };
}

type Store = Record<string, string | null>;

function store(host: ProgramHost): Store {
  return JSON.parse(host.state.files[TAILSCALE_STATE_FILE].content) as Store;
}

function decoded(value: string | null | undefined): string {
  return Buffer.from(value ?? "", "base64").toString("utf8");
}

/** The start profile's preferences, as tailscale-prefs.ps1 finds them. */
function startPrefs(host: ProgramHost): Record<string, unknown> {
  const s = store(host);
  return JSON.parse(decoded(s[decoded(s["server-mode-start-key"])])) as Record<string, unknown>;
}

const UP = ["up", "--login-server=https://hs.example.com", "--accept-routes=false", "--shields-up=true", "--accept-dns=false", "--unattended", "--reset", `--auth-key=file:${KEY_FILE}`];

describe("the daemon's state file", () => {
  test("a join writes it as tailscaled does, in a folder only SYSTEM and Administrators reach", () => {
    const host = installedHost();
    expect(run(host, UP).exitCode).toBe(0);
    const s = store(host);
    expect(Object.keys(s)).toEqual([...Object.keys(s)].sort());
    expect(decoded(s["server-mode-start-key"])).toMatch(/^profile-[0-9a-f]{4}$/);
    expect(decoded(s._machinekey)).toBe(SIMULATED_PRIVATE_KEYS.machine);
    expect(startPrefs(host)).toMatchObject({
      ControlURL: "https://hs.example.com",
      RouteAll: false,
      ShieldsUp: true,
      CorpDNS: false,
      ExitNodeID: "",
      ExitNodeIP: "",
      ForceDaemon: true,
      Config: { PrivateNodeKey: SIMULATED_PRIVATE_KEYS.node, NetworkLockKey: SIMULATED_PRIVATE_KEYS.networkLock },
    });
    expect(host.state.files[TAILSCALE_STATE_FILE].readers.sort()).toEqual([SID_ADMINISTRATORS, SID_SYSTEM].sort());
    expect(host.state.security?.["C:\\ProgramData\\Tailscale"]).toMatchObject({ owner: SID_SYSTEM, protected: true });
  });

  test("`tailscale set` changes only the options it names; the route guard's accept-routes among them", () => {
    const host = installedHost();
    run(host, UP);
    expect(run(host, ["set", "--shields-up=false"]).exitCode).toBe(0);
    expect(run(host, ["set", "--accept-routes"]).exitCode).toBe(0);
    expect(startPrefs(host)).toMatchObject({ ShieldsUp: false, RouteAll: true, CorpDNS: false, ForceDaemon: true });
    expect(run(host, ["set", "--hostname=other"])).toMatchObject({ exitCode: 2, stderr: expect.stringContaining("flag provided but not defined: -hostname") });
  });

  test("exit nodes: auto: as AutoExitNode, an address as ExitNodeIP, a name as the peer's node ID; empty clears", () => {
    const host = installedHost();
    run(host, [...UP, "--exit-node=auto:any"]);
    expect(startPrefs(host)).toMatchObject({ AutoExitNode: "any", ExitNodeID: "", ExitNodeIP: "" });
    run(host, ["set", "--exit-node=100.64.0.254"]);
    expect(startPrefs(host)).toMatchObject({ ExitNodeIP: "100.64.0.254", ExitNodeID: "" });
    expect(startPrefs(host).AutoExitNode).toBeUndefined();
    run(host, ["set", "--exit-node=exit-1"]);
    expect(startPrefs(host)).toMatchObject({ ExitNodeIP: "", ExitNodeID: expect.stringMatching(/^n[0-9a-f]{12}CNTRL$/) });
    run(host, ["set", "--exit-node="]);
    expect(startPrefs(host)).toMatchObject({ ExitNodeIP: "", ExitNodeID: "" });
  });

  test("without unattended mode the service has no start profile; logout deletes the profile and keeps the machine key", () => {
    const host = installedHost();
    run(host, UP.filter((arg) => arg !== "--unattended"));
    expect(store(host)["server-mode-start-key"]).toBeNull();
    run(host, UP);
    expect(run(host, ["logout"]).exitCode).toBe(0);
    const s = store(host);
    expect(Object.keys(s).filter((key) => key.startsWith("profile-"))).toEqual([]);
    expect(s["server-mode-start-key"]).toBeNull();
    expect(decoded(s._machinekey)).toBe(SIMULATED_PRIVATE_KEYS.machine);
  });
});
