/**
 * pkgs.tailscale.com as the install step sees it: the stable index (`?mode=json&os=windows`), which
 * names one MSI per architecture for the latest version, and the packages it serves. A package
 * carries its URL, so msiexec can tell which version it installs. Both back ends use this one model:
 * the TypeScript install model reads the index from here, and the pwsh back end hands the same index
 * to its web stand-in (system.ps1), and the Authenticode signature packages carry (msiSignature) to
 * its Get-AuthenticodeSignature stand-in.
 */
import { TAILSCALE_SIGNER } from "../../provider/scripts/catalogue";
import type { HostState } from "../host-state";
import { LATEST_TAILSCALE, type Scenario } from "../scenarios";

export const PKGS_STABLE_URL = "https://pkgs.tailscale.com/stable/";
/** The stable index install.ps1 reads (Invoke-RestMethod) when no version is pinned. */
export const PKGS_INDEX_URL = `${PKGS_STABLE_URL}?mode=json&os=windows`;

/** The architectures Tailscale publishes an MSI for, as the index names them. */
export const MSI_ARCHITECTURES = ["amd64", "arm64", "x86"] as const;
export type MsiArchitecture = (typeof MSI_ARCHITECTURES)[number];

/** The MSI for a host's $env:PROCESSOR_ARCHITECTURE (ARM64, x86, else amd64), as install.ps1 and probe.ps1 pick it. */
export function msiArchitectureOf(architecture: HostState["architecture"]): MsiArchitecture {
  return architecture === "ARM64" ? "arm64" : architecture === "x86" ? "x86" : "amd64";
}

export interface MsiIndex {
  MSIsVersion: string;
  MSIs: Record<MsiArchitecture, string>;
}

/** The index: the latest stable version is the one the scenario's installer leaves, else LATEST_TAILSCALE. */
export function msiIndex(scenario: Scenario): MsiIndex {
  const version = scenario.installer?.installsVersion ?? LATEST_TAILSCALE;
  const msis = Object.fromEntries(MSI_ARCHITECTURES.map((arch) => [arch, `tailscale-setup-${version}-${arch}.msi`]));
  return { MSIsVersion: version, MSIs: msis as Record<MsiArchitecture, string> };
}

/** What a download of `url` leaves on disk. */
export function msiPackage(url: string): string {
  return `MSI package from ${url}`;
}

/** The version a package holds, read from the MSI's file name in it; undefined for a package from elsewhere. */
export function packageVersion(content: string): string | undefined {
  return /tailscale-setup-(\d[0-9A-Za-z.+-]*?)-(?:amd64|arm64|x86)\.msi/.exec(content)?.[1];
}

/** What Get-AuthenticodeSignature reports for a downloaded package: its Status and its signer's subject. */
export interface MsiSignature {
  status: "Valid" | "HashMismatch" | "NotSigned";
  subject: string | null;
}

/** Tailscale's certificate subject in full, as Windows shows it. */
export const TAILSCALE_SUBJECT = `${TAILSCALE_SIGNER} L=Toronto, S=Ontario, C=CA, SERIALNUMBER=1131559-5`;
export const OTHER_SUBJECT = "CN=Contoso Ltd, O=Contoso Ltd, L=Redmond, S=Washington, C=US";

/** The signature of every package the scenario's server hands out: Tailscale's, altered after signing, or another signer's. */
export function msiSignature(scenario: Scenario): MsiSignature {
  switch (scenario.installer?.signature ?? "valid") {
    case "valid":
      return { status: "Valid", subject: TAILSCALE_SUBJECT };
    case "altered":
      return { status: "HashMismatch", subject: TAILSCALE_SUBJECT };
    case "other-signer":
      return { status: "Valid", subject: OTHER_SUBJECT };
  }
}
