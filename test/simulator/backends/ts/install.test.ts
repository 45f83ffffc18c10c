/** The install step's model (simulator/backends/ts/install.ts) over the one program model's installers. */
import { DEFAULT_STATE_DIR } from "../../../../provider/scripts/catalogue";
import { ADMIN_ONLY } from "../../../../simulator/host-state";
import { LATEST_TAILSCALE, OLD_TAILSCALE } from "../../../../simulator/scenarios";
import { LOGIN_SERVER, installParams, scenario } from "./fixtures";
import { backendFor, runStep } from "./step-runner";

describe("install", () => {
  it.each([
    ["clean-join-first-try", null],
    ["already-installed-older-version", OLD_TAILSCALE],
    ["already-installed-same-version", LATEST_TAILSCALE],
  ])("installs the latest MSI on %s", async (name, before) => {
    const backend = await backendFor(name);
    expect((await backend.state()).tailscale.version).toBe(before);
    const result = await runStep(backend, "install", installParams());
    expect(result).toEqual({ outcome: "installed", version: LATEST_TAILSCALE, exitCode: 0, rebootRequired: false });
    const state = await backend.state();
    expect(state.tailscale).toMatchObject({ installed: true, version: LATEST_TAILSCALE, service: { status: "Running", startType: "Automatic" } });
    expect(state.dirs[DEFAULT_STATE_DIR]).toEqual(ADMIN_ONLY);
    expect(Object.keys(state.files)).toEqual([]);
    const msiexec = state.processLog.find((line) => line.startsWith("msiexec.exe "));
    expect(msiexec).toBe(
      `msiexec.exe /i ${DEFAULT_STATE_DIR}\\tailscale-setup.msi /quiet /norestart /qn /L*v ${DEFAULT_STATE_DIR}\\install.log ` +
        `TS_UNATTENDEDMODE=always TS_NOLAUNCH=1 TS_LOGINURL=${LOGIN_SERVER}`,
    );
  });

  it("installs the version asked for", async () => {
    const backend = await backendFor("clean-join-first-try");
    const result = await runStep(backend, "install", installParams({ version: "1.80.3", loginServer: null }));
    expect(result).toMatchObject({ outcome: "installed", version: "1.80.3" });
    expect((await backend.state()).processLog.some((line) => line.includes("TS_LOGINURL"))).toBe(false);
  });

  it("fails on msiexec 1603, keeps install.log (admin-only) and returns its tail", async () => {
    const backend = await backendFor("msi-fails-1603");
    const result = await runStep(backend, "install", installParams());
    expect(result).toMatchObject({ outcome: "failed", exitCode: 1603 });
    if (result.outcome !== "failed") throw new Error("unreachable");
    expect(result.message).toContain("1603");
    expect(result.logTail).toContain("Installation success or error status: 1603.");
    const state = await backend.state();
    expect(state.tailscale.installed).toBe(false);
    expect(Object.keys(state.files)).toEqual([`${DEFAULT_STATE_DIR}\\install.log`]);
    expect(state.files[`${DEFAULT_STATE_DIR}\\install.log`].readers).toEqual(ADMIN_ONLY);
  });

  it("treats msiexec 3010 as installed with a reboot wanted", async () => {
    const backend = await backendFor("msi-wants-reboot-3010");
    const result = await runStep(backend, "install", installParams());
    expect(result).toEqual({ outcome: "installed", version: LATEST_TAILSCALE, exitCode: 3010, rebootRequired: true });
    expect(Object.keys((await backend.state()).files)).toEqual([]);
  });

  it("fails with winget when winget is missing, having only prepared the state directory", async () => {
    const backend = await backendFor("winget-missing");
    const result = await runStep(backend, "install", installParams({ method: "winget" }));
    expect(result).toMatchObject({ outcome: "failed", exitCode: null });
    const state = await backend.state();
    expect(state.tailscale.installed).toBe(false);
    expect(state.dirs[DEFAULT_STATE_DIR]).toEqual(ADMIN_ONLY);
    expect(state.processLog.every((line) => line.startsWith("icacls.exe "))).toBe(true);
  });

  it("reports winget's failure when the installer it runs fails", async () => {
    const backend = await backendFor(scenario({ installer: { msiExitCode: 1603 } }));
    const result = await runStep(backend, "install", installParams({ method: "winget" }));
    expect(result).toMatchObject({ outcome: "failed", exitCode: -1978335226 });
    if (result.outcome !== "failed") throw new Error("unreachable");
    expect(result.logTail).toContain("Installer failed with exit code: 1603");
    expect((await backend.state()).tailscale.installed).toBe(false);
  });

  it("installs with winget when it is there", async () => {
    const backend = await backendFor("clean-join-first-try");
    const result = await runStep(backend, "install", installParams({ method: "winget", version: "1.88.0" }));
    expect(result).toEqual({ outcome: "installed", version: "1.88.0", exitCode: 0, rebootRequired: false });
    expect((await backend.state()).processLog).toContain(
      "winget install --id Tailscale.Tailscale --source winget --silent --accept-package-agreements --accept-source-agreements --version 1.88.0",
    );
  });
});
