/** tailscale.exe in the one program model (simulator/programs/tailscale.ts), as both back ends start it. */
import { createHash } from "node:crypto";
import { DEFAULT_STATE_DIR } from "../../../provider/scripts/catalogue";
import { ADMIN_ONLY, cleanHost } from "../../../simulator/host-state";
import { emptyRecord, runProgram, type ProgramAnswer, type ProgramHost, type Session } from "../../../simulator/programs";
import { tailnetAddressesFor } from "../../../simulator/programs/tailscale-texts";
import type { Scenario } from "../../../simulator/scenarios";

const KEY_FILE = `${DEFAULT_STATE_DIR}\\authkey-1.txt`;

function installedHost(fields: Partial<Scenario> = {}, status: "Running" | "Stopped" = "Running"): ProgramHost {
  const state = cleanHost();
  state.tailscale = { ...state.tailscale, installed: true, version: "1.90.6", service: { status, startType: "Automatic" } };
  state.dirs[DEFAULT_STATE_DIR] = [...ADMIN_ONLY];
  state.files[KEY_FILE] = { content: "tskey-auth-k1\r\n", readers: [...ADMIN_ONLY] };
  return { state, scenario: { name: "t", description: "t", expect: { state: "joined", joinScriptLeft: false }, ...fields }, record: emptyRecord() };
}

function tailscale(host: ProgramHost, argv: string[], session: Session = "ssh"): ProgramAnswer {
  return runProgram({ program: "tailscale", argv, session }, host);
}

function exited(answer: ProgramAnswer) {
  if ("hang" in answer) throw new Error("the program hangs");
  return answer;
}

const up = (...flags: string[]) => ["up", ...flags, `--auth-key=file:${KEY_FILE}`];

describe("tailscale up", () => {
  test("refuses what Go's flag package refuses: an undefined flag, a bad duration", () => {
    const host = installedHost();
    expect(exited(tailscale(host, up("--operator=alice")))).toMatchObject({ exitCode: 2, stderr: ["flag provided but not defined: -operator"] });
    expect(exited(tailscale(host, up("--timeout=soon")))).toMatchObject({ exitCode: 2 });
    expect(host.record.sshUpRuns).toBe(0);
  });

  test("over SSH follows scenario.join run by run, across calls (the last repeats); a person's session follows interactiveJoin", () => {
    const host = installedHost({ join: ["daemon-unreachable", "joined"], interactiveJoin: "in-use" });
    expect(exited(tailscale(host, up())).stderr.join("\n")).toContain("context deadline exceeded");
    expect(exited(tailscale(host, up())).exitCode).toBe(0);
    expect(exited(tailscale(host, up())).exitCode).toBe(0);
    expect(exited(tailscale(host, up(), "interactive")).stderr.join("\n")).toContain("already in use by WIN-01\\alice");
    expect(host.record.sshUpRuns).toBe(3);
    // The key is read from its file, trimmed of the line end; only its hash is kept.
    expect(new Set(host.record.keyHashes)).toEqual(new Set([createHash("sha256").update("tskey-auth-k1").digest("hex")]));
  });

  test("a join takes effect once the run ends: logged in to the flag's server, else the policy's, under the asked name", () => {
    const host = installedHost();
    host.state.registry["HKLM:\\SOFTWARE\\Policies\\Tailscale"] = { LoginURL: "https://policy.example", Hostname: "Policy Name" };
    const answer = exited(tailscale(host, up("--hostname=Web 01")));
    expect(host.state.tailscale.backendState).toBe("NoState");
    answer.finish?.();
    expect(host.state.tailscale).toMatchObject({ backendState: "Running", loggedInLoginServer: "https://policy.example", nodeName: "web-01" });
    expect(host.state.adapterIps).toEqual(tailnetAddressesFor("WIN-01"));
    exited(tailscale(host, up("--login-server=https://flag.example"))).finish?.();
    expect(host.state.tailscale).toMatchObject({ loggedInLoginServer: "https://flag.example", nodeName: "policy-name" });
  });

  test("the daemon answers only while its service runs; a hanging one never answers", () => {
    expect(exited(tailscale(installedHost({}, "Stopped"), up())).stderr).toEqual(["failed to connect to local tailscaled process; is the Tailscale service running?"]);
    expect(tailscale(installedHost({ join: ["hang"] }), up())).toEqual({ hang: true });
  });
});

describe("tailscale status and logout", () => {
  test("status --json reports the login; logout forgets it once it ends, unless the daemon refuses this session", () => {
    const host = installedHost();
    exited(tailscale(host, up())).finish?.();
    const status = JSON.parse(exited(tailscale(host, ["status", "--json"])).stdout.join("\n"));
    expect(status).toMatchObject({ BackendState: "Running", Self: { DNSName: "win-01.tail-sim.ts.net.", TailscaleIPs: tailnetAddressesFor("WIN-01") } });
    exited(tailscale(host, ["logout"])).finish?.();
    expect(host.state.tailscale).toMatchObject({ backendState: "NeedsLogin", loggedInLoginServer: null, nodeName: null });
    expect(host.state.adapterIps).toEqual([]);
    const refusing = installedHost({ join: ["in-use"] });
    expect(exited(tailscale(refusing, ["logout"]))).toMatchObject({ exitCode: 1 });
  });
});
