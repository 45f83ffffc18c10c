import { cleanHost, DEFAULT_READERS } from "../../simulator/host-state";
import { initialHostState } from "../../simulator/initial-state";
import { tailscaleUninstallEntry } from "../../simulator/programs/msiexec";
import { tailnetAddressesFor, tailscaleUpRun } from "../../simulator/programs/tailscale-texts";
import { FAILURE_RULES } from "../../provider/scripts/catalogue";
import { WindowsFileSystem, WindowsRegistry, parentOf } from "../../simulator/windows-model";

describe("the simulated file system and registry", () => {
  it("finds files case-insensitively, keeps the case first written, and inherits readers", () => {
    const host = cleanHost();
    const files = new WindowsFileSystem(host);
    files.ensureDir("C:\\Temp\\Sub");
    expect(host.dirs["C:\\Temp"]).toEqual(DEFAULT_READERS);
    files.writeFile("C:\\Temp\\Sub\\Join.ps1", "one");
    files.writeFile("c:\\temp\\sub\\JOIN.PS1", "two");
    expect(host.files).toEqual({ "C:\\Temp\\Sub\\Join.ps1": { content: "two", readers: DEFAULT_READERS } });
    expect(files.listFiles("c:\\TEMP\\sub\\", "join*.PS1")).toEqual(["C:\\Temp\\Sub\\Join.ps1"]);
    expect(files.isEmptyDir("C:\\Temp")).toBe(false);
    files.deleteFile("C:\\TEMP\\SUB\\join.ps1");
    files.removeDir("c:\\temp\\sub");
    expect(files.isEmptyDir("C:\\Temp")).toBe(true);
    expect(parentOf("C:\\Temp")).toBe("C:\\");
  });

  it("refuses a file in a folder that does not exist", () => {
    expect(() => new WindowsFileSystem(cleanHost()).writeFile("D:\\nowhere\\x.txt", "x")).toThrow("Could not find a part of the path");
  });

  it("sets and removes registry values case-insensitively", () => {
    const host = cleanHost({ registry: { "HKLM:\\SOFTWARE\\Policies\\Tailscale": { LoginURL: "a" } } });
    const registry = new WindowsRegistry(host);
    registry.setValue("hklm:\\software\\policies\\tailscale", "loginurl", "b");
    registry.removeValue("HKLM:\\Software\\Policies\\Tailscale", "Missing");
    expect(host.registry).toEqual({ "HKLM:\\SOFTWARE\\Policies\\Tailscale": { LoginURL: "b" } });
    expect(registry.getValue("HKLM:\\SOFTWARE\\Tailscale IPN", "LoginURL")).toBeUndefined();
  });
});

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

  it("starts a scenario from a clean host with its folders added", () => {
    const state = initialHostState({
      name: "t",
      description: "t",
      host: { dirs: { "C:\\temp": DEFAULT_READERS }, tailscale: { installed: true } },
      expect: { state: "joined", joinScriptLeft: false },
    });
    expect(Object.keys(state.dirs).sort()).toEqual(["C:\\", "C:\\ProgramData", "C:\\temp"]);
    expect(state.tailscale).toMatchObject({ installed: true, backendState: "NoState" });
    // Installed without a version: not an MSI product Windows lists.
    expect(state.registry).toEqual({});
    const installed = initialHostState({ name: "t", description: "t", host: { tailscale: { installed: true, version: "1.62.1" } }, expect: { state: "joined", joinScriptLeft: false } });
    const entry = tailscaleUninstallEntry("1.62.1");
    expect(installed.registry).toEqual({ [entry.key]: { DisplayName: "Tailscale", DisplayVersion: "1.62.1", Publisher: "Tailscale Inc." } });

  });
});
