/**
 * Value rules for the network: URLs (control server, MSI mirror, proxies) and subnet routes in CIDR form,
 * with the CIDR arithmetic they need (parsing, host bits, the normalized form, equality).
 */
import * as net from "net";
import type { Rule } from "../declare";
import { WHITESPACE_OR_CONTROL } from "./text";

interface UrlRules {
  httpsOnly: boolean;
  allowQuery: boolean;
  what: string;
}

export function urlRule({ httpsOnly, allowQuery, what }: UrlRules): Rule {
  return (value) => {
    const scheme = httpsOnly ? "an https URL" : "an http or https URL";
    if (value === "") return `must not be empty: ${what}`;
    if (WHITESPACE_OR_CONTROL.test(value) || /["'`]/.test(value)) return `must not contain spaces, quotes or control characters: ${what}`;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return `must be ${scheme}: ${what}`;
    }
    if (httpsOnly ? url.protocol !== "https:" : url.protocol !== "https:" && url.protocol !== "http:") return `must be ${scheme}: ${what}`;
    if (url.username || url.password) return `must not contain a user name or password: ${what}`;
    if (!allowQuery && value.includes("?")) return `must not contain a query (?...): ${what}`;
    if (value.includes("#")) return `must not contain a fragment (#...): ${what}`;
    return undefined;
  };
}

/**
 * A web proxy's URL: http or https, the host and port and nothing after them; a user and password
 * only where `userInfo` allows them (the daemon's HTTPS_PROXY, kept secret), else refused.
 */
export function proxyUrlRule({ userInfo, what }: { userInfo: boolean; what: string }): Rule {
  return (value) => {
    if (WHITESPACE_OR_CONTROL.test(value) || /["'`]/.test(value)) return `must not contain spaces, quotes or control characters: ${what}`;
    // The URL parser would turn a typographic quote in the host into an xn-- name: the URL is taken as written, ASCII.
    if (/[^\x21-\x7e]/.test(value)) return `must be ASCII (a non-ASCII host name in its xn-- form): ${what}`;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return `must be an http or https URL: ${what}`;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return `must be an http or https URL: ${what}`;
    // The host a proxy runs on: a DNS name or an address (WHATWG URLs let $ ( ) and more through).
    if (!/^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])$/.test(url.hostname)) return `must be an http or https URL: ${what}`;
    if (!userInfo && /^[a-z]+:\/\/[^/]*@/i.test(value)) return `must not contain a user name or password: ${what}`;
    if (url.pathname !== "/" || /^[a-z]+:\/\/[^/]*\/./i.test(value)) return `must not have a path (nothing after the host and port): ${what}`;
    if (value.includes("?") || value.includes("#")) return `must not contain a query or fragment: ${what}`;
    return undefined;
  };
}

/** The daemon's proxy (HTTPS_PROXY): http or https, with user and password when the proxy needs them (kept secret), nothing after the port. */
export const proxyUrlProblem: Rule = proxyUrlRule({
  userInfo: true,
  what: "the proxy tailscaled uses, e.g. http://proxy.example.com:3128 or http://user:password@proxy:8080",
});

/** A NO_PROXY entry as Go's httpproxy reads it: a host name (a leading dot matches its subdomains), an IP address or a CIDR prefix. */
export const noProxyProblem: Rule = (value) => {
  const name = value.startsWith(".") ? value.slice(1) : value;
  const hostName = name.length > 0 && name.length <= 253 && name.split(".").every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
  if (hostName || (net.isIP(value) !== 0 && !value.includes("%")) || parseCidr(value)) return undefined;
  return "must be a host name (e.g. corp.example.com, or .example.com for every subdomain), an IP address or a CIDR prefix such as 10.0.0.0/8";
};

export const routeProblem: Rule = (route) => {
  const cidr = parseCidr(route);
  if (!cidr) return "must be an IPv4 or IPv6 CIDR prefix such as 192.168.10.0/24 or fd00:10::/64";
  if (cidr.bits === 0) {
    return "is a default route: set advertiseExitNode to true instead (Tailscale advertises 0.0.0.0/0 and ::/0 together)";
  }
  const masked = maskCidr(cidr);
  if (!masked.address.every((byte, i) => byte === cidr.address[i])) {
    return `has host bits set (bits after the prefix length must be zero): use the normalized form ${formatCidr(masked)}`;
  }
  return undefined;
};

/** Routes that differ only in spelling (fd00::/8 and FD00:0::/8) are the same route. */
export function sameRoute(a: string, b: string): boolean {
  const [ca, cb] = [parseCidr(a), parseCidr(b)];
  if (ca && cb) return ca.bits === cb.bits && ca.address.length === cb.address.length && ca.address.every((byte, i) => byte === cb.address[i]);
  return a === b;
}

/** Tailscale's own address ranges: a host reached at one of these is reached through the tailnet. */
export const TAILNET_PREFIXES = ["100.64.0.0/10", "fd7a:115c:a1e0::/48"] as const;

/** Whether `address` (an IP) lies inside `prefix` (CIDR). */
export function cidrContains(prefix: string, address: string): boolean {
  const cidr = parseCidr(prefix);
  const ip = net.isIPv4(address) ? parseIPv4(address) : parseIPv6(address);
  if (!cidr || !ip || ip.length !== cidr.address.length) return false;
  const masked = maskCidr({ address: ip, bits: cidr.bits });
  return masked.address.every((byte, i) => byte === maskCidr(cidr).address[i]);
}

/** Whether two CIDR prefixes of one family share an address (they agree on the shorter one's bits). */
export function prefixesOverlap(a: string, b: string): boolean {
  const [ca, cb] = [parseCidr(a), parseCidr(b)];
  if (!ca || !cb || ca.address.length !== cb.address.length) return false;
  const bits = Math.min(ca.bits, cb.bits);
  const [ma, mb] = [maskCidr({ address: ca.address, bits }), maskCidr({ address: cb.address, bits })];
  return ma.address.every((byte, i) => byte === mb.address[i]);
}

export function isTailnetAddress(address: string): boolean {
  return TAILNET_PREFIXES.some((prefix) => cidrContains(prefix, address.replace(/^\[|\]$/g, "")));
}

// ---------------------------------------------------------------- CIDR arithmetic (for routeProblem)

export interface Cidr {
  address: number[];
  bits: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const addressText = text.slice(0, slash);
  const bitsText = text.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(bitsText)) return undefined;
  const address = net.isIPv4(addressText) ? parseIPv4(addressText) : parseIPv6(addressText);
  const bits = Number(bitsText);
  if (!address || bits > address.length * 8) return undefined;
  return { address, bits };
}

function parseIPv4(text: string): number[] | undefined {
  const parts = text.split(".");
  // Leading zeros are ambiguous (octal in some parsers) and refused by Tailscale's parser.
  if (parts.length !== 4 || parts.some((p) => !/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255)) return undefined;
  return parts.map(Number);
}

function parseIPv6(text: string): number[] | undefined {
  if (text.includes("%") || !net.isIPv6(text)) return undefined;
  const [headText, tailText] = text.split("::") as [string, string | undefined];
  const groups = (part: string | undefined): number[] | undefined => {
    if (!part) return [];
    const out: number[] = [];
    for (const group of part.split(":")) {
      if (group.includes(".")) {
        const v4 = parseIPv4(group);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        out.push(parseInt(group, 16));
      }
    }
    return out;
  };
  const head = groups(headText);
  const tail = groups(tailText);
  if (!head || !tail) return undefined;
  const zeros = tailText === undefined ? [] : new Array<number>(8 - head.length - tail.length).fill(0);
  const all = [...head, ...zeros, ...tail];
  if (all.length !== 8) return undefined;
  return all.flatMap((group) => [group >> 8, group & 0xff]);
}

function maskCidr({ address, bits }: Cidr): Cidr {
  const masked = address.map((byte, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return byte & ((0xff << (8 - keep)) & 0xff);
  });
  return { address: masked, bits };
}

function formatCidr({ address, bits }: Cidr): string {
  if (address.length === 4) return `${address.join(".")}/${bits}`;
  const groups = Array.from({ length: 8 }, (_, i) => (address[2 * i]! << 8) | address[2 * i + 1]!);
  // RFC 5952: compress the longest run (at least two) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  const text =
    bestStart < 0 ? hex.join(":") : `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
  return `${text}/${bits}`;
}
