/**
 * The TypeScript model of the web as the step scripts reach it (Invoke-WebRequest and
 * Invoke-RestMethod; the pwsh back end's stand-ins in system.ps1 answer alike): each request is
 * recorded with its proxy and the proxy login's user (its password only as a SHA-256); a request
 * cannot connect when the host it goes to (the proxy, when one is named) is unreachable, or when the
 * host reaches the internet only through a proxy the request did not name.
 */
import { createHash } from "node:crypto";
import type { InstallProxyInput } from "../../../provider/node/types";
import { ScriptError } from "./exec";
import type { Script } from "./common";

const CANNOT_CONNECT = "Unable to connect to the remote server";

export function webRequest(script: Script, method: "GET" | "HEAD", url: string, proxy: InstallProxyInput | null | undefined): void {
  const { state } = script;
  // Get-MeshProxyParameter builds a credential only from both.
  const login = proxy?.username && proxy.password ? { user: proxy.username, password: proxy.password } : undefined;
  state.webRequests = [
    ...(state.webRequests ?? []),
    {
      method,
      url,
      proxy: proxy?.url ?? null,
      proxyUser: login?.user ?? null,
      proxyPasswordSha256: login ? createHash("sha256").update(login.password, "utf8").digest("hex") : null,
    },
  ];
  const target = hostOf(url);
  const first = proxy ? hostOf(proxy.url) : target;
  if (includesName(state.unreachableHosts ?? [], first)) throw new ScriptError(CANNOT_CONNECT, "System.Net.WebException");
  if (state.webProxy && !includesName(state.webProxy.direct, target) && proxy?.url !== state.webProxy.url) throw new ScriptError(CANNOT_CONNECT, "System.Net.WebException");
}

/** The host a URL names, as the stand-in's pattern reads it. */
function hostOf(url: string): string {
  return /^https?:\/\/([^/:?#]+)/i.exec(url)?.[1] ?? "";
}

/** PowerShell's -contains: case-insensitive. */
function includesName(names: readonly string[], name: string): boolean {
  return names.some((entry) => entry.toLowerCase() === name.toLowerCase());
}
