/**
 * The doctor: read-only checks of a host (provider/scripts/checks.ps1), run inside the create/update
 * probe (same round trip) and by `mesh-windows-node doctor`. A failed check stops create or update
 * before anything changes on the host; a warning is carried in the node's warnings.
 */
import { MeshError } from "../common/errors";
import type { DefaultedInputs } from "../node";
import type { NodeInputs } from "../node/types";
import type { CheckSettings, HostCheck } from "../scripts/catalogue";
import { connectionSettings } from "./connection-settings";
import { withOperation, type Operation, type OperationOptions } from "./operation";
import { Redactor } from "../common/redact";
import { secretsOf, withDefaults } from "../node";
import { probeParams } from "./probe-params";

/** Tailscale's own control server, which a node without loginServer logs in to. */
const TAILSCALE_CONTROL_URL = "https://controlplane.tailscale.com";
/** The package index install.ps1 reads when no MSI URL is given. */
const PACKAGES_URL = "https://pkgs.tailscale.com/stable/?mode=json&os=windows";
/** Each HEAD request from the host is bounded by this. */
const WEB_CHECK_SECONDS = 10;

/** What the host must reach for these inputs: the packages (an MSI install) and the control server. */
export function checkSettings(inputs: DefaultedInputs): CheckSettings {
  const urls: CheckSettings["urls"] = [];
  if (inputs.install.method === "msi") {
    // Through the proxy the install step downloads through: that is the path the packages come by.
    const url = inputs.install.msiUrl ? withoutCredentials(inputs.install.msiUrl) : PACKAGES_URL;
    urls.push({ id: "reach-packages", url, proxy: inputs.install.proxy ?? null });
  }
  urls.push({ id: "reach-control-server", url: inputs.loginServer ?? TAILSCALE_CONTROL_URL, proxy: null });
  return { urls, timeoutSeconds: WEB_CHECK_SECONDS };
}

/**
 * The URL without its query and user-info: reaching the server is what the check asks, so a signed
 * mirror URL's token stays out of the probe (any HTTP answer, a 403 included, counts as reached).
 */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** Stops the operation, before anything changes on the host, when a check failed. */
export function requireReady(op: Operation, checks: readonly HostCheck[]): void {
  const failed = checks.filter((check) => check.status === "fail");
  if (failed.length === 0) return;
  throw new MeshError(`the host is not ready: ${failed.map((check) => check.id).join(", ")}`, {
    kind: "host-not-ready",
    host: op.label,
    step: "probe",
    seen: failed.map((check) => `${check.id}: ${check.seen}`).join("\n"),
    hint: failed.map((check) => `${check.id}: ${check.fix}`).join("; "),
  });
}

/** A warning per check that warned, for the node's warnings. */
export function checkWarnings(checks: readonly HostCheck[]): string[] {
  return checks.filter((check) => check.status === "warn").map((check) => `host-check ${check.id}: ${check.seen}; ${check.fix}`);
}

/** `doctor`: connect (enforcing a host key seen before, when given), run the checks, change nothing. */
export async function diagnoseHost(raw: NodeInputs, options: OperationOptions = {}, knownHostKey?: string): Promise<{ host: string; checks: HostCheck[] }> {
  const inputs = withDefaults(raw);
  const settings = connectionSettings(inputs.connection, knownHostKey);
  return withOperation(settings, new Redactor(secretsOf(inputs)), inputs.stepTimeoutSeconds * 1000, options, async (op) => {
    const probe = await op.step("probe", probeParams(inputs.joinScriptPath, checkSettings(inputs)));
    return { host: op.label, checks: probe.checks ?? [] };
  });
}
