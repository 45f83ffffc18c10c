/** The service manager of the simulated host (simulator/programs/services.ts), as both back ends ask it. */
import { cleanHost, type HostState } from "../../../simulator/host-state";
import { emptyRecord } from "../../../simulator/programs";
import { serviceCommand, type ServiceRequest } from "../../../simulator/programs/services";
import type { Scenario } from "../../../simulator/scenarios";

const SCENARIO: Scenario = { name: "t", description: "t", expect: { state: "joined", joinScriptLeft: false } };

function hostWith(service: HostState["tailscale"]["service"]): HostState {
  const host = cleanHost();
  host.tailscale = { ...host.tailscale, installed: service !== null, version: service ? "1.90.6" : null, service };
  return host;
}

function ask(state: HostState, request: ServiceRequest, scenario: Scenario = SCENARIO) {
  return serviceCommand({ state, scenario, record: emptyRecord() }, request);
}

describe("the service manager", () => {
  test("Set-Service changes the start type only; Restart-Service runs the service; names compare case-insensitively", () => {
    const state = hostWith({ status: "Stopped", startType: "Manual" });
    expect(ask(state, { command: "Set-Service", name: "tailscale", startupType: "Automatic" })).toEqual({
      service: { name: "Tailscale", status: "Stopped", startType: "Automatic" },
    });
    expect(ask(state, { command: "Restart-Service", name: "Tailscale" })).toEqual({ service: { name: "Tailscale", status: "Running", startType: "Automatic" } });
    expect(ask(state, { command: "Stop-Service", name: "TAILSCALE" })).toMatchObject({ service: { status: "Stopped" } });
    expect(state.tailscale.service).toEqual({ status: "Stopped", startType: "Automatic" });
  });

  test("a start fails when the scenario says so, or when the service is disabled, in each cmdlet's words; the service stays stopped", () => {
    const failing = hostWith({ status: "Running", startType: "Automatic" });
    expect(ask(failing, { command: "Restart-Service", name: "Tailscale" }, { ...SCENARIO, service: { startFails: true } })).toEqual({
      error: { message: "Failed to start service 'Tailscale (Tailscale)'.", category: "OpenError", id: "CouldNotStartService,Microsoft.PowerShell.Commands.RestartServiceCommand" },
    });
    expect(failing.tailscale.service?.status).toBe("Stopped");
    const disabled = hostWith({ status: "Stopped", startType: "Disabled" });
    expect(ask(disabled, { command: "Start-Service", name: "Tailscale" })).toEqual({
      error: {
        message: "Service 'Tailscale (Tailscale)' cannot be started due to the following error: Cannot start service Tailscale on computer '.'.",
        category: "OpenError",
        id: "CouldNotStartService,Microsoft.PowerShell.Commands.StartServiceCommand",
      },
    });
  });

  test("a service that is not there (Tailscale not installed, or another name): Set-Service's words differ from the others'", () => {
    const bare = hostWith(null);
    expect(ask(bare, { command: "Set-Service", name: "Tailscale", startupType: "Automatic" })).toEqual({
      error: { message: "Service Tailscale was not found on computer '.'.", category: "ObjectNotFound", id: "InvalidOperationException,Microsoft.PowerShell.Commands.SetServiceCommand" },
    });
    for (const command of ["Get-Service", "Restart-Service"] as const) {
      expect(ask(hostWith({ status: "Running", startType: "Automatic" }), { command, name: "Spooler" })).toEqual({
        error: { message: "Cannot find any service with service name 'Spooler'.", category: "ObjectNotFound", id: "NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand" },
      });
    }
    expect(bare.tailscale.service).toBeNull();
  });
});
