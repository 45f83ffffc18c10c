/**
 * The SSH face of the simulated Windows host: an in-process ssh2 server on loopback that accepts an
 * exec the way Windows OpenSSH does (through the default shell, cmd.exe or PowerShell, with their
 * command-line limits and error messages), checks that the command is the provider's loader, decodes
 * and records each step frame as it arrives on stdin, and hands stdin's lines to a HostBackend. It
 * can also misbehave the way real hosts do: refuse connections while "booting", drop the link
 * mid-step, or never answer.
 */
import { once } from "events";
import * as net from "net";
import { Server, utils, type Connection, type ParsedKey, type ServerChannel } from "ssh2";
import { MeshError } from "../provider/common/errors";
import { fingerprintOf, keyTypeInBlob } from "../provider/transport/host-key";
import { LineSplitter } from "../provider/transport/lines";
import {
  decodePowerShellCommand,
  encodeMarkedLine,
  FrameReader,
  LOADER_SCRIPT,
  POWERSHELL_EXE,
  POWERSHELL_FLAGS,
  PROGRESS_MARK,
  type StepPayload,
} from "../provider/transport/protocol";
import type { HostBackend, StepIo } from "./backend";
import { serveSftp, type SftpDrive } from "./sftp";
import { StdinLines } from "./stdin-lines";

export type DefaultShell = "cmd" | "powershell";

export interface SimulatedSshServerOptions {
  /** Only `exec` is needed here; the rest of HostBackend belongs to the scenario runner. */
  backend: Pick<HostBackend, "exec">;
  /** Host private key (OpenSSH or PEM); default a fresh ed25519 key. */
  hostKey?: string;
  user: { name: string; password?: string; publicKey?: string };
  /** 0 (default) = a free port. */
  port?: number;
  /** The port refuses connections for this long, then listens (a VM still booting). */
  notListeningForMs?: number;
  /** Once: after a first progress line of this step, the client's socket is destroyed. */
  dropInStep?: string;
  /** This step never answers; it stops when the client closes the channel. */
  hangInStep?: string;
  /** OpenSSH's DefaultShell, read at each exec so a back end's state can decide it. Default cmd. */
  defaultShell?: () => DefaultShell;
  /** The sftp subsystem writes into this drive; unset: the server refuses the subsystem (removed from sshd_config). */
  sftp?: SftpDrive;
  /** Act as a jump host: accept direct-tcpip forwarding to loopback. */
  allowForwarding?: boolean;
  /**
   * Runs command lines other than the provider's loader, the way another tool's commands would run
   * on the host (the benchmark's one-connection-per-command baseline). Unset: they are refused.
   * It starts at once, without waiting for stdin, as OpenSSH starts a program; resolves with the exit code.
   */
  otherCommand?: (commandLine: string, io: StepIo) => Promise<number>;
}

export interface SimulatorStats {
  connections: number;
  /** Processes started: one per operation for the provider, one per command for the baseline. */
  execs: number;
  /** Step frames received: the provider's round trips after connecting. */
  steps: number;
  bytesReceived: number;
}

/** Windows limits: cmd.exe's command line, and CreateProcess's (which is what PowerShell runs into). */
const CMD_LINE_LIMIT = 8191;
const CREATE_PROCESS_LIMIT = 32767;

export class SimulatedSshServer {
  /** Every step frame, resolved (its script whole), in arrival order (to check values arrived byte for byte). */
  readonly payloads: StepPayload[] = [];
  /** Every exec's command line as received. */
  readonly commandLines: string[] = [];
  readonly hostKeyLine: string;
  readonly hostKeyFingerprint: string;
  /** Resolves once the port accepts connections (later than start() with notListeningForMs). */
  listening: Promise<void> = Promise.resolve();

  private readonly hostPrivateKey: string;
  private readonly authorizedKey: ParsedKey | undefined;
  private readonly ssh: Server;
  private readonly tcp = net.createServer((socket) => this.accept(socket));
  private readonly sockets = new Map<string, net.Socket>();
  private readonly upstreams = new Set<net.Socket>();
  private listenTimer: NodeJS.Timeout | undefined;
  private droppedOnce = false;
  private bytesOfClosedSockets = 0;
  private counts = { connections: 0, execs: 0, steps: 0 };
  private boundPort = 0;

  constructor(private readonly options: SimulatedSshServerOptions) {
    this.hostPrivateKey = options.hostKey ?? generateEd25519KeyPair().private;
    const publicBlob = parsedKey(this.hostPrivateKey, "host key").getPublicSSH();
    this.hostKeyLine = `${keyTypeInBlob(publicBlob)} ${publicBlob.toString("base64")}`;
    this.hostKeyFingerprint = fingerprintOf(publicBlob);
    this.authorizedKey = options.user.publicKey === undefined ? undefined : parsedKey(options.user.publicKey, "user public key");
    this.ssh = new Server({ hostKeys: [this.hostPrivateKey] }, (client, info) => this.serve(client, `${info.ip}:${info.port}`));
  }

  get port(): number {
    return this.boundPort;
  }

  get stats(): SimulatorStats {
    let live = 0;
    for (const socket of this.sockets.values()) live += socket.bytesRead;
    return { ...this.counts, bytesReceived: this.bytesOfClosedSockets + live };
  }

  /** Reserves the port and returns it; the port listens now, or after notListeningForMs. */
  async start(): Promise<number> {
    this.boundPort = this.options.port || (await freePort());
    const delay = this.options.notListeningForMs ?? 0;
    this.listening =
      delay > 0
        ? new Promise((resolve, reject) => {
            this.listenTimer = setTimeout(() => this.listen().then(resolve, reject), delay);
          })
        : this.listen();
    if (delay <= 0) await this.listening;
    return this.boundPort;
  }

  async stop(): Promise<void> {
    clearTimeout(this.listenTimer);
    for (const socket of [...this.sockets.values(), ...this.upstreams]) socket.destroy();
    if (this.tcp.listening) await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    this.tcp.listen(this.boundPort, "127.0.0.1");
    await once(this.tcp, "listening");
  }

  /** Accepting the TCP socket ourselves gives the handle needed for setNoDelay, byte counts and drops. */
  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    this.sockets.set(key, socket);
    socket.on("error", () => undefined);
    socket.once("close", () => {
      this.bytesOfClosedSockets += socket.bytesRead;
      this.sockets.delete(key);
    });
    this.ssh.injectSocket(socket);
  }

  private serve(client: Connection, remote: string): void {
    this.counts.connections++;
    client.on("error", () => undefined);
    client.on("authentication", (ctx) => {
      const { user } = this.options;
      const methods: ("password" | "publickey")[] = [];
      if (user.password !== undefined) methods.push("password");
      if (this.authorizedKey) methods.push("publickey");
      if (ctx.username !== user.name) return ctx.reject(methods);
      if (ctx.method === "password" && user.password !== undefined && ctx.password === user.password) return ctx.accept();
      if (ctx.method === "publickey" && this.authorizedKey && ctx.key.data.equals(this.authorizedKey.getPublicSSH())) {
        // Without a signature the client only asks whether this key would be accepted.
        if (!ctx.signature || !ctx.blob) return ctx.accept();
        if (this.authorizedKey.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) return ctx.accept();
      }
      ctx.reject(methods);
    });
    client.on("ready", () => {
      client.on("session", (acceptSession) => {
        const session = acceptSession();
        session.on("exec", (acceptExec, _reject, info) => {
          void this.exec(acceptExec(), info.command, client, remote);
        });
        session.on("sftp", (acceptSftp, rejectSftp) => {
          if (this.options.sftp) serveSftp(acceptSftp, this.options.sftp);
          else rejectSftp();
        });
      });
      if (this.options.allowForwarding) {
        client.on("tcpip", (acceptForward, rejectForward, info) => {
          if (!["127.0.0.1", "localhost"].includes(info.destIP)) return rejectForward();
          const upstream = net.connect(info.destPort, "127.0.0.1");
          this.upstreams.add(upstream);
          upstream.once("close", () => this.upstreams.delete(upstream));
          let connected = false;
          upstream.once("connect", () => {
            connected = true;
            const channel = acceptForward();
            channel.on("error", () => upstream.destroy());
            upstream.on("error", () => channel.destroy());
            channel.pipe(upstream).pipe(channel);
          });
          // Refused before connecting: the client sees the forward fail, as with a real jump host.
          upstream.once("error", () => {
            if (!connected) rejectForward();
          });
        });
      }
    });
  }

  private async exec(channel: ServerChannel, commandLine: string, client: Connection, remote: string): Promise<void> {
    this.counts.execs++;
    this.commandLines.push(commandLine);
    const aborter = new AbortController();
    const abort = () => aborter.abort();
    channel.once("close", abort);
    client.once("close", abort);
    client.once("end", abort);
    const write = (to: "stdout" | "stderr", line: string) => {
      if (aborter.signal.aborted) return;
      (to === "stdout" ? channel : channel.stderr).write(line + "\r\n");
    };
    const exit = (code: number) => {
      if (aborter.signal.aborted) return;
      channel.exit(code);
      channel.end();
    };
    try {
      if (this.options.otherCommand && !isProviderLoader(commandLine)) {
        return exit(
          await this.options.otherCommand(commandLine, {
            stdout: (line) => write("stdout", line),
            stderr: (line) => write("stderr", line),
            signal: aborter.signal,
          }),
        );
      }
      const refusal = shellRefusal(commandLine, (this.options.defaultShell ?? (() => "cmd"))());
      if (refusal) {
        for (const line of refusal.stderr) write("stderr", line);
        return exit(refusal.exitCode);
      }
      const stdin = this.frames(channel, aborter.signal, (step) => {
        if (step === this.options.hangInStep) return "hang";
        if (step !== this.options.dropInStep || this.droppedOnce) return "run";
        this.droppedOnce = true;
        write("stdout", encodeMarkedLine(PROGRESS_MARK, { message: `${step} started` }));
        this.dropClient(remote);
        return "hang";
      });
      const code = await this.options.backend.exec(commandLine, stdin, {
        stdout: (line) => write("stdout", line),
        stderr: (line) => write("stderr", line),
        signal: aborter.signal,
      });
      exit(code);
    } catch (error) {
      // A back end's own bug: say so on stderr, as a crashing powershell.exe would print something.
      write("stderr", `simulated host: the back end failed: ${error instanceof Error ? error.message : String(error)}`);
      exit(1);
    } finally {
      channel.removeListener("close", abort);
      client.removeListener("close", abort);
      client.removeListener("end", abort);
    }
  }

  /**
   * Stdin's lines for the back end, as they arrive. Each step frame is recorded, then run, or held
   * back for ever with everything after it (a step that hangs, or whose link is dropped).
   */
  private frames(channel: ServerChannel, signal: AbortSignal, fate: (step: string) => "run" | "hang"): StdinLines {
    const lines = new StdinLines();
    const reader = new FrameReader();
    let first = true;
    let held = false;
    const splitter = new LineSplitter((line) => {
      if (held || line.trim() === "") return;
      if (!first) {
        const payload = tryRead(reader, line);
        this.counts.steps++;
        if (payload) this.payloads.push(payload);
        if (payload && fate(payload.step) === "hang") {
          held = true;
          return;
        }
      }
      first = false;
      lines.push(line);
    });
    channel.on("data", (chunk: Buffer) => splitter.push(chunk));
    channel.once("end", () => {
      splitter.end();
      if (!held) lines.end();
    });
    signal.addEventListener("abort", () => lines.end(), { once: true });
    return lines;
  }

  /** Destroys the socket once what was written so far has gone out, like a link that dies mid-step. */
  private dropClient(remote: string): void {
    const socket = this.sockets.get(remote);
    if (!socket) return;
    socket.write(Buffer.alloc(0), () => socket.destroy());
  }
}

/**
 * What Windows does with a command line before any step runs: OpenSSH hands it to the default shell,
 * whose length limit and "unknown program" message differ. Undefined = the loader may run.
 */
function shellRefusal(commandLine: string, shell: DefaultShell): { stderr: string[]; exitCode: number } | undefined {
  const program = commandLine.trim().split(/\s+/)[0]?.replace(/^"|"$/g, "") ?? "";
  if (shell === "cmd") {
    if (commandLine.length > CMD_LINE_LIMIT) return { stderr: ["The command line is too long."], exitCode: 1 };
    if (!isPowerShell(program)) {
      return { stderr: [`'${program}' is not recognized as an internal or external command,`, "operable program or batch file."], exitCode: 1 };
    }
  } else {
    if (commandLine.length > CREATE_PROCESS_LIMIT) {
      return { stderr: ["Program 'powershell.exe' failed to run: The filename or extension is too long"], exitCode: 1 };
    }
    if (!isPowerShell(program)) {
      return {
        stderr: [
          `${program} : The term '${program}' is not recognized as the name of a cmdlet, function, script file, or operable ` +
            "program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
        ],
        exitCode: 1,
      };
    }
  }
  if (isProviderLoader(commandLine)) return undefined;
  // Real PowerShell would run anything; the simulator only knows the provider's loader.
  return { stderr: [`simulated host: not the provider's command line: ${commandLine.slice(0, 120)}`], exitCode: 1 };
}

function isProviderLoader(commandLine: string): boolean {
  const expected = [POWERSHELL_EXE, ...POWERSHELL_FLAGS].join(" ") + " ";
  const encoded = commandLine.startsWith(expected) ? commandLine.slice(expected.length) : "";
  return encoded !== "" && decodePowerShellCommand(encoded) === LOADER_SCRIPT;
}

function isPowerShell(program: string): boolean {
  return /^powershell(\.exe)?$/i.test(program);
}

/** A frame line resolved, or undefined when it is not one (the back end then answers as the loop would). */
function tryRead(reader: FrameReader, line: string): StepPayload | undefined {
  try {
    return reader.read(line);
  } catch {
    return undefined;
  }
}

function parsedKey(text: string, what: string): ParsedKey {
  const parsed = utils.parseKey(text);
  if (parsed instanceof Error) {
    throw new MeshError(`the simulated host cannot read its ${what}`, {
      kind: "invalid-input",
      host: "simulator",
      seen: parsed.message,
      hint: "give an OpenSSH or PEM key (a public key line for the user's key)",
    });
  }
  return parsed;
}

/**
 * A fresh ed25519 key pair in OpenSSH form. ssh2 1.17 sometimes (about 1 key in 200) writes a
 * key whose leading zero byte is lost, which its own parser then rejects: such keys are redrawn.
 */
export function generateEd25519KeyPair(passphrase?: string): { private: string; public: string } {
  for (;;) {
    const pair = passphrase
      ? utils.generateKeyPairSync("ed25519", { passphrase, cipher: "aes256-ctr", rounds: 16 })
      : utils.generateKeyPairSync("ed25519");
    if (!(utils.parseKey(pair.private, passphrase) instanceof Error)) return pair;
  }
}

/** A port nobody listens on right now (the OS picks it; it is released at once). */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
