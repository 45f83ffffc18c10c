/**
 * install.proxy on both back ends (the pwsh back end runs the real install.ps1; skipped loudly
 * without pwsh): on a host whose network lets it reach pkgs.tailscale.com only through the company's
 * web proxy, an install without the proxy cannot download anything and runs no installer; with it,
 * the index and the MSI come through the proxy with the login built on the host, and the host's
 * record of its requests holds the login's user and only a hash of its password.
 */
import { createHash } from "crypto";

import { DEFAULT_STATE_DIR, type InstallParams } from "../../../provider/scripts/catalogue";
import type { BackendFactory } from "../../../simulator/backend";
import { createPwshBackend } from "../../../simulator/backends/pwsh";
import { runStep } from "../../../simulator/backends/run-step";
import { tsBackendFactory } from "../../../simulator/backends/ts";
import { initialHostState } from "../../../simulator/initial-state";
import { PKGS_INDEX_URL } from "../../../simulator/programs/pkgs";
import { CORP_PROXY, LATEST_TAILSCALE, scenarioByName } from "../../../simulator/scenarios";
import { toolsPresent } from "../../support/tools";

jest.setTimeout(120_000);

const BACK_ENDS: [string, BackendFactory][] = [["ts", tsBackendFactory({ maxRealSleepMs: 1 })]];
if (toolsPresent("install.proxy on the pwsh back end", "pwsh")) BACK_ENDS.push(["pwsh", createPwshBackend]);

const MSI = `https://pkgs.tailscale.com/stable/tailscale-setup-${LATEST_TAILSCALE}-amd64.msi`;
/** Quotes, a dollar sign and a backtick: the password must reach the credential as it is. */
const PASSWORD = "pr0xy 'pass' $word`";
const PASSWORD_SHA256 = createHash("sha256").update(PASSWORD, "utf8").digest("hex");

describe.each(BACK_ENDS)("install.proxy on the %s back end", (_kind, createBackend) => {
  async function install(proxy: InstallParams["proxy"]) {
    const scenario = scenarioByName("internet-through-proxy");
    const backend = await createBackend(scenario, initialHostState(scenario));
    try {
      // No version pinned: the index is fetched too.
      const params: InstallParams = { method: "msi", version: null, msiUrl: null, sha256: null, proxy, loginServer: null, stateDir: DEFAULT_STATE_DIR };
      return { run: await runStep(backend, "install", params), state: await backend.state() };
    } finally {
      await backend.dispose();
    }
  }

  test("without the proxy: the index cannot be fetched, no installer runs, nothing is downloaded", async () => {
    const { run, state } = await install(null);
    expect(run.envelope).toMatchObject({ ok: false, error: { message: expect.stringContaining("Unable to connect to the remote server") } });
    expect(state.webRequests).toEqual([{ method: "GET", url: PKGS_INDEX_URL, proxy: null, proxyUser: null, proxyPasswordSha256: null }]);
    expect(state.tailscale.installed).toBe(false);
    expect(state.processLog.filter((line) => /msiexec/i.test(line))).toEqual([]);
    expect(Object.keys(state.files).filter((f) => /\.msi$/i.test(f))).toEqual([]);
  });

  test("through the proxy with its login: the index and the MSI come through it, and it installs", async () => {
    const { run, state } = await install({ url: CORP_PROXY, username: "CORP\\svc-mesh", password: PASSWORD });
    expect(run.envelope).toEqual({ ok: true, value: { outcome: "installed", version: LATEST_TAILSCALE, exitCode: 0, rebootRequired: false } });
    const through = { proxy: CORP_PROXY, proxyUser: "CORP\\svc-mesh", proxyPasswordSha256: PASSWORD_SHA256 };
    expect(state.webRequests).toEqual([
      { method: "GET", url: PKGS_INDEX_URL, ...through },
      { method: "GET", url: MSI, ...through },
    ]);
    expect(JSON.stringify(state)).not.toContain("pr0xy");
    expect(state.processLog.join("\n")).not.toContain("pr0xy");
  });

  test("through a proxy without a login: no credential is built", async () => {
    const { run, state } = await install({ url: CORP_PROXY });
    expect(run.envelope).toMatchObject({ ok: true, value: { outcome: "installed" } });
    expect(state.webRequests?.map((request) => [request.proxy, request.proxyUser, request.proxyPasswordSha256])).toEqual([
      [CORP_PROXY, null, null],
      [CORP_PROXY, null, null],
    ]);
  });

  test("another proxy than the network's: cannot connect", async () => {
    const { run, state } = await install({ url: "http://proxy.elsewhere.example:8080" });
    expect(run.envelope).toMatchObject({ ok: false, error: { message: expect.stringContaining("Unable to connect to the remote server") } });
    expect(state.tailscale.installed).toBe(false);
  });
});
