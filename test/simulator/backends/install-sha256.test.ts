/**
 * install.sha256 pins the MSI: install.ps1 hashes the download (Get-FileHash) before msiexec runs
 * it. A match installs; a mismatch fails naming both hashes, runs no installer and leaves no MSI on
 * the host. Both back ends alike (the pwsh back end runs the real install.ps1; skipped loudly
 * without pwsh).
 */
import { createHash } from "crypto";

import { DEFAULT_STATE_DIR, type InstallParams } from "../../../provider/scripts/catalogue";
import type { BackendFactory } from "../../../simulator/backend";
import { createPwshBackend } from "../../../simulator/backends/pwsh";
import { runStep } from "../../../simulator/backends/run-step";
import { tsBackendFactory } from "../../../simulator/backends/ts";
import { initialHostState } from "../../../simulator/initial-state";
import { msiPackage } from "../../../simulator/programs/pkgs";
import { LATEST_TAILSCALE, scenarioByName } from "../../../simulator/scenarios";
import { toolsPresent } from "../../support/tools";

jest.setTimeout(120_000);

const BACK_ENDS: [string, BackendFactory][] = [["ts", tsBackendFactory({ maxRealSleepMs: 1 })]];
if (toolsPresent("install.sha256 on the pwsh back end", "pwsh")) BACK_ENDS.push(["pwsh", createPwshBackend]);

const URL = `https://pkgs.tailscale.com/stable/tailscale-setup-${LATEST_TAILSCALE}-amd64.msi`;
/** What the simulated download site serves at URL, hashed as Get-FileHash prints it. */
const GOOD = createHash("sha256").update(msiPackage(URL), "utf8").digest("hex").toUpperCase();
const WRONG = "0".repeat(64);

describe.each(BACK_ENDS)("install.sha256 on the %s back end", (_kind, createBackend) => {
  async function install(sha256: string) {
    const scenario = scenarioByName("clean-join-first-try");
    const backend = await createBackend(scenario, initialHostState(scenario));
    try {
      const params: InstallParams = { method: "msi", version: LATEST_TAILSCALE, msiUrl: null, sha256, loginServer: null, stateDir: DEFAULT_STATE_DIR };
      return { run: await runStep(backend, "install", params), state: await backend.state() };
    } finally {
      await backend.dispose();
    }
  }

  test("the pinned hash, in either case: installed", async () => {
    const { run, state } = await install(GOOD.toLowerCase());
    expect(run.envelope).toEqual({ ok: true, value: { outcome: "installed", version: LATEST_TAILSCALE, exitCode: 0, rebootRequired: false } });
    expect(state.tailscale.installed).toBe(true);
  });

  test("another hash: failed naming both, no installer run, no MSI left", async () => {
    const { run, state } = await install(WRONG);
    expect(run.envelope).toEqual({
      ok: true,
      value: {
        outcome: "failed",
        exitCode: null,
        message: `the downloaded MSI's SHA-256 is ${GOOD}, not ${WRONG} as install.sha256 says: it was deleted without running; check install.msiUrl and install.version, or the pinned hash`,
        logTail: "",
      },
    });
    expect(state.tailscale.installed).toBe(false);
    expect(state.processLog.filter((line) => /msiexec/i.test(line))).toEqual([]);
    expect(Object.keys(state.files).filter((f) => /\.msi$/i.test(f))).toEqual([]);
  });
});
