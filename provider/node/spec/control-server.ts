/**
 * The node's `controlServer` input, declared once: which control-server API the provider talks to
 * directly (Headscale, or Tailscale's API with an access token or an OAuth client), to mint keys,
 * look the node up on refresh, disable its key expiry and remove it. Kept apart from inputs.ts, as
 * the connection is, so that each declaration stays readable.
 */
import type { EnumType, ObjectType } from "../declare";
import { urlRule } from "../rules/network";
import { tailnetProblem } from "../rules/tailscale";
import { printable, token } from "../rules/text";

export const CONTROL_SERVER_KIND: EnumType = {
  name: "ControlServerKind",
  description: "Which control-server API.",
  values: [
    { value: "headscale", description: "A Headscale server." },
    { value: "tailscale", description: "Tailscale's own coordination server." },
  ],
};

export const CONTROL_SERVER: ObjectType = {
  name: "ControlServer",
  tsName: "ControlServerInput",
  argsName: "ControlServerArgs",
  description: "A control-server API the provider talks to directly.",
  what: "the control server's API: { kind, url, apiKey or oauthClientId + oauthClientSecret, tailnet, user, keyExpirySeconds }",
  fields: {
    kind: {
      kind: "enum",
      type: CONTROL_SERVER_KIND,
      required: true,
      what: "the control server's API",
      description: "`headscale` or `tailscale`.",
      cli: { flag: "--control-kind <kind>", help: "control server API, to mint auth keys" },
    },
    url: {
      kind: "string",
      rule: urlRule({ httpsOnly: false, allowQuery: false, what: "the control server's base URL, e.g. https://headscale.example.com" }),
      description: "Headscale: its server_url (required). Tailscale: the API's base URL, default https://api.tailscale.com.",
      docs: "http or https URL, no credentials, query or fragment; required for `headscale`",
      cli: { flag: "--control-url <url>", help: "control server API URL (Headscale)" },
    },
    // Required unless an OAuth client is given: relations.ts checks the credential as a whole.
    apiKey: {
      kind: "string",
      secret: true,
      rule: token("the control server's API key"),
      description: "A Headscale API key, or a Tailscale API access token. Tailscale also takes an OAuth client instead (`oauthClientId` and `oauthClientSecret`).",
      docs: "not empty, no whitespace or control characters; required unless a Tailscale OAuth client is given (not both)",
      secretSources: {
        label: "control server API key",
        env: "MESH_CONTROL_API_KEY",
        file: { flag: "--control-api-key-file <path>", help: "file holding the control server's API key (or set MESH_CONTROL_API_KEY)", alsoIn: ["delete"] },
      },
    },
    oauthClientId: {
      kind: "string",
      rule: token("the Tailscale OAuth client's id"),
      description:
        "Tailscale only, instead of `apiKey`: the id of an OAuth client with the `auth_keys` and `devices:core` scopes. Its secret is `oauthClientSecret`; the keys it mints must carry `advertiseTags` the client owns.",
      docs: "not empty, no whitespace or control characters; Tailscale only, with `oauthClientSecret`; needs `advertiseTags` when `authKey` is not set",
      cli: { flag: "--control-oauth-client-id <id>", help: "Tailscale OAuth client id, instead of an API key (its secret from MESH_CONTROL_OAUTH_CLIENT_SECRET)" },
    },
    oauthClientSecret: {
      kind: "string",
      secret: true,
      rule: token("the Tailscale OAuth client's secret (tskey-client-...)"),
      description:
        "Tailscale only: the OAuth client's secret (`tskey-client-...`). The provider exchanges it for a short-lived access token when it needs one and never stores the token.",
      docs: "not empty, no whitespace or control characters; with `oauthClientId`",
      secretSources: {
        label: "control server OAuth secret",
        env: "MESH_CONTROL_OAUTH_CLIENT_SECRET",
        file: {
          flag: "--control-oauth-client-secret-file <path>",
          help: "file holding the Tailscale OAuth client's secret (or set MESH_CONTROL_OAUTH_CLIENT_SECRET)",
          alsoIn: ["delete"],
        },
      },
    },
    tailnet: {
      kind: "string",
      default: "-",
      rule: tailnetProblem,
      description: "Tailscale only: the tailnet's name; `-` (the default) is the token's own tailnet.",
      docs: "`-` (the key's own tailnet) or a name without whitespace, `/`, `?`, `#`, `%`, quotes or backslashes",
      cli: { flag: "--control-tailnet <name>", help: "Tailscale tailnet (default {default}: the API key's own)" },
    },
    user: {
      kind: "string",
      rule: printable("the Headscale user the node belongs to (its name, or its numeric id from Headscale 0.26)"),
      description: "Headscale only: the user that owns minted keys. Required up to Headscale 0.27; from 0.28 a key may be owned by its tags alone.",
      docs: "not empty, no control characters; required for `headscale` when neither `authKey` nor `advertiseTags` is set (the user the minted key belongs to; from Headscale 0.28 a key with tags needs none)",
      cli: { flag: "--control-user <name>", help: "Headscale user the minted key belongs to" },
    },
    keyExpirySeconds: {
      kind: "integer",
      // A day lets a person act on a manual join the next working morning; a minted key must outlive
      // a join step with its retries; Tailscale's API accepts at most 90 days.
      default: 86_400,
      range: {
        min: 300,
        max: 90 * 24 * 3600,
        what: "seconds a key minted for this node stays valid (default {default}); it is expired once the node joins, so this is how long a person has to run the join script",
      },
      description:
        "Lifetime in seconds ({min} to {max}) of a key minted for this node when `authKey` is not set; default {default} (24 h). The key is expired as soon as the node has joined, so this is how long a person has to run the join script of a manual join.",
    },
  },
};
