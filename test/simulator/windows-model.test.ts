import { cleanHost, DEFAULT_READERS } from "../../simulator/host-state";
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
