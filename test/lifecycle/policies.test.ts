/**
 * The system-policy table (provider/lifecycle/policies.ts): which policy set by someone else
 * contradicts which input, what the node's own policies become for the join step, and when a
 * refresh calls them drift.
 */
import { POLICY_NAMES, policyConflicts, writtenPolicyDrift, writtenPolicyValues } from "../../provider/lifecycle/policies";
import type { NodeInputs } from "../../provider/node/types";

const base: NodeInputs = { connection: { host: "10.0.0.5", password: "pw-123456" }, authKey: "tskey-auth-abc123" };

describe("policyConflicts", () => {
  it.each([
    ["UseTailscaleDNSSettings", "always", { acceptDns: false }, "acceptDns", "set acceptDns to true"],
    ["UseTailscaleDNSSettings", "never", { acceptDns: true }, "acceptDns", "set acceptDns to false"],
    ["AllowIncomingConnections", "never", { shieldsUp: false }, "shieldsUp", "set shieldsUp to true"],
    ["AllowIncomingConnections", "always", { shieldsUp: true }, "shieldsUp", "set shieldsUp to false"],
    ["UseTailscaleSubnets", "never", { acceptRoutes: true }, "acceptRoutes", "set acceptRoutes to false"],
    ["AdvertiseExitNode", "never", { advertiseExitNode: true }, "advertiseExitNode", "set advertiseExitNode to false"],
    ["ExitNodeAllowLANAccess", "never", { exitNode: "auto:any", exitNodeAllowLanAccess: true }, "exitNodeAllowLanAccess", "to false"],
    ["ExitNodeID", "nAbCdEf1CNTRL", { exitNode: "gateway", exitNodeAllowLanAccess: true }, "exitNode", "leave exitNode out"],
  ] as const)("%s=%s contradicts %j", (policy, value, options, input, advice) => {
    const conflicts = policyConflicts({ ...base, ...options }, { [policy]: value });
    expect(conflicts.map((c) => [c.policy, c.value, c.input])).toEqual([[policy, value, input]]);
    expect(conflicts[0]!.message).toContain(`${policy}="${value}"`);
    expect(conflicts[0]!.message).toContain(advice);
  });

  it.each([
    ["a policy that agrees", { UseTailscaleDNSSettings: "never" }, { acceptDns: false }],
    ["user-decides", { UseTailscaleDNSSettings: "user-decides" }, { acceptDns: false }],
    ["an input left unset (the policy decides)", { UseTailscaleDNSSettings: "always", AllowIncomingConnections: "never" }, {}],
    ["the node's own policies (written, not judged)", { InstallUpdates: "never", EnableDNSRegistration: "never" }, { autoUpdate: true, dnsRegistration: "always" as const }],
  ])("none for %s", (_name, policies, options) => {
    expect(policyConflicts({ ...base, ...options }, policies)).toEqual([]);
  });

  it("the probe reads every policy the table names, once", () => {
    expect(new Set(POLICY_NAMES).size).toBe(POLICY_NAMES.length);
    expect(POLICY_NAMES).toEqual(expect.arrayContaining(["UseTailscaleDNSSettings", "AllowIncomingConnections", "InstallUpdates", "EnableDNSRegistration"]));
  });
});

describe("writtenPolicyValues", () => {
  it("writes what is set, as the policy's words", () => {
    expect(writtenPolicyValues({ ...base, autoUpdate: false, dnsRegistration: "never" })).toEqual([
      { name: "InstallUpdates", value: "never" },
      { name: "EnableDNSRegistration", value: "never" },
    ]);
  });

  it("removes only what the previous operation wrote, and leaves other policies alone", () => {
    expect(writtenPolicyValues(base, { autoUpdate: true })).toEqual([{ name: "InstallUpdates", value: null }]);
    expect(writtenPolicyValues(base, {})).toEqual([]);
    expect(writtenPolicyValues(base)).toEqual([]);
  });
});

describe("writtenPolicyDrift", () => {
  it("names the node's own policy whose value on the host differs, missing included", () => {
    expect(writtenPolicyDrift({ autoUpdate: true, dnsRegistration: "always" }, { InstallUpdates: "always" })).toEqual(["EnableDNSRegistration"]);
    expect(writtenPolicyDrift({ autoUpdate: false }, { InstallUpdates: "always" })).toEqual(["InstallUpdates"]);
  });

  it("says nothing about policies the inputs leave unset", () => {
    expect(writtenPolicyDrift({}, { InstallUpdates: "always" })).toEqual([]);
  });
});
