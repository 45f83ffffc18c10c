/**
 * The install step picks Tailscale's MSI by the host's architecture, as install.ps1 does from
 * $env:PROCESSOR_ARCHITECTURE, on both back ends alike: the same download, the same result, the same
 * host afterwards (the pwsh back end runs the real install.ps1; skipped loudly without pwsh).
 */
import { DEFAULT_STATE_DIR, type InstallParams } from "../../../provider/scripts/catalogue";
import type { BackendFactory } from "../../../simulator/backend";
import { createPwshBackend } from "../../../simulator/backends/pwsh";
import { runStep } from "../../../simulator/backends/run-step";
import { tsBackendFactory } from "../../../simulator/backends/ts";
import type { HostState } from "../../../simulator/host-state";
import { initialHostState } from "../../../simulator/initial-state";
import { LATEST_TAILSCALE, scenarioByName } from "../../../simulator/scenarios";
import { toolsPresent } from "../../support/tools";

jest.setTimeout(120_000);

const BACK_ENDS: [string, BackendFactory][] = [["ts", tsBackendFactory({ maxRealSleepMs: 1 })]];
if (toolsPresent("the install step on the pwsh back end", "pwsh")) BACK_ENDS.push(["pwsh", createPwshBackend]);

const CASES: [HostState["architecture"], string | null, string][] = [
  ["AMD64", null, "amd64"],
  ["ARM64", null, "arm64"],
  ["x86", "1.80.3", "x86"],
];

describe.each(BACK_ENDS)("install on the %s back end", (_kind, createBackend) => {
  test.each(CASES)("a host of architecture %s, version %s: the %s MSI, installed at the version it holds", async (architecture, version, msiArch) => {
    const scenario = scenarioByName("clean-join-first-try");
    const backend = await createBackend(scenario, { ...initialHostState(scenario), architecture });
    try {
      const params: InstallParams = { method: "msi", version, msiUrl: null, loginServer: null, stateDir: DEFAULT_STATE_DIR };
      const run = await runStep(backend, "install", params);
      const installed = version ?? LATEST_TAILSCALE;
      expect(run.progress.map((line) => line.message)).toEqual([
        `downloading https://pkgs.tailscale.com/stable/tailscale-setup-${installed}-${msiArch}.msi`,
        "running the Tailscale installer",
      ]);
      expect(run.envelope).toEqual({ ok: true, value: { outcome: "installed", version: installed, exitCode: 0, rebootRequired: false } });
      const state = await backend.state();
      expect(state.tailscale).toMatchObject({ installed: true, version: installed, service: { status: "Running", startType: "Automatic" } });
      expect(state.files).toEqual({});
    } finally {
      await backend.dispose();
    }
  });
});
