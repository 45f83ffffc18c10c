/**
 * Key expiry: how the clients read it (Tailscale's `expires` + `keyExpiryDisabled`; Headscale's is
 * covered per version in headscale-keys.test.ts), disabling it on Tailscale, and the pure judgement
 * a refresh makes of it: expired, expires soon (with the date), disabled, fine.
 */
import { MeshError } from "../../provider/common/errors";
import { TailscaleClient, keyExpiryFinding, keyExpiryOf, type ControlNode } from "../../provider/control";
import { SimulatedTailscaleApi } from "../../simulator/tailscale-api";

const DAY = 86_400;
const NOW = new Date("2026-11-25T10:00:00Z");

function node(keyExpiry: string | null): Pick<ControlNode, "id" | "name" | "keyExpiry"> {
  return { id: "7", name: "win-01", keyExpiry };
}

describe("keyExpiryFinding", () => {
  test("a key that never expires: disabled", () => {
    expect(keyExpiryFinding(node(null), 14 * DAY, NOW)).toEqual({ status: "disabled", message: "the key of node win-01 (id 7) does not expire" });
  });

  test("a key past its expiry: expired, with the date and what to do", () => {
    const finding = keyExpiryFinding(node("2026-11-24T09:00:00.000Z"), 14 * DAY, NOW);

    expect(finding).toMatchObject({ status: "expired", expiresAt: "2026-11-24T09:00:00.000Z" });
    expect(finding.status === "expired" && finding.message).toContain("expired at 2026-11-24T09:00:00.000Z");
    expect(finding.status === "expired" && finding.hint).toContain("headscale nodes expire -i 7 --disable");
  });

  test("a key expiring inside the window: expires-soon, with the date and the time left", () => {
    const finding = keyExpiryFinding(node("2026-11-28T10:00:00.000Z"), 14 * DAY, NOW);

    expect(finding).toMatchObject({ status: "expires-soon", expiresAt: "2026-11-28T10:00:00.000Z", secondsLeft: 3 * DAY });
    expect(finding.status === "expires-soon" && finding.message).toContain("expires at 2026-11-28T10:00:00.000Z (in 3.0 days)");
  });

  test("a key expiring after the window: fine", () => {
    expect(keyExpiryFinding(node("2027-05-01T00:00:00.000Z"), 14 * DAY, NOW)).toEqual({ status: "fine", expiresAt: "2027-05-01T00:00:00.000Z" });
  });

  test.each([
    [0, "expired"],
    [DAY, "expires-soon"],
    [DAY + 1, "fine"],
  ])("at the edges of a one-day window: %d seconds left is %s", (left, status) => {
    const expiresAt = new Date(NOW.getTime() + left * 1000).toISOString();
    expect(keyExpiryFinding(node(expiresAt), DAY, NOW).status).toBe(status);
  });

  test.each([-1, Number.NaN, Number.POSITIVE_INFINITY])("a window of %d seconds is refused", (window) => {
    expect(() => keyExpiryFinding(node(null), window, NOW)).toThrow(MeshError);
  });
});

describe("keyExpiryOf", () => {
  test.each([
    [undefined, null],
    [null, null],
    ["", null],
    ["0001-01-01T00:00:00Z", null],
    ["not a date", null],
    ["2026-12-01T12:00:00+02:00", "2026-12-01T10:00:00.000Z"],
    ["2026-12-01T10:00:00Z", "2026-12-01T10:00:00.000Z"],
  ])("%j reads as %j", (value, expected) => {
    expect(keyExpiryOf(value)).toBe(expected);
  });
});

describe("Tailscale key expiry", () => {
  let server: SimulatedTailscaleApi;
  let client: TailscaleClient;

  beforeEach(async () => {
    server = await SimulatedTailscaleApi.start({ tailnet: "example.com" });
    client = new TailscaleClient({ kind: "tailscale", url: server.url, apiKey: server.apiKey, timeoutMs: 5000 });
  });
  afterEach(() => server.close());

  test("an untagged device's key expires; a tagged one's does not; a disabled one's does not", async () => {
    const expiry = new Date(Date.now() + 5 * DAY * 1000);
    server.registerDevice({ hostname: "WIN-01", keyExpiry: expiry });
    server.registerDevice({ hostname: "WIN-02", tags: ["tag:windows"] });
    server.registerDevice({ hostname: "WIN-03", keyExpiry: expiry, keyExpiryDisabled: true });

    const nodes = await client.listNodes();

    expect(nodes.map((found) => [found.hostname, found.keyExpiry])).toEqual([
      ["WIN-01", expiry.toISOString()],
      ["WIN-02", null],
      ["WIN-03", null],
    ]);
  });

  test("disableKeyExpiry posts keyExpiryDisabled to the device's key, and the key no longer expires", async () => {
    const device = server.registerDevice({ hostname: "WIN-01", keyExpiry: new Date(Date.now() + DAY * 1000) });

    await client.disableKeyExpiry(device.nodeId);

    const posted = server.requests.filter((request) => request.method === "POST");
    expect(posted.map((request) => [request.path, request.body])).toEqual([[`/api/v2/device/${device.nodeId}/key`, { keyExpiryDisabled: true }]]);
    expect(server.listDevices()[0]).toMatchObject({ keyExpiryDisabled: true });
    expect((await client.findNode({ hostname: "win-01" }))?.keyExpiry).toBeNull();
  });

  test("disableKeyExpiry of a device the tailnet does not have: control-server naming the call", async () => {
    const error = await client.disableKeyExpiry("nGONECNTRL").catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: "control-server" });
    expect(String(error)).toContain("disable key expiry (POST /api/v2/device/nGONECNTRL/key)");
    expect(String(error)).toContain("HTTP 404: device not found");
  });

  test("removeAuthKey revokes the key and says it was removed", async () => {
    const minted = await client.mintAuthKey({ tags: ["tag:windows"], expirySeconds: 600, reusable: false, ephemeral: false });

    expect(await client.removeAuthKey(minted)).toBe("removed");
    expect(await client.removeAuthKey(minted)).toBe("removed");
    expect(server.authKeys()).toEqual([]);
  });
});
