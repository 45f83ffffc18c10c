/**
 * Value rules for what Tailscale itself parses: a node's host name, ACL tags, a release version and
 * a tailnet's name (checked against tailscale/tailscale's own rules, e.g. tailcfg.CheckTag).
 */
import type { Rule } from "../declare";

const DNS_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export const hostnameProblem: Rule = (hostname) => {
  const what =
    "the node's name in the tailnet, a single DNS label: 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen (Tailscale lowercases it)";
  if (hostname.includes(".")) return `must not contain dots (Tailscale appends the tailnet's domain itself): ${what}`;
  return DNS_LABEL.test(hostname) ? undefined : `must be ${what}`;
};

export const tagProblem: Rule = (tag) => {
  if (!tag.startsWith("tag:")) return "must start with \"tag:\", e.g. tag:server";
  if (!/^tag:[A-Za-z][A-Za-z0-9-]*$/.test(tag)) {
    return "must be \"tag:\" followed by a letter, then letters, digits or hyphens, e.g. tag:win-servers";
  }
  return undefined;
};

export const versionProblem: Rule = (version) =>
  /^\d+\.\d+\.\d+$/.test(version) ? undefined : "must be a Tailscale version like 1.90.6 (major.minor.patch); leave it out for the latest stable release";

export const tailnetProblem: Rule = (tailnet) =>
  tailnet !== "" && !/[\s/?#%"'`\\\u0000-\u001f\u007f]/.test(tailnet)
    ? undefined
    : "must be \"-\" (the API key's own tailnet) or the tailnet's name as shown in the admin console (no spaces, slashes, quotes, ? or #)";
