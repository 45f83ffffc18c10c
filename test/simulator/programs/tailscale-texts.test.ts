/** What tailscale.exe prints and the addresses a join gives (simulator/programs/tailscale-texts.ts). */
import { FAILURE_RULES } from "../../../provider/scripts/catalogue";
import { tailnetAddressesFor, tailscaleUpRun } from "../../../simulator/programs/tailscale-texts";

describe("shared host facts", () => {
  it("gives each computer name fixed tailnet addresses (the vectors the pwsh back end must match)", () => {
    expect(tailnetAddressesFor("WIN-01")).toEqual(["100.64.0.34", "fd7a:115c:a1e0::22"]);
    expect(tailnetAddressesFor("win-01")).toEqual(tailnetAddressesFor("WIN-01"));
    expect(tailnetAddressesFor("DESK-07")).toEqual(["100.64.0.239", "fd7a:115c:a1e0::ef"]);
  });

  it("prints tailscale up texts that the FAILURE_RULES pattern of their own class matches", () => {
    const context = { computerName: "WIN-01", authKey: "tskey-auth-x", timeoutSeconds: 30 };
    for (const behaviour of ["daemon-unreachable", "in-use", "auth-rejected", "timeout"] as const) {
      const run = tailscaleUpRun(behaviour, context);
      if (!run.finished) throw new Error(`${behaviour} should finish`);
      expect(run.exitCode).toBe(1);
      const rule = FAILURE_RULES.find((candidate) => candidate.class === behaviour);
      expect(rule && new RegExp(rule.pattern, "i").test(run.output)).toBe(true);
    }
    expect(tailscaleUpRun("joined", context)).toMatchObject({ finished: true, exitCode: 0 });
    expect(tailscaleUpRun("hang", context)).toEqual({ finished: false });
  });
});
