/**
 * The node's `install.proxy` input, declared once: the web proxy the host itself downloads Tailscale
 * through (company servers often reach the internet only through one). It serves the install step's
 * index fetch and MSI download and the doctor's check that the packages are reachable; the daemon's
 * own proxy is `daemon.httpsProxy`. The password reaches the host as data only, and Windows
 * PowerShell gets it as a PSCredential built there.
 */
import type { ObjectType } from "../declare";
import { proxyUrlRule } from "../rules/network";
import { nonEmpty, printable } from "../rules/text";

export const INSTALL_PROXY: ObjectType = {
  name: "InstallProxy",
  tsName: "InstallProxyInput",
  argsName: "InstallProxyArgs",
  description: "The web proxy the host downloads Tailscale through (Invoke-WebRequest's -Proxy and -ProxyCredential).",
  what: "the proxy the host downloads Tailscale through: { url, username, password }",
  fields: {
    url: {
      kind: "string",
      required: true,
      rule: proxyUrlRule({ userInfo: false, what: "the proxy the host downloads through, e.g. http://proxy.example.com:3128 (its login goes in username and password)" }),
      requiredHint: "the proxy's URL, e.g. http://proxy.example.com:3128",
      description: "The proxy's URL, e.g. `http://proxy.example.com:3128`.",
      docs: "an http or https URL of the host and port only: no user name or password (use `username` and `password`), path, query, fragment, whitespace, quotes or control characters",
      cli: { flag: "--install-proxy <url>", help: "the web proxy the host downloads Tailscale through, e.g. http://proxy.example.com:3128" },
    },
    username: {
      kind: "string",
      rule: printable("the account the proxy asks for, e.g. CORP\\svc-mesh"),
      description: "The account the proxy asks for; with `password`.",
      docs: "not empty, no control characters, no leading or trailing spaces; with `password`",
      cli: { flag: "--install-proxy-user <name>", help: "the account the download proxy asks for (its password from MESH_INSTALL_PROXY_PASSWORD)" },
    },
    password: {
      kind: "string",
      secret: true,
      rule: nonEmpty("the password of the proxy's account"),
      description: "The password of `username`. Sent to the host as data only, never on a command line.",
      docs: "not empty; with `username`",
      secretSources: {
        label: "download proxy password",
        env: "MESH_INSTALL_PROXY_PASSWORD",
        file: { flag: "--install-proxy-password-file <path>", help: "file holding the download proxy's password (or set MESH_INSTALL_PROXY_PASSWORD)" },
      },
    },
  },
};
