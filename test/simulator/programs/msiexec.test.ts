/**
 * msiexec in the one program model (simulator/programs/msiexec.ts): what an install leaves, and
 * when (a run killed before it ends leaves no install), as both back ends see it.
 */
import { DEFAULT_STATE_DIR } from "../../../provider/scripts/catalogue";
import { ADMIN_ONLY, cleanHost } from "../../../simulator/host-state";
import { emptyRecord, runProgram, type ProgramAnswer, type ProgramHost } from "../../../simulator/programs";
import { SIMULATED_PRODUCT_CODE, tailscaleUninstallEntry } from "../../../simulator/programs/msiexec";
import { msiPackage, PKGS_STABLE_URL } from "../../../simulator/programs/pkgs";
import type { Scenario } from "../../../simulator/scenarios";

const MSI = `${DEFAULT_STATE_DIR}\\tailscale-setup.msi`;
const LOG = `${DEFAULT_STATE_DIR}\\install.log`;

function hostFor(fields: Partial<Scenario> = {}): ProgramHost {
  const state = cleanHost();
  state.dirs[DEFAULT_STATE_DIR] = [...ADMIN_ONLY];
  return { state, scenario: { name: "t", description: "t", expect: { state: "joined", joinScriptLeft: false }, ...fields }, record: emptyRecord() };
}

function exited(answer: ProgramAnswer) {
  if ("hang" in answer) throw new Error("the program hangs");
  return answer;
}

describe("msiexec", () => {
  test("/i installs the version its package holds, only once the run ends; the log is written as it runs", () => {
    const host = hostFor();
    host.state.files[MSI] = { content: msiPackage(`${PKGS_STABLE_URL}tailscale-setup-1.80.3-x86.msi`), readers: [...ADMIN_ONLY] };
    const answer = exited(runProgram({ program: "msiexec", argv: ["/i", MSI, "/quiet", "/L*v", LOG], session: "ssh" }, host));
    expect(answer).toMatchObject({ exitCode: 0, seconds: 25 });
    expect(host.state.tailscale.installed).toBe(false);
    expect(host.state.files[LOG].content).toContain("Product Version: 1.80.3.");
    answer.finish?.();
    expect(host.state.tailscale).toMatchObject({ installed: true, version: "1.80.3", service: { status: "Running", startType: "Automatic" } });
    expect(host.state.registry[tailscaleUninstallEntry("").key]).toEqual(tailscaleUninstallEntry("1.80.3").values);
  });

  test("the scenario's installer decides the exit code and the version; a failed install leaves only its log", () => {
    const host = hostFor({ installer: { msiExitCode: 1603, installsVersion: "1.88.1" } });
    host.state.files[MSI] = { content: msiPackage("https://mirror.example/tailscale.msi"), readers: [...ADMIN_ONLY] };
    const answer = exited(runProgram({ program: "msiexec", argv: ["/i", MSI, "/L*v", LOG], session: "ssh" }, host));
    expect(answer.exitCode).toBe(1603);
    expect(answer.finish).toBeUndefined();
    expect(host.state.files[LOG].content).toContain("Product Version: 1.88.1. Product Language: 1033. Manufacturer: Tailscale Inc.. Installation success or error status: 1603.");
    expect(exited(runProgram({ program: "msiexec", argv: ["/i", `${DEFAULT_STATE_DIR}\\missing.msi`], session: "ssh" }, host)).exitCode).toBe(1619);
  });

  test("/x uninstalls by product code, and refuses a code that is not Tailscale's", () => {
    const host = hostFor();
    host.state.tailscale = { installed: true, version: "1.90.6", service: { status: "Running", startType: "Automatic" }, backendState: "Running", loggedInLoginServer: "https://hs.example", nodeName: "win-01" };
    const entry = tailscaleUninstallEntry("1.90.6");
    host.state.registry[entry.key] = entry.values;
    expect(exited(runProgram({ program: "msiexec", argv: ["/x", "{00000000-0000-0000-0000-000000000000}"], session: "ssh" }, host)).exitCode).toBe(1605);
    expect(exited(runProgram({ program: "msiexec", argv: ["/x", SIMULATED_PRODUCT_CODE.toLowerCase()], session: "ssh" }, host)).exitCode).toBe(0);
    expect(host.state.tailscale).toEqual({ installed: false, version: null, service: null, backendState: "NoState", loggedInLoginServer: null, nodeName: null });
    expect(host.state.registry).toEqual({});
    expect(host.state.processLog).toEqual([
      "C:\\Windows\\system32\\msiexec.exe /x {00000000-0000-0000-0000-000000000000}",
      `C:\\Windows\\system32\\msiexec.exe /x ${SIMULATED_PRODUCT_CODE.toLowerCase()}`,
    ]);
  });
});
