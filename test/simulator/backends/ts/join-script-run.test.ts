/** A person running the join script (simulator/backends/ts/join-script-run.ts, the model of join-mesh.ps1). */
import { DEFAULT_JOIN_SCRIPT_PATH, DEFAULT_STATE_DIR, TAILSCALE_STATE_FILE } from "../../../../provider/scripts/catalogue";
import { ADMIN_ONLY } from "../../../../simulator/host-state";
import { tailnetAddressesFor } from "../../../../simulator/programs/tailscale-texts";
import { LOGIN_SERVER, installedBackend, joinParams, scenario } from "./fixtures";
import { AUTH_KEY, backendFor, runStep } from "./step-runner";

describe("the join script run by a person", () => {
  it("joins interactively, then deletes the key file and the script", async () => {
    const backend = await installedBackend("daemon-unreachable");
    await runStep(backend, "join", joinParams());
    const run = await backend.runJoinScriptInteractively("c:\\programdata\\MeshWindowsNode\\JOIN-MESH.ps1");
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain("SUCCESS");
    expect(run.output).not.toContain(AUTH_KEY);
    const state = await backend.state();
    // What stays is the script's log (admin-only, without the key), and the daemon's own state file.
    expect(Object.keys(state.files)).toEqual([`${DEFAULT_STATE_DIR}\\join-mesh.log`, TAILSCALE_STATE_FILE]);
    expect(state.files[`${DEFAULT_STATE_DIR}\\join-mesh.log`].readers).toEqual(ADMIN_ONLY);
    expect(state.files[`${DEFAULT_STATE_DIR}\\join-mesh.log`].content).not.toContain(AUTH_KEY);
    expect(state.tailscale.backendState).toBe("Running");
    expect(state.adapterIps).toEqual(tailnetAddressesFor("WIN-01"));
    expect(state.registry["HKLM:\\SOFTWARE\\Policies\\Tailscale"]).toEqual({ LoginURL: LOGIN_SERVER, Hostname: "win-01", UnattendedMode: "always" });
  });

  it("keeps the script when the interactive join fails too", async () => {
    const backend = await installedBackend(scenario({ join: ["in-use"], interactiveJoin: "auth-rejected" }));
    await runStep(backend, "join", joinParams());
    const run = await backend.runJoinScriptInteractively(DEFAULT_JOIN_SCRIPT_PATH);
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain("[redacted]");
    expect(run.output).toContain("(auth-rejected)");
    expect(run.output).not.toContain(AUTH_KEY);
    expect(Object.keys((await backend.state()).files).sort()).toEqual([`${DEFAULT_STATE_DIR}\\join-mesh.log`, DEFAULT_JOIN_SCRIPT_PATH]);
  });

  it("refuses a script that is not there", async () => {
    const backend = await backendFor("daemon-unreachable");
    const run = await backend.runJoinScriptInteractively(DEFAULT_JOIN_SCRIPT_PATH);
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain("does not exist");
  });
});
