/**
 * Duplicate and replaced nodes: which control-plane nodes claim a host, judged from the node list and
 * what the host says of itself (pure), then the same judgement on node lists that the simulated
 * Headscale and Tailscale API produce for a stale registration and a cloned image.
 */
import { createControlClient, findDuplicates, type ControlNode, type HostIdentity } from "../../provider/control";
import { pickNode } from "../../provider/control/node-match";
import { SimulatedHeadscale } from "../../simulator/headscale-api";
import { SimulatedTailscaleApi } from "../../simulator/tailscale-api";

function node(over: Partial<ControlNode> & Pick<ControlNode, "id">): ControlNode {
  return {
    name: "win-01",
    hostname: "WIN-01",
    ipAddresses: [],
    online: false,
    lastSeen: "2026-11-01T00:00:00Z",
    tags: [],
    keyExpiry: null,
    ...over,
  };
}

const HOST: HostIdentity = { hostname: "WIN-01", ips: ["100.64.0.7"], recordedNodeId: "7" };
const CURRENT = node({ id: "7", ipAddresses: ["100.64.0.7"], online: true, lastSeen: null });

describe("findDuplicates", () => {
  test("one node, holding the host's addresses and recorded: clear", () => {
    expect(findDuplicates([CURRENT, node({ id: "9", name: "db-01", hostname: "DB-01" })], HOST)).toEqual({ status: "clear", nodeId: "7" });
  });

  test("no node at all: clear, with no node", () => {
    expect(findDuplicates([], { hostname: "WIN-01", ips: [] })).toEqual({ status: "clear", nodeId: null });
  });

  test("a stale node with the same name: duplicates, naming both ids, the live one first, and deleting nothing", () => {
    const nodes = Object.freeze([node({ id: "3" }), CURRENT]);

    const finding = findDuplicates(nodes, HOST);

    expect(finding.status).toBe("duplicates");
    if (finding.status !== "duplicates") return;
    expect(finding.claims.map((claim) => [claim.id, claim.reasons])).toEqual([
      ["7", ["holds-address", "same-hostname", "recorded"]],
      ["3", ["same-hostname"]],
    ]);
    expect(finding.message).toContain("2 control-plane nodes claim host WIN-01");
    expect(finding.message).toContain("node 3 (win-01, offline, last seen 2026-11-01T00:00:00Z) has this host's name");
    expect(finding.hint).toContain("keep node 7, which holds this host's addresses");
    expect(finding.hint).toContain("headscale nodes delete -i <id>");
    expect(finding.hint).toContain("nothing is deleted automatically");
    expect(nodes).toHaveLength(2);
  });

  test("Tailscale's suffixed names still count: win-01-1 reports host name WIN-01", () => {
    const suffixed = node({ id: "nB", name: "win-01-1.tail1234.ts.net", online: true });
    const finding = findDuplicates([{ ...CURRENT, id: "nA", name: "win-01.tail1234.ts.net" }, suffixed], { ...HOST, recordedNodeId: "nA" });

    expect(finding.status === "duplicates" && finding.claims.map((claim) => claim.id)).toEqual(["nA", "nB"]);
  });

  test("the addresses belong to another node than the recorded one, which still exists: duplicates with both reasons", () => {
    const recorded = node({ id: "5", name: "win-01-old", hostname: "WIN-01-OLD" });

    const finding = findDuplicates([recorded, CURRENT], { ...HOST, recordedNodeId: "5" });

    expect(finding.status === "duplicates" && finding.claims.map((claim) => [claim.id, claim.reasons])).toEqual([
      ["7", ["holds-address", "same-hostname"]],
      ["5", ["recorded"]],
    ]);
  });

  test("the addresses belong to another node and the recorded one is gone: replaced", () => {
    const finding = findDuplicates([CURRENT], { ...HOST, recordedNodeId: "5" });

    expect(finding).toMatchObject({ status: "replaced", nodeId: "7", recordedNodeId: "5" });
    expect(finding.status === "replaced" && finding.message).toContain("belong to node 7 (win-01), not to node 5 recorded at the last operation");
  });

  test("the node holding the addresses reports another host name: shared identity (a clone)", () => {
    const original = node({ id: "7", name: "win-01", hostname: "WIN-01", ipAddresses: ["100.64.0.7"], online: true });

    const finding = findDuplicates([original], { hostname: "WIN-02", ips: ["100.64.0.7"], recordedNodeId: "7" });

    expect(finding).toMatchObject({ status: "shared", nodeId: "7", reportedHostname: "WIN-01" });
    expect(finding.status === "shared" && finding.hint).toContain("tailscale logout");
  });

  test("without addresses (not joined yet) only names count", () => {
    const finding = findDuplicates([node({ id: "3" }), node({ id: "4", online: true })], { hostname: "win-01", ips: [] });

    expect(finding.status === "duplicates" && finding.claims.map((claim) => claim.id)).toEqual(["4", "3"]);
  });

  test("the node it keeps is the one pickNode picks for the host", () => {
    const nodes = [node({ id: "3" }), CURRENT, node({ id: "8", online: true, lastSeen: null })];

    const finding = findDuplicates(nodes, HOST);
    const kept = finding.status === "duplicates" ? finding.claims.find((claim) => claim.reasons.includes("holds-address")) : undefined;

    expect(kept?.id).toBe(pickNode(nodes, { hostname: HOST.hostname, ips: [...HOST.ips] })?.id);
  });
});

describe("on the simulated control servers", () => {
  test("Headscale: a host re-registered after a reinstall leaves its old node; both are named", async () => {
    const server = await SimulatedHeadscale.start({ version: "0.28", users: ["ops"] });
    try {
      const old = server.registerNode({ hostname: "WIN-01", online: false });
      const current = server.registerNode({ hostname: "WIN-01" });
      const nodes = await createControlClient({ kind: "headscale", url: server.url, apiKey: server.apiKey }).listNodes();

      const finding = findDuplicates(nodes, { hostname: "WIN-01", ips: current.ips, recordedNodeId: current.id });

      expect(finding.status === "duplicates" && finding.claims.map((claim) => claim.id)).toEqual([current.id, old.id]);
      expect(server.nodes()).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  test("Tailscale: a clone joined with its own key but the original's host name; the host recorded the original", async () => {
    const server = await SimulatedTailscaleApi.start();
    try {
      const original = server.registerDevice({ hostname: "WIN-01" });
      const clone = server.registerDevice({ hostname: "WIN-01" });
      const nodes = await createControlClient({ kind: "tailscale", url: server.url, apiKey: server.apiKey }).listNodes();

      const finding = findDuplicates(nodes, { hostname: "WIN-01", ips: original.addresses, recordedNodeId: original.nodeId });

      expect(finding.status === "duplicates" && finding.claims.map((claim) => claim.id).sort()).toEqual([original.nodeId, clone.nodeId].sort());
      expect(server.listDevices()).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});
