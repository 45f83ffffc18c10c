/** A scenario's starting host (simulator/initial-state.ts). */
import { DEFAULT_READERS } from "../../simulator/host-state";
import { initialHostState } from "../../simulator/initial-state";
import { tailscaleUninstallEntry } from "../../simulator/programs/msiexec";

describe("the initial host", () => {
  it("starts a scenario from a clean host with its folders added", () => {
    const state = initialHostState({
      name: "t",
      description: "t",
      host: { dirs: { "C:\\temp": DEFAULT_READERS }, tailscale: { installed: true } },
      expect: { state: "joined", joinScriptLeft: false },
    });
    expect(Object.keys(state.dirs).sort()).toEqual(["C:\\", "C:\\ProgramData", "C:\\temp"]);
    expect(state.tailscale).toMatchObject({ installed: true, backendState: "NoState" });
    // Installed without a version: not an MSI product Windows lists.
    expect(state.registry).toEqual({});
    const installed = initialHostState({ name: "t", description: "t", host: { tailscale: { installed: true, version: "1.62.1" } }, expect: { state: "joined", joinScriptLeft: false } });
    const entry = tailscaleUninstallEntry("1.62.1");
    expect(installed.registry).toEqual({ [entry.key]: { DisplayName: "Tailscale", DisplayVersion: "1.62.1", Publisher: "Tailscale Inc." } });
  });
});
