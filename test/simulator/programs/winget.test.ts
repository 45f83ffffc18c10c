/** winget in the one program model (simulator/programs/winget.ts). */
import { cleanHost } from "../../../simulator/host-state";
import { emptyRecord, runProgram, type ProgramAnswer, type ProgramHost } from "../../../simulator/programs";
import { WINGET_INSTALL_FAILED } from "../../../simulator/programs/winget";
import type { Scenario } from "../../../simulator/scenarios";

function hostFor(fields: Partial<Scenario> = {}): ProgramHost {
  return { state: cleanHost(), scenario: { name: "t", description: "t", expect: { state: "joined", joinScriptLeft: false }, ...fields }, record: emptyRecord() };
}

function exited(answer: ProgramAnswer) {
  if ("hang" in answer) throw new Error("the program hangs");
  return answer;
}

describe("winget", () => {
  test("installs the version asked for once the run ends, and reports its installer's failure with winget's exit code", () => {
    const host = hostFor();
    const answer = exited(runProgram({ program: "winget", argv: ["install", "--id", "Tailscale.Tailscale", "--version", "1.88.0"], session: "ssh" }, host));
    expect(host.state.tailscale.installed).toBe(false);
    answer.finish?.();
    expect(host.state.tailscale).toMatchObject({ installed: true, version: "1.88.0" });
    const failing = hostFor({ installer: { msiExitCode: 1603 } });
    const failed = exited(runProgram({ program: "winget", argv: ["install", "--id", "Tailscale.Tailscale"], session: "ssh" }, failing));
    expect(failed).toMatchObject({ exitCode: WINGET_INSTALL_FAILED, stdout: expect.arrayContaining(["Installer failed with exit code: 1603"]) });
    expect(failed.finish).toBeUndefined();
  });
});
