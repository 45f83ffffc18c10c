/**
 * The probe reports which of Tailscale's MSIs fits the host (arch), picked from
 * $env:PROCESSOR_ARCHITECTURE as install.ps1 picks the package it downloads: what an upload
 * install fetches on the deploying machine. Both back ends alike (pwsh runs the real probe.ps1;
 * skipped loudly without pwsh).
 */
import { probeParams } from "../../../provider/lifecycle/probe-params";
import { DEFAULT_JOIN_SCRIPT_PATH, type ProbeResult } from "../../../provider/scripts/catalogue";
import type { BackendFactory } from "../../../simulator/backend";
import { createPwshBackend } from "../../../simulator/backends/pwsh";
import { stepValue } from "../../../simulator/backends/run-step";
import { tsBackendFactory } from "../../../simulator/backends/ts";
import type { HostState } from "../../../simulator/host-state";
import { initialHostState } from "../../../simulator/initial-state";
import { scenarioByName } from "../../../simulator/scenarios";
import { toolsPresent } from "../../support/tools";

jest.setTimeout(120_000);

const BACK_ENDS: [string, BackendFactory][] = [["ts", tsBackendFactory({ maxRealSleepMs: 1 })]];
if (toolsPresent("the probe step on the pwsh back end", "pwsh")) BACK_ENDS.push(["pwsh", createPwshBackend]);

const CASES: [HostState["architecture"], ProbeResult["arch"]][] = [
  ["AMD64", "amd64"],
  ["ARM64", "arm64"],
  ["x86", "x86"],
];

describe.each(BACK_ENDS)("probe on the %s back end", (_kind, createBackend) => {
  test.each(CASES)("a host whose PROCESSOR_ARCHITECTURE is %s takes the %s MSI", async (architecture, arch) => {
    const scenario = scenarioByName("clean-join-first-try");
    const backend = await createBackend(scenario, { ...initialHostState(scenario), architecture });
    try {
      expect(await stepValue(backend, "probe", probeParams(DEFAULT_JOIN_SCRIPT_PATH))).toMatchObject({ arch });
    } finally {
      await backend.dispose();
    }
  });
});
