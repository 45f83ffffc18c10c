/**
 * The TypeScript model of provider/scripts/checks.ps1: the doctor's read-only checks over the
 * simulated host. Same ids, statuses and texts as the script (the pwsh back end runs the script
 * itself over the same HostState), so both back ends give create the same warnings and failures.
 */
import type { CheckSettings, HostCheck } from "../../../provider/scripts/catalogue";
import type { Script } from "./common";
import { ScriptError } from "./exec";
import { webRequest } from "./web";

const DEFAULT_FREE_MB = 40960;
const VPN_PATTERN = /NordVPN|NordLynx|ExpressVPN|WireGuard|OpenVPN|TAP-Windows|AnyConnect|Cisco|FortiClient|Fortinet|GlobalProtect|PANGP|Pulse Secure|ZeroTier|Mullvad|ProtonVPN|Surfshark|Windscribe/i;

function check(id: string, status: HostCheck["status"], seen: string, fix = ""): HostCheck {
  return { id, status, seen, fix };
}

export async function hostChecks(script: Script, settings: CheckSettings): Promise<HostCheck[]> {
  const { state } = script;
  const account = script.accountName();
  const checks: HostCheck[] = [
    state.isAdmin
      ? check("administrator", "pass", `${account} is an elevated administrator`)
      : check("administrator", "fail", `${account} has no elevated administrator token over SSH`, "connect as a member of the local Administrators group (installing Tailscale and writing its policy need it)"),
  ];
  const [major, minor] = state.powershellVersion.split(".").map(Number);
  checks.push(check("powershell", major < 5 || (major === 5 && minor < 1) ? "warn" : "pass", `PowerShell ${state.powershellVersion} in FullLanguage mode`, "install Windows Management Framework 5.1"));
  const shell = script.registry.getValue("HKLM:\\SOFTWARE\\OpenSSH", "DefaultShell");
  checks.push(check("default-shell", "pass", `OpenSSH's default shell: ${shell === undefined ? "cmd.exe (DefaultShell not set)" : String(shell)}`));

  const reboot = pendingReboot(script);
  checks.push(
    reboot.length > 0
      ? check("pending-reboot", "warn", `a reboot is pending (${reboot.join(", ")})`, "reboot the host before installing: msiexec often fails with 1603 meanwhile")
      : check("pending-reboot", "pass", "no reboot pending"),
  );
  const freeMb = state.freeDiskMb ?? DEFAULT_FREE_MB;
  checks.push(check("disk-space", freeMb < 200 ? "fail" : freeMb < 1024 ? "warn" : "pass", `${freeMb} MB free on C:`, "free at least 1 GB on C: (the MSI, its install and logs)"));
  checks.push(check("tls12", "pass", ".NET offers TLS 1.2"));

  let tailscale = "not installed";
  if (state.tailscale.installed) tailscale = `version ${await script.tailscaleVersion()}, service ${state.tailscale.service?.status ?? "missing"}`;
  checks.push(check("tailscale", "pass", `Tailscale: ${tailscale}`));
  const me = script.accountName();
  const trays = (state.trayApps ?? []).filter((tray) => tray.user !== me).map((tray) => `${tray.user} (pid ${tray.pid})`);
  checks.push(
    trays.length > 0
      ? check(
          "tailscale-tray",
          "warn",
          `Tailscale's tray app runs for ${trays.join(", ")}`,
          `sign that account out or close its tray app before joining as ${me}; otherwise it switches the daemon to its own profile and this node drops off`,
        )
      : check("tailscale-tray", "pass", "no other account's Tailscale tray app runs"),
  );

  const vpns = (state.otherAdapters ?? []).filter((a) => VPN_PATTERN.test(a.name) || VPN_PATTERN.test(a.description)).map((a) => `${a.name} (${a.description})`);
  checks.push(
    vpns.length > 0
      ? check("vpn-adapters", "warn", `other VPN adapters: ${vpns.join("; ")}`, "disconnect or uninstall the other VPN client, or make sure it leaves 100.64.0.0/10 and DNS to Tailscale")
      : check("vpn-adapters", "pass", "no other VPN adapter"),
  );
  const owners = (state.udpBindings ?? []).filter((b) => b.port === 41641 && b.process !== "tailscaled.exe").map((b) => `${b.process} (pid ${b.pid})`);
  checks.push(
    owners.length > 0
      ? check(
          "udp-41641",
          "warn",
          `UDP 41641 is bound by ${owners.join(", ")}`,
          "stop that program or move it off UDP 41641; tailscaled then falls back to another port, which direct connections through strict NATs may not get",
        )
      : check("udp-41641", "pass", "UDP 41641 is free or held by tailscaled"),
  );

  let answered = false;
  for (const target of settings.urls) {
    const hostName = new URL(target.url).hostname;
    const failure = headFailure(script, target.url, target.proxy);
    if (failure !== undefined) {
      checks.push(
        check(
          target.id,
          "fail",
          `${hostName} did not answer within ${settings.timeoutSeconds} s: ${failure}`,
          `let the host reach ${hostName} over HTTPS (firewall, proxy: install.proxy for the host's downloads, daemon.httpsProxy for tailscaled)`,
        ),
      );
    } else {
      checks.push(check(target.id, "pass", `${hostName} answered HTTP 200`));
      answered = true;
    }
  }
  if (answered) {
    const skew = state.clockSkewSeconds ?? 0;
    checks.push(
      check(
        "clock",
        Math.abs(skew) > 300 ? "warn" : "pass",
        `the host's clock differs from the server's by about ${Math.trunc(skew / 60)} min`,
        "sync the clock (w32tm /resync): certificates and node keys are checked against it",
      ),
    );
  }
  return checks;
}

/** Get-MeshWebCheck's HEAD request (through the target's proxy): why it could not connect, or undefined. */
function headFailure(script: Script, url: string, proxy: CheckSettings["urls"][number]["proxy"]): string | undefined {
  try {
    webRequest(script, "HEAD", url, proxy);
    return undefined;
  } catch (error) {
    if (error instanceof ScriptError) return error.message;
    throw error;
  }
}

/** Get-MeshPendingReboot: the two registry keys Windows sets, and pending file renames. */
function pendingReboot(script: Script): string[] {
  const keys = Object.keys(script.state.registry).map((key) => key.toLowerCase());
  const has = (key: string) => keys.some((k) => k === key.toLowerCase() || k.startsWith(`${key.toLowerCase()}\\`));
  const found: string[] = [];
  if (has("HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending")) found.push("Component Based Servicing");
  if (has("HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired")) found.push("Windows Update");
  if (script.registry.getValue("HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Session Manager", "PendingFileRenameOperations") !== undefined) found.push("PendingFileRenameOperations");
  return found;
}
