/**
 * The Headscale client against the simulated Headscale at every API version it supports: the version
 * is learned from the server's behaviour, and each call takes the shape that version wants.
 */
import { isMeshError } from "../../provider/common/errors";
import { Redactor } from "../../provider/common/redact";
import { HeadscaleClient, createControlClient, type AuthKeyRequest } from "../../provider/control";
import { AuthKeyRejected } from "../../simulator/control-servers";
import { HEADSCALE_API_VERSIONS, SimulatedHeadscale, type HeadscaleApiVersion } from "../../simulator/headscale-api";
import { shellWord } from "../../provider/control/headscale";

const KEY_REQUEST: AuthKeyRequest = { tags: ["tag:windows"], expirySeconds: 300, reusable: false, ephemeral: false };

const EXPECTED_DIALECT: Record<HeadscaleApiVersion, string> = {
  "0.23": "0.23 to 0.25",
  "0.24": "0.23 to 0.25",
  "0.26": "0.26 to 0.27",
  "0.27": "0.26 to 0.27",
  "0.28": "0.28 or later",
  "0.29": "0.28 or later",
};

describe.each(HEADSCALE_API_VERSIONS)("Headscale %s", (version) => {
  let server: SimulatedHeadscale;
  let client: HeadscaleClient;

  beforeEach(async () => {
    server = await SimulatedHeadscale.start({ version, users: ["admin", "ops"] });
    client = new HeadscaleClient({ kind: "headscale", url: server.url, apiKey: server.apiKey, user: "ops", timeoutMs: 5000 });
  });
  afterEach(() => server.close());

  test("the API generation is detected from the server's behaviour", async () => {
    expect((await client.detectApi()).versions).toBe(EXPECTED_DIALECT[version]);
  });

  test("findNode: null before the host joins, the node after", async () => {
    expect(await client.findNode({ hostname: "WIN-01" })).toBeNull();

    server.registerNode({ hostname: "WIN-01", ips: ["100.64.0.7", "fd7a:115c:a1e0::7"], tags: ["tag:windows"], user: "ops" });
    const node = await client.findNode({ hostname: "win-01" });

    expect(node).toMatchObject({ hostname: "WIN-01", ipAddresses: ["100.64.0.7", "fd7a:115c:a1e0::7"], online: true });
    expect(node?.tags).toEqual(["tag:windows"]);
    expect(node?.lastSeen).not.toBeNull();
  });

  test("findNode matches by address even when the name differs", async () => {
    server.registerNode({ hostname: "other" });
    const renamed = server.registerNode({ hostname: "desktop-4f2k", ips: ["100.64.0.42"] });

    const node = await client.findNode({ hostname: "WIN-01", ips: ["100.64.0.42"] });

    expect(node?.id).toBe(renamed.id);
  });

  test("findNode prefers the online node among stale ones with the same name", async () => {
    server.registerNode({ hostname: "win-01", online: false });
    const current = server.registerNode({ hostname: "win-01", online: true });

    expect((await client.findNode({ hostname: "win-01" }))?.id).toBe(current.id);
  });

  test("mintAuthKey makes a single-use, non-ephemeral, tagged key with a short expiry", async () => {
    const before = Date.now();
    const minted = await client.mintAuthKey(KEY_REQUEST);

    const [stored] = server.preAuthKeys();
    expect(stored).toMatchObject({ id: minted.id, key: minted.key, user: "ops", reusable: false, ephemeral: false, aclTags: ["tag:windows"] });
    const expiresIn = (stored?.expiration?.getTime() ?? 0) - before;
    expect(expiresIn).toBeGreaterThan(295_000);
    expect(expiresIn).toBeLessThan(305_000);
  });

  test("the minted key joins one host, carries its tags, and is refused a second time", async () => {
    const minted = await client.mintAuthKey(KEY_REQUEST);

    server.registerNode({ hostname: "WIN-02", authKey: minted.key });
    expect((await client.findNode({ hostname: "win-02" }))?.tags).toEqual(["tag:windows"]);
    expect(() => server.registerNode({ hostname: "WIN-03", authKey: minted.key })).toThrow(new AuthKeyRejected("used"));
  });

  test("expireAuthKey makes the key unusable; expiring it again is not an error", async () => {
    const minted = await client.mintAuthKey(KEY_REQUEST);

    await client.expireAuthKey(minted);
    await client.expireAuthKey(minted);

    expect(server.preAuthKeys()[0]?.expiration?.getTime()).toBeLessThanOrEqual(Date.now());
    expect(() => server.registerNode({ hostname: "WIN-02", authKey: minted.key })).toThrow(new AuthKeyRejected("expired"));
  });

  test("deleteNode removes the node, and deleting it again is not an error", async () => {
    const node = server.registerNode({ hostname: "WIN-01" });
    server.registerNode({ hostname: "WIN-09" });

    await client.deleteNode(node.id);
    await client.deleteNode(node.id);

    expect(server.nodes().map((remaining) => remaining.hostname)).toEqual(["WIN-09"]);
    expect(await client.findNode({ hostname: "WIN-01" })).toBeNull();
  });

  test("a user the server does not have is named in the error, with how to create it", async () => {
    const stranger = new HeadscaleClient({ kind: "headscale", url: server.url, apiKey: server.apiKey, user: "nobody" });

    const error = await stranger.mintAuthKey(KEY_REQUEST).catch((e: unknown) => e);

    expect(isMeshError(error, "invalid-input")).toBe(true);
    expect(String(error)).toContain('no user "nobody"');
    expect(String(error)).toContain("headscale users create nobody");
    expect(server.preAuthKeys()).toHaveLength(0);
  });

  test("the client adds the minted key to the operation's Redactor", async () => {
    const redactor = new Redactor();
    const shared = createControlClient({ kind: "headscale", url: server.url, apiKey: server.apiKey, user: "ops" }, redactor);

    const minted = await shared.mintAuthKey(KEY_REQUEST);

    expect(redactor.text(`key=${minted.key} api=${server.apiKey}`)).toBe("key=[redacted] api=[redacted]");
  });
});

describe("Headscale request shapes by version", () => {
  const lastBody = (server: SimulatedHeadscale, path: string): unknown =>
    server.requests.filter((request) => request.method === "POST" && request.path === path).at(-1)?.body;

  test.each([
    ["0.24", (key: { key: string }) => ({ user: "ops", key: key.key })],
    ["0.26", (key: { key: string }) => ({ user: "2", key: key.key })],
    ["0.27", (key: { key: string }) => ({ user: "2", key: key.key })],
    ["0.28", (key: { id: string }) => ({ id: key.id })],
  ] as const)("%s: keys name their user and are expired as that version wants", async (version, expireBody) => {
    const server = await SimulatedHeadscale.start({ version, users: ["admin", "ops"] });
    try {
      const client = createControlClient({ kind: "headscale", url: server.url, apiKey: server.apiKey, user: "ops" });
      const minted = await client.mintAuthKey(KEY_REQUEST);
      await client.expireAuthKey(minted);

      const user = version === "0.24" ? "ops" : "2";
      expect(lastBody(server, "/api/v1/preauthkey")).toMatchObject({ user, reusable: false, ephemeral: false, aclTags: ["tag:windows"] });
      expect(lastBody(server, "/api/v1/preauthkey/expire")).toEqual(expireBody(minted));
    } finally {
      await server.close();
    }
  });

  test("the version is probed once per client", async () => {
    const server = await SimulatedHeadscale.start({ version: "0.27", users: ["ops"] });
    try {
      const client = createControlClient({ kind: "headscale", url: server.url, apiKey: server.apiKey, user: "ops" });
      await client.expireAuthKey(await client.mintAuthKey(KEY_REQUEST));

      expect(server.requests.filter((request) => request.path === "/api/v1/health")).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  test("up to 0.27 a key needs a user; the error says so before anything is created", async () => {
    const server = await SimulatedHeadscale.start({ version: "0.27", users: ["ops"] });
    try {
      const client = createControlClient({ kind: "headscale", url: server.url, apiKey: server.apiKey });

      const error = await client.mintAuthKey(KEY_REQUEST).catch((e: unknown) => e);

      expect(isMeshError(error, "invalid-input")).toBe(true);
      expect(String(error)).toContain("set controlServer.user");
      expect(server.preAuthKeys()).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  test("from 0.28 a tagged key needs no user", async () => {
    const server = await SimulatedHeadscale.start({ version: "0.28" });
    try {
      const client = createControlClient({ kind: "headscale", url: server.url, apiKey: server.apiKey });
      const minted = await client.mintAuthKey(KEY_REQUEST);

      expect(minted.key).toMatch(/^hskey-auth-/);
      expect(lastBody(server, "/api/v1/preauthkey")).not.toHaveProperty("user");
      expect(server.preAuthKeys()[0]).toMatchObject({ user: null, aclTags: ["tag:windows"] });
    } finally {
      await server.close();
    }
  });
});

describe("shellWord: a suggested shell command runs as shown", () => {
  test.each([
    ["ops", "ops"],
    ["team.windows@corp", "team.windows@corp"],
    ["it's ops; rm -rf /", `'it'\\''s ops; rm -rf /'`],
    ["$(reboot)", "'$(reboot)'"],
    ["a b", "'a b'"],
  ])("%s", (name, quoted) => {
    expect(shellWord(name)).toBe(quoted);
  });
});
