/**
 * The node's `install` input, declared once: how Tailscale gets onto the host (msiexec, winget, or
 * already there), where the host gets the MSI (downloaded by the host, or uploaded over SSH from
 * the machine that runs the deployment), which version, and the hash that pins the package.
 */
import type { EnumType, ObjectType } from "../declare";
import { msiFileProblem } from "../rules/local-file";
import { urlRule } from "../rules/network";
import { versionProblem } from "../rules/tailscale";
import { INSTALL_PROXY } from "./install-proxy";

export const INSTALL_METHOD: EnumType = {
  name: "InstallMethod",
  description: "How Tailscale is installed.",
  values: [
    { value: "msi", description: "Run Tailscale's MSI with msiexec: downloaded by the host from pkgs.tailscale.com (or `msiUrl`), or uploaded to it (`source`)." },
    { value: "winget", description: "winget install Tailscale.Tailscale (often missing or broken over SSH)." },
    { value: "none", description: "Do not install: Tailscale must already be installed." },
  ],
};

export const INSTALL_SOURCE: EnumType = {
  name: "InstallSource",
  description: "Where the host gets Tailscale's MSI.",
  values: [
    { value: "download", description: "The host downloads it (from pkgs.tailscale.com, or `msiUrl`)." },
    { value: "upload", description: "The machine that runs the deployment sends it over the SSH connection: `msiFile`, or the package downloaded there and cached." },
  ],
};

export const INSTALL: ObjectType = {
  name: "Install",
  tsName: "InstallInput",
  argsName: "InstallArgs",
  description: "How Tailscale is installed on the host.",
  what: "how Tailscale is installed: { method, source, version, msiUrl, msiFile, sha256, proxy }",
  fields: {
    method: {
      kind: "enum",
      type: INSTALL_METHOD,
      default: "msi",
      what: "how Tailscale is installed (default {default}; none = already installed)",
      description: "`msi` (the default), `winget`, or `none` (Tailscale must already be installed).",
      cli: { flag: "--install-method <method>", help: "how Tailscale is installed (default {default})" },
    },
    source: {
      kind: "enum",
      type: INSTALL_SOURCE,
      default: "download",
      what: "where the host gets the MSI (default {default}; upload = sent over the SSH connection)",
      description:
        "Where the host gets the MSI: `download` (the default: the host downloads it) or `upload`: the machine that runs the deployment sends it over the SSH connection, for hosts that cannot reach the package server. That machine uses `msiFile`, or downloads the package for the host's architecture and version itself (through its own HTTPS_PROXY) into a cache, once. Only with method `msi`.",
      docs: "one of `download`, `upload` (`upload` only with method `msi`)",
      cli: { flag: "--install-source <source>", help: "where the host gets the MSI: download, or upload (sent over SSH) (default {default})" },
    },
    version: {
      kind: "string",
      rule: versionProblem,
      description: "The Tailscale version, e.g. `1.90.6`; unset = latest stable.",
      docs: "`major.minor.patch`, e.g. `1.90.6`; unset = latest stable",
      cli: { flag: "--install-version <x.y.z>", help: "Tailscale version to install (default: latest stable)" },
    },
    msiUrl: {
      kind: "string",
      // A signed mirror URL carries a token in its query.
      secret: "url-credentials",
      onlyWhen: { sibling: "method", value: "msi" },
      rule: urlRule({ httpsOnly: true, allowQuery: true, what: "the MSI's location, e.g. an internal mirror" }),
      description:
        "An https URL of the MSI (e.g. an internal mirror); only with method `msi`. With source `upload`, the machine that runs the deployment downloads it from there. Its query (a signed URL's token) is kept secret.",
      docs: "an https URL (a query is allowed, e.g. a signed mirror URL, and is then redacted everywhere but where it is downloaded); no credentials, fragment, whitespace or quotes; only with method `msi`; not together with `msiFile`",
      cli: { flag: "--msi-url <url>", help: "https URL of the MSI, e.g. an internal mirror (one with a query, which may hold a token: set MESH_MSI_URL instead)" },
      secretSources: { label: "MSI URL with a token", env: "MESH_MSI_URL" },
    },
    msiFile: {
      kind: "string",
      onlyWhen: { sibling: "source", value: "upload" },
      rule: msiFileProblem,
      description:
        "Tailscale's MSI on the machine that runs the deployment, uploaded to the host as it is; only with source `upload` (without it, that machine downloads the package). A relative path starts at the working directory.",
      docs: "a path ending in `.msi` (any case) to a readable file on the machine that runs the deployment; only with source `upload`; not together with `msiUrl`",
      cli: { flag: "--msi-file <path>", help: "Tailscale's MSI on this machine, uploaded as it is (with --install-source upload)" },
    },
    sha256: {
      kind: "string",
      onlyWhen: { sibling: "method", value: "msi" },
      rule: (value) => (/^[0-9A-Fa-f]{64}$/.test(value) ? undefined : "must be the MSI's SHA-256: 64 hexadecimal digits, as Get-FileHash or sha256sum print it"),
      description:
        "The MSI's SHA-256 (64 hexadecimal digits). A package with any other hash never runs: the install fails naming both hashes (a downloaded one is deleted, an `msiFile` is never sent).",
      docs: "64 hexadecimal digits (either case); only with method `msi`",
      cli: { flag: "--install-sha256 <hex>", help: "the MSI's SHA-256: any other package is deleted unrun" },
    },
    proxy: {
      kind: "object",
      type: INSTALL_PROXY,
      onlyWhen: { sibling: "method", value: "msi" },
      description: "The web proxy the host downloads the MSI (and the package index) through; only with method `msi`.",
      docs: "only with method `msi`; `username` and `password` together or not at all",
    },
  },
};
