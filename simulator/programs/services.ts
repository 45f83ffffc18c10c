/**
 * The service control manager of the simulated host, for the one service modelled: Tailscale
 * (HostState.tailscale.service; null = not installed). Get-, Set-, Start-, Stop- and Restart-Service
 * ask it in both back ends: the TypeScript back end where a script calls them, the pwsh back end's
 * cmdlet stand-ins (services.ps1) through the program socket. A start fails when the scenario says
 * so (service.startFails) or the service is disabled; errors read as Windows PowerShell 5.1 writes
 * them, and the stand-ins write them as non-terminating errors, as the cmdlets do. The daemon's pipe
 * appears some seconds after a start when the scenario says so (daemonPipeExists).
 */
import { TAILSCALE_SERVICE } from "../../provider/scripts/catalogue";
import type { HostState } from "../host-state";
import type { ProgramHost } from "./program";
import { forgetLogin } from "./tailscale";

export const SERVICE_COMMANDS = ["Get-Service", "Set-Service", "Start-Service", "Stop-Service", "Restart-Service"] as const;
export type ServiceCommand = (typeof SERVICE_COMMANDS)[number];
type Service = NonNullable<HostState["tailscale"]["service"]>;

export interface ServiceRequest {
  command: ServiceCommand;
  name: string;
  /** Set-Service -StartupType. */
  startupType?: Service["startType"];
}

export interface ServiceError {
  message: string;
  category: "ObjectNotFound" | "OpenError";
  /** The error record's FullyQualifiedErrorId. */
  id: string;
}

/** The service after the command (as Get-Service would show it), or the error the cmdlet writes. */
export type ServiceAnswer = { service: { name: string } & Service } | { error: ServiceError };

export function serviceCommand(host: ProgramHost, request: ServiceRequest): ServiceAnswer {
  const service = request.name.toLowerCase() === TAILSCALE_SERVICE.toLowerCase() ? host.state.tailscale.service : null;
  if (!service) return { error: notFound(request) };
  switch (request.command) {
    case "Set-Service":
      if (request.startupType) service.startType = request.startupType;
      break;
    case "Stop-Service":
      service.status = "Stopped";
      break;
    case "Start-Service":
    case "Restart-Service": {
      if (request.command === "Restart-Service") host.record.serviceRestarts = (host.record.serviceRestarts ?? 0) + 1;
      service.status = "Stopped";
      if (host.scenario.service?.startFails || service.startType === "Disabled") return { error: startFailed(request.command) };
      service.status = "Running";
      if (request.command === "Restart-Service") loseLoginOnce(host);
      const starting = host.scenario.service?.pipeAfterSeconds;
      if (starting) host.state.tailscale.startingSeconds = starting;
      else delete host.state.tailscale.startingSeconds;
      break;
    }
    case "Get-Service":
      break;
  }
  return { service: { name: TAILSCALE_SERVICE, ...service } };
}

function notFound(request: ServiceRequest): ServiceError {
  if (request.command === "Set-Service") {
    return { message: `Service ${request.name} was not found on computer '.'.`, category: "ObjectNotFound", id: "InvalidOperationException,Microsoft.PowerShell.Commands.SetServiceCommand" };
  }
  return {
    message: `Cannot find any service with service name '${request.name}'.`,
    category: "ObjectNotFound",
    id: "NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand",
  };
}

function startFailed(command: "Start-Service" | "Restart-Service"): ServiceError {
  const message =
    command === "Restart-Service"
      ? `Failed to start service '${TAILSCALE_SERVICE} (${TAILSCALE_SERVICE})'.`
      : `Service '${TAILSCALE_SERVICE} (${TAILSCALE_SERVICE})' cannot be started due to the following error: Cannot start service ${TAILSCALE_SERVICE} on computer '.'.`;
  return { message, category: "OpenError", id: `CouldNotStartService,Microsoft.PowerShell.Commands.${command.replace("-", "")}Command` };
}

/**
 * `Test-Path` on the daemon's pipe (TAILSCALE_PIPE): there once the service runs and the daemon has
 * started. Scripts look once a second, so each look that finds no pipe is a second of the start.
 */
export function daemonPipeExists(state: HostState): boolean {
  if (state.tailscale.service?.status !== "Running") return false;
  const starting = state.tailscale.startingSeconds ?? 0;
  if (starting <= 0) return true;
  if (starting > 1) state.tailscale.startingSeconds = starting - 1;
  else delete state.tailscale.startingSeconds;
  return false;
}

/** tailscale#3186: the scenario's first restart of a logged-in daemon logs the node out. */
function loseLoginOnce(host: ProgramHost): void {
  const ts = host.state.tailscale;
  if (!host.scenario.service?.forgetsLoginOnRestart || ts.backendState !== "Running" || host.record.loginsLostOnRestart) return;
  host.record.loginsLostOnRestart = 1;
  forgetLogin(host.state);
}
