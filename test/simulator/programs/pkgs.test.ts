/** pkgs.tailscale.com in the one program model (simulator/programs/pkgs.ts). */
import { msiIndex, msiPackage, packageVersion, PKGS_STABLE_URL } from "../../../simulator/programs/pkgs";
import { LATEST_TAILSCALE, type Scenario } from "../../../simulator/scenarios";

const scenario = (fields: Partial<Scenario> = {}): Scenario => ({ name: "t", description: "t", expect: { state: "joined", joinScriptLeft: false }, ...fields });

describe("pkgs.tailscale.com", () => {
  test("names one MSI per architecture for the latest version, which the scenario's installer may set", () => {
    expect(msiIndex(scenario()).MSIs).toEqual({
      amd64: `tailscale-setup-${LATEST_TAILSCALE}-amd64.msi`,
      arm64: `tailscale-setup-${LATEST_TAILSCALE}-arm64.msi`,
      x86: `tailscale-setup-${LATEST_TAILSCALE}-x86.msi`,
    });
    expect(msiIndex(scenario({ installer: { installsVersion: "1.88.1" } })).MSIsVersion).toBe("1.88.1");
    expect(packageVersion(msiPackage(`${PKGS_STABLE_URL}tailscale-setup-1.80.3-arm64.msi`))).toBe("1.80.3");
    expect(packageVersion(msiPackage("https://mirror.example/tailscale.msi"))).toBeUndefined();
  });
});
