import { changedProperties, diffNode, type PreviousNode } from "../../provider/lifecycle/diff";
import { PULUMI_UNKNOWN, withDefaults } from "../../provider/node";
import type { NodeInputs, NodeOutputs } from "../../provider/node/types";

function inputs(): NodeInputs {
  return {
    connection: { host: "10.0.0.5", password: "pw-1", proxy: { host: "jump", password: "pw-j" } },
    authKey: "tskey-auth-1",
    hostname: "win-01",
    advertiseTags: ["tag:a", "tag:b"],
    advertiseRoutes: ["10.1.0.0/16", "10.2.0.0/16"],
    controlServer: { kind: "headscale", url: "https://hs.example.com", apiKey: "hs-key-1", user: "win" },
    providerVersion: "0.1.0",
  };
}

/** What create records: the defaulted inputs plus status (as provision's outputsOf builds them). */
function outputs(from: NodeInputs = inputs(), status: Partial<NodeOutputs> = {}): NodeOutputs {
  const d = withDefaults(from);
  return {
    ...d,
    providerVersion: d.providerVersion ?? "",
    state: "joined",
    pendingReason: "",
    tailscaleIps: ["100.64.0.7"],
    nodeName: "win-01",
    tailscaleVersion: "1.90.6",
    hostKey: "SHA256:bLTf00PAl9gvw2M4dAGOwzjS+xFjky/xVVdHgGMD/Bw",
    joinScript: "",
    manualCommand: "",
    attempts: [],
    ...status,
  };
}

function changed(change: (i: any) => void): NodeInputs {
  const next = inputs() as any;
  change(next);
  return next;
}

const NO_CHANGE = { changes: false, replaces: [], deleteBeforeReplace: false, changed: [] };

describe("diffNode", () => {
  it("sees no change against the outputs of the same inputs", () => {
    expect(diffNode(outputs(), inputs())).toEqual(NO_CHANGE);
  });

  it("sees no change when only key order or tag/route order differs", () => {
    const reordered = changed((i) => {
      i.connection = { proxy: { password: "pw-j", host: "jump" }, password: "pw-1", host: "10.0.0.5" };
      i.advertiseTags = ["tag:b", "tag:a"];
      i.advertiseRoutes = ["10.2.0.0/16", "10.1.0.0/16"];
    });
    expect(diffNode(outputs(), reordered)).toEqual(NO_CHANGE);
  });

  it.each<[string, (i: any) => void]>([
    ["acceptRoutes: true", (i) => (i.acceptRoutes = true)],
    ["advertiseExitNode: false", (i) => (i.advertiseExitNode = false)],
    ["port 22 and user Administrator", (i) => Object.assign(i.connection, { port: 22, user: "Administrator" })],
    ["the dialing defaults", (i) => Object.assign(i.connection, { dialErrorLimit: -1, perDialTimeout: 15, connectDeadlineSeconds: 300 })],
    ["the proxy's defaults", (i) => Object.assign(i.connection.proxy, { port: 22, user: "Administrator", dialErrorLimit: -1, perDialTimeout: 15 })],
    ["the join defaults", (i) => Object.assign(i, { joinAttempts: 3, joinRetryDelaySeconds: 5, joinTimeoutSeconds: 30, stepTimeoutSeconds: 600 })],
    ["install.method msi", (i) => (i.install = { method: "msi" })],
    ["an empty install object", (i) => (i.install = {})],
    ["the default join script path", (i) => (i.joinScriptPath = "C:\\ProgramData\\MeshWindowsNode\\join-mesh.ps1")],
    ["tailnet -", (i) => (i.controlServer.tailnet = "-")],
    ["onDelete all false", (i) => (i.onDelete = { logout: false, uninstall: false, removeFromControlServer: false })],
    ["loginServer equal to the Headscale url", (i) => (i.loginServer = "https://hs.example.com")],
  ])("treats an explicit default as no change: %s", (_name, change) => {
    expect(diffNode(outputs(), changed(change))).toEqual(NO_CHANGE);
    // and the other way round: the default was explicit before, now it is left out
    expect(diffNode(outputs(changed(change)), inputs())).toEqual(NO_CHANGE);
  });

  it("treats an empty tag or route list as no list", () => {
    const without = changed((i) => Object.assign(i, { advertiseTags: undefined, advertiseRoutes: undefined }));
    const empty = changed((i) => Object.assign(i, { advertiseTags: [], advertiseRoutes: [] }));
    expect(diffNode(outputs(without), empty)).toEqual(NO_CHANGE);
    expect(diffNode(outputs(empty), without)).toEqual(NO_CHANGE);
  });

  it.each<[string, (i: any) => void, string[]]>([
    ["a new host", (i) => (i.connection.host = "10.0.0.6"), ["connection.host"]],
    ["a new port", (i) => (i.connection.port = 2222), ["connection.port"]],
    ["a new host and port", (i) => Object.assign(i.connection, { host: "win-02", port: 2222 }), ["connection.host", "connection.port"]],
  ])("replaces the node for %s", (_name, change, replaces) => {
    expect(diffNode(outputs(), changed(change))).toEqual({ changes: true, replaces, deleteBeforeReplace: false, changed: replaces });
  });

  it.each<[string, (i: any) => void, string]>([
    ["tags", (i) => i.advertiseTags.push("tag:c"), "advertiseTags"],
    ["a removed tag list", (i) => delete i.advertiseTags, "advertiseTags"],
    ["hostname", (i) => (i.hostname = "win-01b"), "hostname"],
    ["a removed hostname", (i) => delete i.hostname, "hostname"],
    ["routes", (i) => (i.advertiseRoutes = ["10.1.0.0/16"]), "advertiseRoutes"],
    ["exit node", (i) => (i.advertiseExitNode = true), "advertiseExitNode"],
    ["accept routes", (i) => (i.acceptRoutes = false), "acceptRoutes"],
    ["join attempts", (i) => (i.joinAttempts = 5), "joinAttempts"],
    ["retry delay", (i) => (i.joinRetryDelaySeconds = 1), "joinRetryDelaySeconds"],
    ["join timeout", (i) => (i.joinTimeoutSeconds = 60), "joinTimeoutSeconds"],
    ["step timeout", (i) => (i.stepTimeoutSeconds = 900), "stepTimeoutSeconds"],
    ["install version", (i) => (i.install = { version: "1.90.6" }), "install.version"],
    ["install method", (i) => (i.install = { method: "winget" }), "install.method"],
    ["auth key", (i) => (i.authKey = "tskey-auth-2"), "authKey"],
    ["password", (i) => (i.connection.password = "pw-2"), "connection.password"],
    ["private key instead of password", (i) => Object.assign(i.connection, { password: undefined, privateKey: "-----BEGIN PRIVATE KEY-----" }), "connection.password"],
    ["user", (i) => (i.connection.user = "deploy"), "connection.user"],
    ["pinned host key", (i) => (i.connection.hostKey = "SHA256:AAAAf00PAl9gvw2M4dAGOwzjS+xFjky/xVVdHgGMD/Bw"), "connection.hostKey"],
    ["connect deadline", (i) => (i.connection.connectDeadlineSeconds = 60), "connection.connectDeadlineSeconds"],
    ["proxy host", (i) => (i.connection.proxy.host = "jump2"), "connection.proxy.host"],
    ["proxy port", (i) => (i.connection.proxy.port = 2200), "connection.proxy.port"],
    ["a removed proxy", (i) => delete i.connection.proxy, "connection.proxy.host"],
    ["join script path", (i) => (i.joinScriptPath = "D:\\mesh\\join.ps1"), "joinScriptPath"],
    ["login server", (i) => (i.loginServer = "https://login.example.com"), "loginServer"],
    ["provider version", (i) => (i.providerVersion = "0.2.0"), "providerVersion"],
    ["onDelete", (i) => (i.onDelete = { logout: true }), "onDelete.logout"],
    ["control server key", (i) => (i.controlServer.apiKey = "hs-key-2"), "controlServer.apiKey"],
    ["control server user", (i) => (i.controlServer.user = "servers"), "controlServer.user"],
  ])("updates in place for %s", (_name, change, path) => {
    const diff = diffNode(outputs(), changed(change));
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false, changed: expect.arrayContaining([path]) });
  });

  it("updates when a provider version reaches a stack created before providerVersion existed", () => {
    const old = outputs(changed((i) => delete i.providerVersion));
    expect(old.providerVersion).toBe("");
    expect(diffNode(old, inputs())).toMatchObject({ changes: true, replaces: [], changed: ["providerVersion"] });
  });

  it("a control server url change moves the defaulted login server with it", () => {
    const diff = diffNode(outputs(), changed((i) => (i.controlServer.url = "https://hs2.example.com")));
    expect(diff.changed).toEqual(["controlServer.url", "loginServer"]);
    expect(diff.replaces).toEqual([]);
  });

  it("lists paths, never values", () => {
    const diff = diffNode(outputs(), changed((i) => Object.assign(i, { authKey: "tskey-NEW-SECRET", connection: { ...i.connection, password: "NEW-PASSWORD" } })));
    expect(diff.changed).toEqual(["authKey", "connection.password"]);
    expect(JSON.stringify(diff)).not.toMatch(/NEW-SECRET|NEW-PASSWORD|tskey|pw-1/);
  });

  describe("what refresh found", () => {
    it("tries the join again while pending-manual", () => {
      const diff = diffNode(outputs(inputs(), { state: "pending-manual", pendingReason: "daemon-unreachable" }), inputs());
      expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false, changed: ["state: pending-manual (the join is tried again)"] });
    });

    it("repairs drift", () => {
      const diff = diffNode(outputs(inputs(), { drift: ["join-script-present", "service-stopped"] }), inputs());
      expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false, changed: ["drift: join-script-present", "drift: service-stopped"] });
    });

    it("ignores an empty drift list and the other outputs", () => {
      const old = outputs(inputs(), { drift: [], tailscaleIps: [], nodeName: "other", attempts: [{ number: 1, class: "joined", message: "", seconds: 2 }] });
      expect(diffNode(old, inputs())).toEqual(NO_CHANGE);
    });
  });

  describe("delete before replace", () => {
    it.each([["logout"], ["uninstall"], ["removeFromControlServer"]])("when the old node's delete does %s (it could undo the new join)", (what) => {
      const old = outputs(changed((i) => (i.onDelete = { [what]: true })));
      const next = changed((i) => Object.assign(i, { onDelete: { [what]: true }, connection: { ...i.connection, host: "10.0.0.9" } }));
      expect(diffNode(old, next)).toMatchObject({ replaces: ["connection.host"], deleteBeforeReplace: true });
    });

    it("never on an update", () => {
      const old = outputs(changed((i) => (i.onDelete = { logout: true })));
      expect(diffNode(old, changed((i) => Object.assign(i, { onDelete: { logout: true }, hostname: "x" })))).toMatchObject({ changes: true, deleteBeforeReplace: false });
    });
  });

  describe("values unknown during preview", () => {
    it("an unknown host replaces", () => {
      expect(diffNode(outputs(), changed((i) => (i.connection.host = PULUMI_UNKNOWN)))).toMatchObject({ changes: true, replaces: ["connection.host"] });
    });

    it("an unknown connection replaces, and is listed once", () => {
      const diff = diffNode(outputs(), changed((i) => (i.connection = PULUMI_UNKNOWN)));
      expect(diff.replaces).toEqual(["connection.host", "connection.port"]);
      expect(diff.changed).toEqual(["connection (known after apply)"]);
    });

    it("an unknown auth key or tag is an update", () => {
      expect(diffNode(outputs(), changed((i) => (i.authKey = PULUMI_UNKNOWN)))).toMatchObject({ changes: true, replaces: [], changed: ["authKey (known after apply)"] });
      expect(diffNode(outputs(), changed((i) => (i.advertiseTags = ["tag:a", PULUMI_UNKNOWN])))).toMatchObject({ changes: true, replaces: [], changed: ["advertiseTags"] });
    });
  });

  it("accepts state from an older provider that lacks output fields", () => {
    const old: PreviousNode = { connection: { host: "10.0.0.5", password: "pw-1" }, authKey: "k" };
    expect(diffNode(old, { connection: { host: "10.0.0.5", password: "pw-1" }, authKey: "k" })).toEqual(NO_CHANGE);
  });
});

describe("changedProperties", () => {
  it("ignores the dynamic provider's key and output-only fields", () => {
    const old = { ...outputs(), __provider: "old code" } as NodeOutputs;
    const next = { ...inputs(), __provider: "new code" } as NodeInputs;
    expect(changedProperties(old, next)).toEqual([]);
  });
});
