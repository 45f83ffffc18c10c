/**
 * The provider configuration and the plugin's wire rules, without a plugin process: checking the
 * configuration (typed values from text, unknown keys, no secret quoted), laying it under a node
 * (the node's own settings win, controlServer whole) and keeping it out of the node's state,
 * Configure's sources (arguments, text variables, environment variables, in that order of
 * precedence), node ids, and secrets unwrapped and wrapped again.
 */
import { checkProviderConfig, withOwnSettings, withProviderConfig } from "../../provider/node/provider-config";
import type { NodeInputs } from "../../provider/node/types";
import { PULUMI_UNKNOWN } from "../../provider/node";
import { configure } from "../../provider/plugin/config";
import { nodeId, parseNodeId } from "../../provider/plugin/node-id";
import { reveal, securedInputs, securedOutputs } from "../../provider/plugin/secrets";
import { isSecret, secret } from "../support/plugin-harness";
import { SENTINELS } from "../support/sentinels";

const HEADSCALE = { kind: "headscale", url: "https://headscale.example.com", apiKey: SENTINELS.apiKey, user: "ops" } as const;

describe("checkProviderConfig", () => {
  it("reads numbers and objects written as text, as the engine passes stack configuration to older providers", () => {
    expect(checkProviderConfig({ connectDeadlineSeconds: "45", controlServer: JSON.stringify(HEADSCALE), user: "ops-admin", version: "0.1.0" })).toEqual({
      config: { connectDeadlineSeconds: 45, controlServer: HEADSCALE, user: "ops-admin" },
    });
  });

  it("names each bad or unknown key with the node property's own rule, and quotes no secret", () => {
    const result = checkProviderConfig({ password: "", privateKey: SENTINELS.password, connectDeadlineSeconds: 0, hostKey: "SHA256:x", controlServer: { kind: "headscale" } });
    expect("failures" in result && result.failures.map((f) => f.property).sort()).toEqual([
      "connectDeadlineSeconds",
      "controlServer.apiKey",
      "hostKey",
      "password",
      "privateKey",
    ]);
    expect(JSON.stringify(result)).not.toContain(SENTINELS.password);
    expect("failures" in result && result.failures.find((f) => f.property === "hostKey")?.reason).toMatch(/not a configuration key.*user, password/);
  });
});

describe("the configuration laid under a node", () => {
  const config = { user: "fleet", password: SENTINELS.password, connectDeadlineSeconds: 60, controlServer: { ...HEADSCALE } };

  it("fills what the node leaves unset (null included); the node's own fields and controlServer win whole", () => {
    const own = { connection: { host: "10.0.0.5", user: "local-admin", password: null }, controlServer: { kind: "tailscale", apiKey: "tskey-api-own" } };
    expect(withProviderConfig(own as unknown as NodeInputs, config)).toEqual({
      connection: { host: "10.0.0.5", user: "local-admin", password: SENTINELS.password, connectDeadlineSeconds: 60 },
      controlServer: { kind: "tailscale", apiKey: "tskey-api-own" },
    });
    expect(withProviderConfig({ connection: { host: "10.0.0.5" } }, config).controlServer).toEqual(HEADSCALE);
  });

  it("leaves a connection not known yet (preview) as it is", () => {
    expect(withProviderConfig({ connection: PULUMI_UNKNOWN } as unknown as NodeInputs, config).connection).toBe(PULUMI_UNKNOWN);
  });

  it("keeps only the node's own settings in what is stored", () => {
    const own: NodeInputs = { connection: { host: "10.0.0.5", port: 2222 } };
    const outputs = { ...withProviderConfig(own, config), connection: { host: "10.0.0.5", port: 2222, user: "fleet", password: SENTINELS.password, perDialTimeout: 15 } };
    expect(withOwnSettings(outputs, own)).toEqual({ connection: { host: "10.0.0.5", port: 2222 } });
  });
});

describe("Configure", () => {
  const env = { MESH_WINDOWS_PASSWORD: "from-the-environment", MESH_WINDOWS_USER: "env-user", MESH_WINDOWS_CONNECT_DEADLINE_SECONDS: "90" };

  it("takes typed arguments (secrets wrapped), and fills unset keys from the environment; the configuration wins", () => {
    const config = configure({ args: { password: secret(SENTINELS.password), version: "0.1.0" }, variables: {} }, env);
    expect(config).toEqual({ password: SENTINELS.password, user: "env-user", connectDeadlineSeconds: 90 });
  });

  it("reads the older text variables, `mesh-windows:config:<key>`", () => {
    const config = configure({ variables: { "mesh-windows:config:controlServer": JSON.stringify(HEADSCALE), "mesh-windows:config:connectDeadlineSeconds": "30" } }, {});
    expect(config).toEqual({ controlServer: HEADSCALE, connectDeadlineSeconds: 30 });
  });

  it("refuses a bad environment variable by its name, without its value", () => {
    const error = (() => {
      try {
        configure({ variables: {} }, { MESH_WINDOWS_PRIVATE_KEY: SENTINELS.password });
      } catch (e) {
        return e as Error;
      }
      throw new Error("Configure accepted a password as a private key");
    })();
    expect(error.message).toMatch(/MESH_WINDOWS_PRIVATE_KEY .*private key/);
    expect(error.message).not.toContain(SENTINELS.password);
  });
});

describe("node ids", () => {
  it.each([
    ["win-01.example.com", { host: "win-01.example.com" }],
    ["Administrator@10.0.0.5:22", { host: "10.0.0.5", port: 22, user: "Administrator" }],
    ["ops@corp.example.com@win-01:2222", { host: "win-01", port: 2222, user: "ops@corp.example.com" }],
    ["admin@[fd7a:115c:a1e0::5]:22", { host: "fd7a:115c:a1e0::5", port: 22, user: "admin" }],
    ["fd7a:115c:a1e0::5", { host: "fd7a:115c:a1e0::5" }],
  ])("%s", (id, address) => {
    expect(parseNodeId(id)).toEqual(address);
  });

  it.each(["", "admin@", "@host", "host:port", "a b"])("refuses %j with the form to use", (id) => {
    expect(() => parseNodeId(id)).toThrow(/is not a node id[\s\S]*user@host:port/);
  });

  it("round-trips what create assigns", () => {
    for (const address of [{ host: "10.0.0.5", port: 22, user: "Administrator" }, { host: "fd7a::5", port: 2222, user: "ops" }]) expect(parseNodeId(nodeId(address))).toEqual(address);
  });
});

describe("secrets on the wire", () => {
  it("unwraps every secret, wherever it is, and says where it was", () => {
    expect(reveal({ connection: { host: "h", password: secret("p") }, advertiseTags: ["tag:a", secret("tag:b")] })).toEqual({
      value: { connection: { host: "h", password: "p" }, advertiseTags: ["tag:a", "tag:b"] },
      secretPaths: ["connection.password", "advertiseTags[1]"],
    });
  });

  it("wraps inputs where they arrived secret and where the declaration says so, and outputs whole", () => {
    const inputs = securedInputs({ authKey: "k", hostname: "h", connection: { host: "x", privateKey: "p" } }, ["hostname"]);
    expect([isSecret(inputs.authKey), isSecret(inputs.hostname), isSecret((inputs.connection as Record<string, unknown>).privateKey), isSecret(inputs.connection)]).toEqual([true, true, true, false]);
    const outputs = securedOutputs({ joinScript: "", hostname: "h", state: "joined", connection: { host: "x" } }, ["hostname"]);
    expect(Object.entries(outputs).filter(([, v]) => isSecret(v)).map(([k]) => k).sort()).toEqual(["connection", "hostname", "joinScript"]);
  });
});
