/**
 * What a refresh concludes from the control server's node list beyond "is the node there", without
 * servers: key expiry (expired is drift, expiring within keyExpiryWarningDays is a warning with the
 * date), disableKeyExpiry not in effect (drift, or a warning where the server cannot disable it),
 * and other nodes claiming the host (duplicates and a shared identity are warnings naming the ids; a
 * new identity is drift that the refresh records). And what the next up plans for key-expired.
 */
import type { ControlNode } from "../../provider/control";
import type { ControlReading } from "../../provider/lifecycle/control";
import { nodeFindings, type NodeFindingsInput } from "../../provider/lifecycle/findings";
import { applyProbe } from "../../provider/lifecycle/inspect";
import { planConverge } from "../../provider/lifecycle/plan";
import type { NodeOutputs } from "../../provider/node/types";
import type { ProbeResult } from "../../provider/scripts/catalogue";
import { LATEST_TAILSCALE } from "../../simulator";
import { probeResult } from "../support/probe-result";

const CHECKED_AT = "2026-11-25T10:00:00.000Z";
const DAY_MS = 86_400_000;
const IPS = ["100.64.0.7", "fd7a:115c:a1e0::7"];
const HEADSCALE = { kind: "headscale" as const, url: "https://hs.example.com", apiKey: "hs-api-key-0123456789", user: "ops" };

function inDays(days: number): string {
  return new Date(Date.parse(CHECKED_AT) + days * DAY_MS).toISOString();
}

function node(over: Partial<ControlNode> = {}): ControlNode {
  return { id: "7", name: "win-01", hostname: "win-01", ipAddresses: IPS, online: true, lastSeen: null, tags: [], keyExpiry: null, ...over };
}

function probe(over: Partial<ProbeResult> = {}): ProbeResult {
  return probeResult({ tailscaleIps: IPS, ...over });
}

function previous(over: Partial<NodeOutputs> = {}): NodeOutputs {
  return {
    connection: { host: "10.0.0.5", password: "pw-123456" },
    loginServer: HEADSCALE.url,
    hostname: "win-01",
    controlServer: HEADSCALE,
    state: "joined",
    pendingReason: "",
    tailscaleIps: IPS,
    nodeName: "win-01",
    tailscaleVersion: LATEST_TAILSCALE,
    hostKey: "SHA256:abc",
    joinScript: "",
    joinScriptPath: "C:\\temp\\join-mesh.ps1",
    manualCommand: "",
    attempts: [],
    providerVersion: "0.0.0-test",
    ...over,
  };
}

function answered(nodes: ControlNode[], canDisableKeyExpiry = true): ControlReading {
  return { status: "answered", nodes, checkedAt: CHECKED_AT, canDisableKeyExpiry };
}

describe("key expiry, as a refresh reports it", () => {
  it("records when the key expires, and says nothing while that is beyond the warning window", () => {
    const out = applyProbe(previous(), probe(), answered([node({ keyExpiry: inDays(60) })]));
    expect(out.controlNode?.keyExpiry).toBe(inDays(60));
    expect(out).toMatchObject({ drift: [], warnings: [] });
  });

  it("warns with the date when the key expires within keyExpiryWarningDays (default 14)", () => {
    const out = applyProbe(previous(), probe(), answered([node({ keyExpiry: inDays(5) })]));
    expect(out.drift).toEqual([]);
    expect(out.warnings).toEqual([
      `key-expires-soon: the key of node win-01 (id 7) expires at ${inDays(5)} (in 5.0 days); then the node is cut off from the mesh; what to do: set disableKeyExpiry and run \`up\`, or disable key expiry for this node (Tailscale: the admin console's Machines page, "Disable key expiry", or the API; Headscale 0.29 or later: \`headscale nodes expire -i 7 --disable\`), which also lets an expired node back in; or re-authenticate the host with a new key`,
    ]);
  });

  it("takes the window from keyExpiryWarningDays: 0 reports only an expired key", () => {
    expect(applyProbe(previous({ keyExpiryWarningDays: 3 }), probe(), answered([node({ keyExpiry: inDays(5) })])).warnings).toEqual([]);
    expect(applyProbe(previous({ keyExpiryWarningDays: 0 }), probe(), answered([node({ keyExpiry: inDays(0.01) })])).warnings).toEqual([]);
    expect(applyProbe(previous({ keyExpiryWarningDays: 30 }), probe(), answered([node({ keyExpiry: inDays(29) })])).warnings).toEqual([
      expect.stringMatching(/^key-expires-soon: .* expires at 2026-12-24T10:00:00.000Z \(in 29.0 days\)/),
    ]);
  });

  it("reports an expired key as drift key-expired, with the date in a warning", () => {
    const out = applyProbe(previous(), probe(), answered([node({ keyExpiry: inDays(-1) })]));
    expect(out.drift).toEqual(["key-expired"]);
    expect(out.warnings).toEqual([expect.stringMatching(/^key-expired: the key of node win-01 \(id 7\) expired at 2026-11-24T10:00:00.000Z: .*what to do: the next `up` joins the node again/)]);
  });

  it("says nothing of a key that does not expire", () => {
    expect(applyProbe(previous({ disableKeyExpiry: true }), probe(), answered([node()]))).toMatchObject({ drift: [], warnings: [] });
  });

  it("with disableKeyExpiry, a key that still expires is drift key-expiry-enabled", () => {
    const out = applyProbe(previous({ disableKeyExpiry: true }), probe(), answered([node({ keyExpiry: inDays(90) })]));
    expect(out).toMatchObject({ drift: ["key-expiry-enabled"], warnings: [] });
    const soon = applyProbe(previous({ disableKeyExpiry: true }), probe(), answered([node({ keyExpiry: inDays(2) })]));
    expect(soon.drift).toEqual(["key-expiry-enabled"]);
    expect(soon.warnings).toEqual([expect.stringContaining("what to do: the next `up` disables its expiry (drift key-expiry-enabled)")]);
  });

  it("where the server cannot disable it (Headscale before 0.29), a warning instead of drift no up could repair", () => {
    const out = applyProbe(previous({ disableKeyExpiry: true }), probe(), answered([node({ keyExpiry: inDays(90) })], false));
    expect(out.drift).toEqual([]);
    expect(out.warnings).toEqual([expect.stringMatching(/^key-expiry-enabled: disableKeyExpiry is set, but this control server cannot .* expires at 2027-02-23T10:00:00.000Z; what to do: upgrade the server to Headscale 0.29/)]);
  });

  it("judges no expiry when the server has no node for the host", () => {
    const out = applyProbe(previous({ disableKeyExpiry: true }), probe(), answered([]));
    expect(out.drift).toEqual(["node-missing"]);
    expect(out.warnings).toEqual([]);
  });
});

describe("nodes claiming the host, as a refresh reports them", () => {
  it("several nodes of this host's name: a warning naming each, the one holding the addresses to keep; nothing else", () => {
    const stale = node({ id: "3", ipAddresses: ["100.64.0.3"], online: false, lastSeen: "2026-10-01T00:00:00Z" });
    const out = applyProbe(previous(), probe(), answered([stale, node()]));
    expect(out.controlNode?.id).toBe("7");
    expect(out.drift).toEqual([]);
    expect(out.warnings).toEqual([
      expect.stringMatching(/^duplicate-nodes: 2 control-plane nodes claim host win-01: node 7 .*; node 3 \(win-01, offline, last seen 2026-10-01T00:00:00Z\) has this host's name; what to do: .*keep node 7.*nothing is deleted automatically$/),
    ]);
  });

  it("the host's addresses held by a node other than the recorded one, which is gone: drift node-replaced, and the new id recorded", () => {
    const recorded = applyProbe(previous(), probe(), answered([node()])).controlNode;
    const out = applyProbe(previous({ controlNode: recorded }), probe(), answered([node({ id: "12" })]));
    expect(out.controlNode?.id).toBe("12");
    expect(out.drift).toEqual(["node-replaced"]);
    expect(out.warnings).toEqual([expect.stringMatching(/^node-replaced: host win-01's addresses belong to node 12 \(win-01\), not to node 7 recorded at the last operation/)]);
    // The next refresh compares with the id now recorded.
    expect(applyProbe(out, probe(), answered([node({ id: "12" })]))).toMatchObject({ drift: [], warnings: [] });
  });

  it("the recorded node still there beside the new one: duplicates, not replaced", () => {
    const recorded = applyProbe(previous(), probe(), answered([node()])).controlNode;
    const out = applyProbe(previous({ controlNode: recorded }), probe(), answered([node({ ipAddresses: ["100.64.0.3"], online: false }), node({ id: "12" })]));
    expect(out.drift).toEqual([]);
    expect(out.warnings).toEqual([expect.stringMatching(/^duplicate-nodes: 2 control-plane nodes claim host win-01: node 12 .*; node 7 .*recorded at the last operation/)]);
  });

  it("the node holding the host's addresses reports another host name: shared-identity", () => {
    const out = applyProbe(previous(), probe(), answered([node({ name: "build-3", hostname: "build-3" })]));
    expect(out.warnings).toEqual([expect.stringMatching(/^shared-identity: node 7, which holds host win-01's addresses, reports the host name "build-3": .*nothing is deleted automatically$/)]);
  });

  it("without a hostname input, compares the computer name, except one that may be a truncated NetBIOS name", () => {
    const base = { nodes: [node({ name: "build-3", hostname: "build-3" })], node: null, ips: IPS, disableKeyExpiry: false, keyExpiryWarningDays: 14, canDisableKeyExpiry: true, now: new Date(CHECKED_AT) };
    const findings = (computerName: string, hostname?: string) => nodeFindings({ ...base, computerName, hostname } satisfies NodeFindingsInput).warnings;
    expect(findings("WIN-01")).toEqual([expect.stringMatching(/^shared-identity: .*host WIN-01's addresses/)]);
    // Windows truncates the NetBIOS name to 15 characters; the node reports the whole DNS host name.
    expect(findings("BUILD-AGENT-NUM")).toEqual([]);
    expect(findings("BUILD-AGENT-NUM", "build-agent-number-3")).toEqual([expect.stringMatching(/^shared-identity: /)]);
    expect(findings("WIN-01", "build-3")).toEqual([]);
  });
});

describe("planConverge for a key that expired", () => {
  it("joins again to re-authenticate, and says why", () => {
    const plan = planConverge(probe(), { ...previous(), authKey: undefined }, previous({ drift: ["key-expired"] }));
    expect(plan.join).toBe(true);
    expect(plan.reasons).toContain("the node's key has expired on the control server (it joins again to re-authenticate)");
  });

  it("does not join for key-expiry-enabled or node-replaced: those are the control server's to settle", () => {
    for (const kind of ["key-expiry-enabled", "node-replaced"] as const) {
      expect(planConverge(probe(), previous(), previous({ drift: [kind] }))).toMatchObject({ join: false, install: false, cleanup: false });
    }
  });
});
