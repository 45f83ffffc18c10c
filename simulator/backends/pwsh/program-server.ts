/**
 * The pwsh back end's end of the program socket: each Windows program a step script starts
 * (tailscale.exe, msiexec, icacls, winget) and each service cmdlet is a PowerShell stand-in
 * (native-program.ps1) that sends one JSON request line here and prints the frames it gets back.
 * The answer comes from the one program model (simulator/programs), over the host's state in the
 * sandbox, so programs and cmdlet stand-ins always see one state.
 */
import type { Socket } from "node:net";
import { PROGRAMS, runProgram, type ProgramAnswer, type ProgramHost, type ProgramName } from "../../programs";
import { checkExposure } from "../../programs/program";
import { SERVICE_COMMANDS, daemonPipeExists, serviceCommand, type ServiceCommand } from "../../programs/services";
import { applySddl, sddlOf } from "../../security";
import { findName } from "../../windows-model";
import { TAILSCALE_PIPE } from "../../../provider/scripts/catalogue";

/** The service cmdlet stand-ins' name for the service manager (no program of that name is on the host). */
export const SERVICE_MANAGER = "service-manager";
/** The ACL stand-ins' name for the security model: Get-Acl, Set-Acl, and the exposure check after a write. */
export const SECURITY_MANAGER = "security-manager";
const START_TYPES = ["Automatic", "Manual", "Disabled"] as const;

interface Request {
  program: string;
  /** The arguments as the stand-in received them, before Windows' command line. */
  argv: string[];
  session: string;
}

/** Reads the host before a request and saves it after. */
export interface SandboxAccess {
  load(): ProgramHost;
  save(host: ProgramHost): void;
}

export class ProgramServer {
  private readonly hanging = new Set<Socket>();

  constructor(private readonly sandbox: SandboxAccess) {}

  /** One program start: a JSON request line in, output frames and an exit-code frame out. */
  serve(socket: Socket): void {
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("error", () => undefined);
    const onData = (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf("\n");
      if (end < 0) return;
      socket.off("data", onData);
      this.answer(JSON.parse(buffer.slice(0, end)) as Request, socket);
    };
    socket.on("data", onData);
  }

  /** Closes the connections of programs that never answer. */
  close(): void {
    for (const socket of this.hanging) socket.destroy();
  }

  private answer(request: Request, socket: Socket): void {
    const frame = (stream: "stdout" | "stderr" | null, text: string | null, exitCode: number | null) =>
      `${JSON.stringify({ stream, text, exitCode })}\n`;
    const answer = this.run(request);
    if ("hang" in answer) {
      // Never answers: the caller's deadline stops the stand-in, which closes the socket.
      this.hanging.add(socket);
      socket.once("close", () => this.hanging.delete(socket));
      return;
    }
    for (const line of answer.stdout) socket.write(frame("stdout", line, null));
    for (const line of answer.stderr) socket.write(frame("stderr", line, null));
    socket.end(frame(null, null, answer.exitCode));
  }

  private run(request: Request): ProgramAnswer {
    const isProgram = (PROGRAMS as readonly string[]).includes(request.program);
    if (!Array.isArray(request.argv) || (!isProgram && request.program !== SERVICE_MANAGER && request.program !== SECURITY_MANAGER)) {
      return failed(`simulator: no program ${JSON.stringify(request.program)}`);
    }
    const host = this.sandbox.load();
    const answer = isProgram
      ? runProgram({ program: request.program as ProgramName, argv: request.argv, session: request.session === "interactive" ? "interactive" : "ssh" }, host)
      : request.program === SERVICE_MANAGER
        ? serviceManager(host, request.argv)
        : securityManager(host, request.argv);
    // A stand-in answers at once: what the program leaves is there when it exits.
    if ("finish" in answer) answer.finish?.();
    this.sandbox.save(host);
    return answer;
  }
}

/** A service cmdlet's request (command, name, start type), or Test-Path on a pipe: the service manager's answer as one JSON line. */
function serviceManager(host: ProgramHost, [command, name, startupType]: string[]): ProgramAnswer {
  if (command === "Test-Pipe") {
    // Test-Path on a named pipe: only the daemon's is modelled.
    const exists = (name ?? "").toLowerCase() === TAILSCALE_PIPE.toLowerCase() && daemonPipeExists(host.state);
    return { exitCode: 0, stdout: [JSON.stringify({ pipe: { exists } })], stderr: [], seconds: 0 };
  }
  if (!(SERVICE_COMMANDS as readonly string[]).includes(command)) return failed(`simulator: ${JSON.stringify(command)} is not a service command`);
  const startType = START_TYPES.find((type) => type === startupType);
  const answer = serviceCommand(host, { command: command as ServiceCommand, name: name ?? "", startupType: startType });
  return { exitCode: 0, stdout: [JSON.stringify(answer)], stderr: [], seconds: 0 };
}

/** Get-Acl (the item's SDDL), Set-Acl (an SDDL applied), or the exposure check of a file just written. */
function securityManager(host: ProgramHost, [command, path, sddl]: string[]): ProgramAnswer {
  const notFound = `Cannot find path '${path}' because it does not exist.`;
  if (command === "get") {
    const text = sddlOf(host.state, path ?? "");
    return text === undefined ? failed(notFound) : { exitCode: 0, stdout: [text], stderr: [], seconds: 0 };
  }
  if (command === "set") {
    const problem = sddlOf(host.state, path ?? "") === undefined ? notFound : applySddl(host.state, path, sddl ?? "");
    return problem === undefined ? { exitCode: 0, stdout: [], stderr: [], seconds: 0 } : failed(problem);
  }
  if (command === "check") {
    const file = findName(host.state.files, path ?? "");
    if (file !== undefined) checkExposure(host, file);
    return { exitCode: 0, stdout: [], stderr: [], seconds: 0 };
  }
  return failed(`simulator: ${JSON.stringify(command)} is not a security command`);
}

function failed(message: string): ProgramAnswer {
  return { exitCode: 255, stdout: [], stderr: [message], seconds: 0 };
}
