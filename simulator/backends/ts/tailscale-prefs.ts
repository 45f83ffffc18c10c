/**
 * The TypeScript model of provider/scripts/tailscale-prefs.ps1: the node's preferences from the
 * daemon's state file (a JSON object of state key -> base64; the start profile's ipn.Prefs), and
 * nothing else of it, since it holds private keys. Any failure to read it is null, as in the script.
 */
import type { TailscalePrefs } from "../../../provider/scripts/catalogue";
import type { Script } from "./common";

type Json = Record<string, unknown>;

/** Get-MeshTailscalePrefs. */
export function tailscalePrefs(script: Script, path: string): TailscalePrefs | null {
  try {
    const text = script.files.readFile(path);
    if (text === undefined) return null;
    const store = JSON.parse(text.replace(/^\uFEFF/, "")) as Json;
    const profileKey = storeText(store, "server-mode-start-key") || storeText(store, "_current-profile");
    // Only a profile's key is followed: never another entry of the store (the machine key).
    if (!profileKey || !/^profile-[0-9a-z]+$/.test(profileKey)) return null;
    const prefsText = storeText(store, profileKey);
    if (!prefsText) return null;
    const prefs = JSON.parse(prefsText) as Json;
    const auto = prefText(prefs, "AutoExitNode");
    const exitNode = (auto && `auto:${auto}`) || prefText(prefs, "ExitNodeIP") || prefText(prefs, "ExitNodeID") || null;
    return {
      acceptDns: prefFlag(prefs, "CorpDNS"),
      shieldsUp: prefFlag(prefs, "ShieldsUp"),
      acceptRoutes: prefFlag(prefs, "RouteAll"),
      exitNode,
      exitNodeAllowLanAccess: prefFlag(prefs, "ExitNodeAllowLANAccess"),
    };
  } catch {
    return null;
  }
}

/** Get-MeshStoreText. */
function storeText(store: Json, key: string): string | null {
  const value = store[key];
  return typeof value === "string" ? Buffer.from(value, "base64").toString("utf8") : null;
}

/** Get-MeshPrefFlag. */
function prefFlag(prefs: Json, name: string): boolean | null {
  const value = prefs[name];
  return typeof value === "boolean" ? value : null;
}

/** Get-MeshPrefText. */
function prefText(prefs: Json, name: string): string {
  const value = prefs[name];
  return typeof value === "string" ? value : "";
}
