/**
 * What each Headscale version allows of keys and node expiry, through the client against the
 * simulated Headscale of that version: tags-only keys (0.28+), removing keys by id (0.28+, else they
 * are expired), reading a node's key expiry, and disabling it (0.29+; refused before anything is sent
 * on older versions, which would expire the node instead).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { MeshError } from "../../provider/common/errors";
import { HeadscaleClient, type AuthKeyRequest } from "../../provider/control";
import { HEADSCALE_API_VERSIONS, SimulatedHeadscale, type HeadscaleApiVersion } from "../../simulator/headscale-api";

const KEY_REQUEST: AuthKeyRequest = { tags: ["tag:windows"], expirySeconds: 300, reusable: false, ephemeral: false };
const TAGS_ONLY: readonly HeadscaleApiVersion[] = ["0.28", "0.29"];
const DISABLES_EXPIRY: readonly HeadscaleApiVersion[] = ["0.29"];
/** How the refusal to disable expiry names each version. */
const RELEASE_NAMED: Record<HeadscaleApiVersion, string> = {
  "0.23": "Headscale 0.23 to 0.25",
  "0.24": "Headscale 0.23 to 0.25",
  "0.26": "Headscale 0.26 to 0.27",
  "0.27": "Headscale 0.26 to 0.27",
  "0.28": "Headscale 0.28",
  "0.29": "",
};

async function failureOf(promise: Promise<unknown>): Promise<MeshError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof MeshError)) throw new Error(`expected a MeshError, got ${String(outcome)}`);
  return outcome;
}

describe.each(HEADSCALE_API_VERSIONS)("Headscale %s", (version) => {
  let server: SimulatedHeadscale;
  const clientFor = (user?: string): HeadscaleClient =>
    new HeadscaleClient({ kind: "headscale", url: server.url, apiKey: server.apiKey, user, timeoutMs: 5000 });
  const sent = (method: string, path: string) => server.requests.filter((request) => request.method === method && request.path === path);

  beforeEach(async () => {
    server = await SimulatedHeadscale.start({ version, users: ["admin", "ops"] });
  });
  afterEach(() => server.close());

  if (TAGS_ONLY.includes(version)) {
    test("a tagged key needs no user: the tags own it", async () => {
      const minted = await clientFor().mintAuthKey(KEY_REQUEST);

      expect(sent("POST", "/api/v1/preauthkey")[0]?.body).not.toHaveProperty("user");
      expect(server.preAuthKeys()).toEqual([expect.objectContaining({ id: minted.id, user: null, aclTags: ["tag:windows"] })]);
      const node = server.registerNode({ hostname: "WIN-01", authKey: minted.key });
      expect(node).toMatchObject({ user: null, tags: ["tag:windows"] });
    });

    test("without user or tags the key is refused before anything is created, as the server would", async () => {
      const error = await failureOf(clientFor().mintAuthKey({ ...KEY_REQUEST, tags: [] }));
      const direct = await fetch(`${server.url}/api/v1/preauthkey`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ reusable: false }),
      });

      expect(error.kind).toBe("invalid-input");
      expect(error.message).toContain("needs a user or tags");
      expect(error.hint).toContain("advertiseTags");
      expect([direct.status, ((await direct.json()) as { message: string }).message]).toEqual([500, "auth-key must be either tagged or owned by user"]);
      expect(server.preAuthKeys()).toEqual([]);
    });

    test("removeAuthKey deletes the key by id; removing it again is not an error", async () => {
      const client = clientFor("ops");
      const minted = await client.mintAuthKey(KEY_REQUEST);
      const kept = await client.mintAuthKey(KEY_REQUEST);

      expect(await client.removeAuthKey(minted)).toBe("removed");
      expect(await client.removeAuthKey(minted)).toBe("removed");

      expect(server.preAuthKeys().map((key) => key.id)).toEqual([kept.id]);
      expect(sent("DELETE", "/api/v1/preauthkey").map((request) => request.query)).toEqual([{ id: minted.id }, { id: minted.id }]);
    });
  } else {
    test("a key without a user is refused: this version needs one", async () => {
      const error = await failureOf(clientFor().mintAuthKey(KEY_REQUEST));

      expect(error.kind).toBe("invalid-input");
      expect(error.message).toContain(`Headscale ${version === "0.23" || version === "0.24" ? "0.23 to 0.25" : "0.26 to 0.27"} needs a user`);
      expect(server.preAuthKeys()).toEqual([]);
    });

    test("removeAuthKey can only expire the key here, and says so", async () => {
      const client = clientFor("ops");
      const minted = await client.mintAuthKey(KEY_REQUEST);

      expect(await client.removeAuthKey(minted)).toBe("expired");

      expect(server.preAuthKeys()).toEqual([expect.objectContaining({ id: minted.id })]);
      expect(server.preAuthKeys()[0]?.expiration?.getTime()).toBeLessThanOrEqual(Date.now());
      expect(sent("DELETE", "/api/v1/preauthkey")).toEqual([]);
    });
  }

  test("a node's key expiry is read: a date when it has one, null when it never expires", async () => {
    const expiry = new Date(Date.now() + 3 * 86_400_000);
    server.registerNode({ hostname: "WIN-01", expiry });
    server.registerNode({ hostname: "WIN-02" });

    const nodes = await clientFor().listNodes();

    expect(nodes.map((node) => [node.hostname, node.keyExpiry])).toEqual([
      ["WIN-01", expiry.toISOString()],
      ["WIN-02", null],
    ]);
  });

  if (DISABLES_EXPIRY.includes(version)) {
    test("disableKeyExpiry makes the node's key never expire", async () => {
      const node = server.registerNode({ hostname: "WIN-01", expiry: new Date(Date.now() + 86_400_000) });
      const client = clientFor();

      await client.disableKeyExpiry(node.id);

      expect(server.nodes()[0]?.expiry).toBeNull();
      expect((await client.findNode({ hostname: "win-01" }))?.keyExpiry).toBeNull();
      expect(sent("POST", `/api/v1/node/${node.id}/expire`).map((request) => request.query)).toEqual([{ disableExpiry: "true" }]);
    });

    test("disableKeyExpiry also lets an expired node back in", async () => {
      const node = server.registerNode({ hostname: "WIN-01", expiry: new Date(Date.now() - 60_000) });

      await clientFor().disableKeyExpiry(node.id);

      expect(server.nodes()[0]?.expiry).toBeNull();
    });

    test("the version probe runs once per client", async () => {
      const node = server.registerNode({ hostname: "WIN-01" });
      const client = clientFor();

      await client.disableKeyExpiry(node.id);
      await client.disableKeyExpiry(node.id);

      expect(sent("POST", "/api/v1/policy/check")).toHaveLength(1);
    });
  } else {
    test("disableKeyExpiry is refused as unsupported, naming the version, and the node is left as it was", async () => {
      const expiry = new Date(Date.now() + 86_400_000);
      const node = server.registerNode({ hostname: "WIN-01", expiry });

      const error = await failureOf(clientFor().disableKeyExpiry(node.id));

      expect(error.kind).toBe("unsupported");
      expect(error.message).toContain(`${RELEASE_NAMED[version]} cannot disable a node's key expiry`);
      expect(error.hint).toContain("0.29 or later");
      expect(server.nodes()[0]?.expiry).toEqual(expiry);
      expect(sent("POST", `/api/v1/node/${node.id}/expire`)).toEqual([]);
    });
  }
});

test("why older versions must never be sent disableExpiry: they drop the parameter and expire the node now", async () => {
  const server = await SimulatedHeadscale.start({ version: "0.28" });
  try {
    const node = server.registerNode({ hostname: "WIN-01" });

    const response = await fetch(`${server.url}/api/v1/node/${node.id}/expire?disableExpiry=true`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.apiKey}` },
    });

    expect(response.status).toBe(200);
    expect(server.nodes()[0]?.expiry?.getTime()).toBeLessThanOrEqual(Date.now());
  } finally {
    await server.close();
  }
});

test("a node id that is not a number is refused before anything is sent", async () => {
  const server = await SimulatedHeadscale.start({ version: "0.29" });
  try {
    const error = await failureOf(new HeadscaleClient({ kind: "headscale", url: server.url, apiKey: server.apiKey }).disableKeyExpiry("n1CNTRL"));

    expect(error.kind).toBe("invalid-input");
    expect(server.requests).toEqual([]);
  } finally {
    await server.close();
  }
});

test("a server that answers like 0.29 but sets an expiry instead: a loud error saying how to undo it", async () => {
  // Probes look like 0.29; ExpireNode ignores the query parameter (as a build that reads it elsewhere would).
  const expiresAt = new Date(Date.now() - 1000).toISOString();
  const fake = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    if (req.url?.startsWith("/api/v1/preauthkey")) return res.end(JSON.stringify({ preAuthKeys: [] }));
    if (req.url?.startsWith("/api/v1/node/4/expire")) return res.end(JSON.stringify({ node: { id: "4", name: "win-01", expiry: expiresAt } }));
    res.end("{}");
  });
  await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;

    const error = await failureOf(new HeadscaleClient({ kind: "headscale", url, apiKey: "hskey-api-fake-0123456789" }).disableKeyExpiry("4"));

    expect(error.kind).toBe("control-server");
    expect(error.seen).toBe(`node 4 now expires at ${expiresAt}`);
    expect(error.hint).toContain("headscale nodes expire -i 4 --disable");
  } finally {
    fake.closeAllConnections();
    await new Promise((resolve) => fake.close(resolve));
  }
});
