/**
 * The judgement of the node's Tailscale options read back from the host (provider/lifecycle/prefs.ts):
 * which inputs count as changed, what cannot be compared honestly, and that a refresh names the drift
 * `pref-changed:<input>` and the next update joins again because of it.
 */
import { applyProbe } from "../../provider/lifecycle/inspect";
import { planConverge } from "../../provider/lifecycle/plan";
import { prefsDrift, type WantedPrefs } from "../../provider/lifecycle/prefs";
import type { NodeInputs, NodeOutputs } from "../../provider/node/types";
import type { ProbeResult, TailscalePrefs } from "../../provider/scripts/catalogue";
import { probeResult } from "../support/probe-result";

/** What a fresh `up --reset` leaves on Windows with the route guard's routes on. */
const DEFAULT_HELD: TailscalePrefs = { acceptDns: true, shieldsUp: false, acceptRoutes: true, exitNode: null, exitNodeAllowLanAccess: false };

function held(over: Partial<TailscalePrefs> = {}, systemPolicies: Record<string, string> = {}): Pick<ProbeResult, "prefs" | "systemPolicies"> {
  return { prefs: { ...DEFAULT_HELD, ...over }, systemPolicies };
}

function wanted(over: Partial<WantedPrefs> = {}): WantedPrefs {
  return { acceptRoutes: true, routesNote: "", ...over };
}

describe("prefsDrift", () => {
  test("nothing differs when the host holds what the node set", () => {
    expect(prefsDrift(wanted({ acceptDns: true, shieldsUp: false }), held())).toEqual([]);
  });

  test("each option the node set explicitly and the host holds otherwise", () => {
    expect(prefsDrift(wanted({ shieldsUp: true }), held())).toEqual(["shieldsUp"]);
    expect(prefsDrift(wanted({ acceptDns: false }), held())).toEqual(["acceptDns"]);
    expect(prefsDrift(wanted({ acceptDns: false, shieldsUp: true }), held({ acceptDns: true, shieldsUp: false }))).toEqual(["acceptDns", "shieldsUp"]);
  });

  test("an option the node left unset is Tailscale's to choose: never drift", () => {
    expect(prefsDrift(wanted(), held({ acceptDns: false, shieldsUp: true }))).toEqual([]);
  });

  test("no reading (no state file, no current profile) and an option the file does not hold are not drift", () => {
    expect(prefsDrift(wanted({ shieldsUp: true }), { prefs: null, systemPolicies: {} })).toEqual([]);
    expect(prefsDrift(wanted({ shieldsUp: true }), held({ shieldsUp: null }))).toEqual([]);
  });

  test("acceptRoutes is compared with the route guard's decision, not with the input", () => {
    // The guard left routes off (routesNote says why): off is what the node wants.
    expect(prefsDrift(wanted({ routesNote: "a route covers the SSH client" }), held({ acceptRoutes: false }))).toEqual([]);
    expect(prefsDrift(wanted({ routesNote: "a route covers the SSH client" }), held({ acceptRoutes: true }))).toEqual(["acceptRoutes"]);
    // The guard turned them on; someone turned them off.
    expect(prefsDrift(wanted(), held({ acceptRoutes: false }))).toEqual(["acceptRoutes"]);
    expect(prefsDrift(wanted({ acceptRoutes: false }), held({ acceptRoutes: true }))).toEqual(["acceptRoutes"]);
    // No join over SSH recorded a decision (a person's join does not run the guard): nothing to compare with.
    expect(prefsDrift(wanted({ routesNote: undefined }), held({ acceptRoutes: false }))).toEqual([]);
  });

  test("exit nodes: auto expressions and addresses compare exactly; a node ID cannot be compared with an address or a name", () => {
    expect(prefsDrift(wanted({ exitNode: "auto:any" }), held({ exitNode: "auto:any" }))).toEqual([]);
    expect(prefsDrift(wanted({ exitNode: "auto:any" }), held({ exitNode: "nAbC123CNTRL" }))).toEqual(["exitNode"]);
    expect(prefsDrift(wanted({ exitNode: "100.64.0.9" }), held({ exitNode: "100.64.0.9" }))).toEqual([]);
    expect(prefsDrift(wanted({ exitNode: "100.64.0.9" }), held({ exitNode: "100.64.0.10" }))).toEqual(["exitNode"]);
    expect(prefsDrift(wanted({ exitNode: "fd7a:115c:a1e0:0:0:0:0:9" }), held({ exitNode: "fd7a:115c:a1e0::9" }))).toEqual([]);
    expect(prefsDrift(wanted({ exitNode: "100.64.0.9" }), held({ exitNode: "auto:any" }))).toEqual(["exitNode"]);
    // Once resolved, the daemon keeps only the peer's stable ID.
    expect(prefsDrift(wanted({ exitNode: "100.64.0.9" }), held({ exitNode: "nAbC123CNTRL" }))).toEqual([]);
    expect(prefsDrift(wanted({ exitNode: "exit-1.tail.ts.net" }), held({ exitNode: "nAbC123CNTRL" }))).toEqual([]);
    expect(prefsDrift(wanted({ exitNode: "exit-1.tail.ts.net" }), held({ exitNode: "100.64.0.9" }))).toEqual([]);
    // But none at all is seen whatever the input was.
    expect(prefsDrift(wanted({ exitNode: "exit-1.tail.ts.net" }), held({ exitNode: null }))).toEqual(["exitNode"]);
    // An exit node the node did not ask for is Tailscale's default being changed: the node left it unset.
    expect(prefsDrift(wanted(), held({ exitNode: "100.64.0.9" }))).toEqual([]);
  });

  test("exitNodeAllowLanAccess counts only with exitNode, as `up` passes it only then", () => {
    expect(prefsDrift(wanted({ exitNode: "auto:any", exitNodeAllowLanAccess: true }), held({ exitNode: "auto:any" }))).toEqual(["exitNodeAllowLanAccess"]);
    expect(prefsDrift(wanted({ exitNodeAllowLanAccess: true }), held())).toEqual([]);
  });

  test("an option a system policy forces is the policy's (a conflict is a warning elsewhere), never drift", () => {
    expect(prefsDrift(wanted({ shieldsUp: true }), held({}, { AllowIncomingConnections: "always" }))).toEqual([]);
    expect(prefsDrift(wanted(), held({ acceptRoutes: false }, { UseTailscaleSubnets: "never" }))).toEqual([]);
    // A policy that leaves the choice to the user forces nothing.
    expect(prefsDrift(wanted({ shieldsUp: true }), held({}, { AllowIncomingConnections: "user-decides" }))).toEqual(["shieldsUp"]);
  });
});

const INPUTS: NodeInputs = {
  connection: { host: "10.0.0.5", user: "Administrator", password: "pw" },
  authKey: "tskey-auth-x",
  loginServer: "https://hs.example.com",
  hostname: "win-01",
  shieldsUp: true,
  install: { method: "msi", version: "1.90.6" },
};

function probe(prefs: TailscalePrefs | null): ProbeResult {
  return probeResult({ prefs });
}

const JOINED = {
  ...INPUTS,
  joinScriptPath: "C:\\ProgramData\\MeshWindowsNode\\join-mesh.ps1",
  providerVersion: "",
  state: "joined",
  pendingReason: "",
  tailscaleIps: ["100.64.0.7"],
  nodeName: "win-01",
  tailscaleVersion: "1.90.6",
  hostKey: "SHA256:x",
  joinScript: "",
  manualCommand: "",
  attempts: [],
  routesNote: "",
} as NodeOutputs;

describe("refresh and update", () => {
  test("a refresh names each changed option as pref-changed:<input>", () => {
    expect(applyProbe(JOINED, probe({ ...DEFAULT_HELD, shieldsUp: true })).drift).toEqual([]);
    expect(applyProbe(JOINED, probe({ ...DEFAULT_HELD, shieldsUp: false })).drift).toEqual(["pref-changed:shieldsUp"]);
    expect(applyProbe(JOINED, probe(null)).drift).toEqual([]);
  });

  test("a node that is not joined has no options to compare", () => {
    const pending = { ...JOINED, state: "pending-manual", tailscaleIps: [] } as NodeOutputs;
    const away = { ...probe({ ...DEFAULT_HELD, shieldsUp: false }), tailscaleIps: [] };
    expect(applyProbe(pending, away).drift).toEqual([]);
  });

  test("the next update joins again when an option differs on the host, and not otherwise", () => {
    const changed = planConverge(probe({ ...DEFAULT_HELD, shieldsUp: false }), INPUTS, JOINED);
    expect(changed.join).toBe(true);
    expect(changed.reasons).toContain("shieldsUp differs in Tailscale's preferences on the host");
    expect(planConverge(probe({ ...DEFAULT_HELD, shieldsUp: true }), INPUTS, JOINED).join).toBe(false);
  });
});
