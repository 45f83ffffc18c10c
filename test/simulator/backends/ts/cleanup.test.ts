/** The cleanup step's model (simulator/backends/ts/cleanup.ts): leftovers removed, logout and uninstall when asked. */
import { DEFAULT_JOIN_SCRIPT_PATH, DEFAULT_STATE_DIR } from "../../../../provider/scripts/catalogue";
import { ADMIN_ONLY, DEFAULT_READERS } from "../../../../simulator/host-state";
import { SIMULATED_PRODUCT_CODE } from "../../../../simulator/programs/msiexec";
import { cleanupParams, installParams, installedBackend, joinParams, scenario } from "./fixtures";
import { AUTH_KEY, backendFor, runStep } from "./step-runner";

describe("cleanup", () => {
  it("removes the join script, every key file and the emptied state directory", async () => {
    const stale = `${DEFAULT_STATE_DIR}\\authkey-0123456789abcdef.txt`;
    const seeded = await backendFor(
      scenario({
        host: {
          dirs: { [DEFAULT_STATE_DIR]: ADMIN_ONLY, "C:\\temp": DEFAULT_READERS },
          files: {
            [DEFAULT_JOIN_SCRIPT_PATH]: { content: "script", readers: ADMIN_ONLY },
            [stale]: { content: AUTH_KEY, readers: ADMIN_ONLY },
          },
        },
      }),
    );
    const result = await runStep(seeded, "cleanup", cleanupParams());
    expect(result).toEqual({ removed: [DEFAULT_JOIN_SCRIPT_PATH, stale, DEFAULT_STATE_DIR], loggedOut: false, uninstalled: false, messages: [] });
    const state = await seeded.state();
    expect(state.files).toEqual({});
    expect(state.dirs[DEFAULT_STATE_DIR]).toBeUndefined();
  });

  it("keeps a state directory that still holds install.log", async () => {
    const backend = await backendFor("msi-fails-1603");
    await runStep(backend, "install", installParams());
    const result = await runStep(backend, "cleanup", cleanupParams());
    expect(result.removed).toEqual([]);
    expect((await backend.state()).dirs[DEFAULT_STATE_DIR]).toEqual(ADMIN_ONLY);
  });

  it("logs out and uninstalls when asked", async () => {
    const backend = await installedBackend("clean-join-first-try");
    await runStep(backend, "join", joinParams());
    const result = await runStep(backend, "cleanup", cleanupParams({ logout: true, uninstall: true }));
    expect(result).toMatchObject({ loggedOut: true, uninstalled: true, messages: [] });
    const state = await backend.state();
    expect(state.tailscale).toEqual({ installed: false, version: null, service: null, backendState: "NoState", loggedInLoginServer: null, nodeName: null });
    expect(state.adapterIps).toEqual([]);
    expect(state.processLog).toContain('"C:\\Program Files\\Tailscale\\tailscale.exe" logout');
  });

  it("uninstalls a Tailscale the scenario starts with, by its MSI product code", async () => {
    const backend = await backendFor("already-installed-older-version");
    const result = await runStep(backend, "cleanup", cleanupParams({ uninstall: true }));
    expect(result).toMatchObject({ uninstalled: true, messages: [] });
    const state = await backend.state();
    expect(state.processLog).toEqual([`msiexec.exe /x ${SIMULATED_PRODUCT_CODE} /quiet /norestart /qn`]);
    expect(state.tailscale.installed).toBe(false);
    expect(state.registry).toEqual({});
  });

  it("does not uninstall a Tailscale that is not an MSI product", async () => {
    const backend = await backendFor(scenario({ host: { tailscale: { installed: true, version: null } } }));
    const result = await runStep(backend, "cleanup", cleanupParams({ uninstall: true }));
    expect(result).toMatchObject({ uninstalled: false, messages: ["Tailscale is installed but not as an MSI product; uninstall it by hand"] });
    expect((await backend.state()).tailscale.installed).toBe(true);
  });

  it("neither logs out nor uninstalls what is not installed", async () => {
    const backend = await backendFor("clean-join-first-try");
    const result = await runStep(backend, "cleanup", cleanupParams({ logout: true, uninstall: true }));
    expect(result).toEqual({ removed: [], loggedOut: false, uninstalled: false, messages: [] });
    expect((await backend.state()).processLog).toEqual([]);
  });

  it("reports a logout that cannot reach the daemon over SSH", async () => {
    const backend = await installedBackend("daemon-unreachable");
    const result = await runStep(backend, "cleanup", cleanupParams({ logout: true }));
    expect(result.loggedOut).toBe(false);
    expect(result.messages[0]).toContain("context deadline exceeded");
  });
});
