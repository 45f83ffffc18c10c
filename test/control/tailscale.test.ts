/** The Tailscale API client against the simulated Tailscale API. */
import { TailscaleClient, createControlClient, type AuthKeyRequest } from "../../provider/control";
import { AuthKeyRejected } from "../../simulator/control-servers";
import { SimulatedTailscaleApi } from "../../simulator/tailscale-api";

const KEY_REQUEST: AuthKeyRequest = { tags: ["tag:windows"], expirySeconds: 600, reusable: false, ephemeral: false };

describe("Tailscale API client", () => {
  let server: SimulatedTailscaleApi;
  let client: TailscaleClient;

  beforeEach(async () => {
    server = await SimulatedTailscaleApi.start({ tailnet: "example.com" });
    client = new TailscaleClient({ kind: "tailscale", url: server.url, apiKey: server.apiKey, timeoutMs: 5000 });
  });
  afterEach(() => server.close());

  test("findNode: null before the host joins, the device after, by host name or MagicDNS name", async () => {
    expect(await client.findNode({ hostname: "WIN-01" })).toBeNull();

    const device = server.registerDevice({ hostname: "WIN-01", ips: ["100.100.0.9"], tags: ["tag:windows"] });

    const byHostname = await client.findNode({ hostname: "win-01" });
    expect(byHostname).toEqual({
      id: device.nodeId,
      name: device.name,
      hostname: "WIN-01",
      ipAddresses: ["100.100.0.9"],
      online: true,
      lastSeen: null,
      tags: ["tag:windows"],
      // A tagged device's key does not expire.
      keyExpiry: null,
    });
    expect((await client.findNode({ hostname: device.name.split(".")[0] ?? "" }))?.id).toBe(device.nodeId);
  });

  test("findNode matches by address, and reports an offline device with its last-seen time", async () => {
    server.registerDevice({ hostname: "laptop" });
    const device = server.registerDevice({ hostname: "desktop-4f2k", ips: ["100.100.0.77"], online: false });

    const node = await client.findNode({ hostname: "WIN-01", ips: ["100.100.0.77"] });

    expect(node?.id).toBe(device.nodeId);
    expect(node?.online).toBe(false);
    expect(Date.parse(node?.lastSeen ?? "")).toBeLessThan(Date.now());
  });

  test("mintAuthKey makes a preauthorized, single-use, non-ephemeral, tagged key", async () => {
    const minted = await client.mintAuthKey(KEY_REQUEST);

    expect(server.authKeys()).toEqual([
      expect.objectContaining({
        id: minted.id,
        key: minted.key,
        reusable: false,
        ephemeral: false,
        preauthorized: true,
        tags: ["tag:windows"],
        expirySeconds: 600,
      }),
    ]);
    server.registerDevice({ hostname: "WIN-02", authKey: minted.key });
    expect(() => server.registerDevice({ hostname: "WIN-03", authKey: minted.key })).toThrow(new AuthKeyRejected("used"));
  });

  test("expireAuthKey revokes the key; revoking it again is not an error", async () => {
    const minted = await client.mintAuthKey(KEY_REQUEST);

    await client.expireAuthKey(minted);
    await client.expireAuthKey(minted);

    expect(server.authKeys()).toEqual([]);
    expect(() => server.registerDevice({ hostname: "WIN-02", authKey: minted.key })).toThrow(new AuthKeyRejected("unknown"));
  });

  test("deleteNode removes the device; deleting it again is not an error", async () => {
    const device = server.registerDevice({ hostname: "WIN-01" });

    await client.deleteNode(device.nodeId);
    await client.deleteNode(device.nodeId);

    expect(server.listDevices()).toEqual([]);
  });

  test('the tailnet defaults to "-" (the token\'s own) and can be named', async () => {
    const named = createControlClient({ kind: "tailscale", url: server.url, apiKey: server.apiKey, tailnet: "example.com" });

    await client.findNode({ hostname: "x" });
    await named.mintAuthKey(KEY_REQUEST);

    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /api/v2/tailnet/-/devices",
      "POST /api/v2/tailnet/example.com/keys",
    ]);
  });

  test("a tag the API refuses is reported with the API's message", async () => {
    const error = await client.mintAuthKey({ ...KEY_REQUEST, tags: ["windows"] }).catch((e: unknown) => e);

    expect(String(error)).toContain("HTTP 400: requested tags [windows] are invalid or not permitted");
  });

  test("a key lifetime below one second is refused before anything is sent", async () => {
    await expect(client.mintAuthKey({ ...KEY_REQUEST, expirySeconds: 0 })).rejects.toMatchObject({ kind: "invalid-input" });
    expect(server.requests).toEqual([]);
  });
});
