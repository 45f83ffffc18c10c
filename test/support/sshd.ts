/**
 * Debian's real OpenSSH server on loopback, dressed as a Windows host: every exec goes through
 * windows-shim.sh (sshd's ForceCommand), which checks the command line the way cmd.exe and
 * powershell.exe would see it and runs the bootstrap in real pwsh, stdin passed through.
 *
 * Reuse (e.g. the real-PowerShell back end): give `prelude` (PowerShell dot-sourced before the
 * bootstrap: Windows stand-ins as functions) and `env` (variables those stand-ins read, e.g. where
 * the simulated host state lives). Both are re-read at every exec, so setPrelude()/setEnv() switch
 * scenarios without restarting sshd.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import { once } from "events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir, userInfo } from "os";
import { join } from "path";
import { freePort } from "../../simulator/ssh-server";
import { POWERSHELL_EXE, POWERSHELL_FLAGS } from "../../provider/transport/protocol";
import { newKey, type TestKey } from "./keys";
import { findTool } from "./tools";

export interface RealSshdOptions {
  prelude?: string;
  env?: Record<string, string>;
}

export interface RealSshd {
  host: string;
  port: number;
  user: string;
  /** The key the test user logs in with (authorized in this sshd only). */
  userKey: TestKey;
  hostKeyLine: string;
  hostKeyFingerprint: string;
  /** The temp directory holding the config, keys, shim.env and prelude.ps1. */
  dir: string;
  setPrelude(prelude: string | undefined): void;
  setEnv(env: Record<string, string>): void;
  stop(): Promise<void>;
}

const SHIM = join(__dirname, "windows-shim.sh");

/** Single-quoted for bash: safe for any value. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export async function startSshd(options: RealSshdOptions = {}): Promise<RealSshd> {
  const sshd = findTool("sshd");
  const sshKeygen = findTool("ssh-keygen");
  const pwsh = findTool("pwsh");
  if (!sshd || !sshKeygen || !pwsh) throw new Error("startSshd needs sshd, ssh-keygen and pwsh (check with toolsPresent first)");

  const dir = mkdtempSync(join(tmpdir(), "mesh-sshd-"));
  const hostKeyPath = join(dir, "ssh_host_ed25519_key");
  const keygen = spawnSync(sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", "mesh-test-host", "-f", hostKeyPath]);
  if (keygen.status !== 0) throw new Error(`ssh-keygen failed: ${keygen.stderr}`);
  const hostKeyLine = readFileSync(hostKeyPath + ".pub", "utf8").trim();
  const fingerprintLine = spawnSync(sshKeygen, ["-lf", hostKeyPath + ".pub"], { encoding: "utf8" }).stdout;
  const hostKeyFingerprint = fingerprintLine.split(/\s+/)[1];

  const userKey = newKey();
  writeFileSync(join(dir, "authorized_keys"), userKey.publicKeyLine + "\n");

  const writeEnv = (env: Record<string, string>) => {
    const all: Record<string, string> = {
      PWSH: pwsh,
      EXPECTED_PREFIX: [POWERSHELL_EXE, ...POWERSHELL_FLAGS].join(" ") + " ",
      ...(process.env.DOTNET_ROOT ? { DOTNET_ROOT: process.env.DOTNET_ROOT } : {}),
      ...env,
    };
    writeFileSync(join(dir, "shim.env"), Object.entries(all).map(([k, v]) => `export ${k}=${shellQuote(v)}\n`).join(""));
  };
  const preludePath = join(dir, "prelude.ps1");
  const setPrelude = (prelude: string | undefined) => {
    if (prelude !== undefined) writeFileSync(preludePath, prelude);
    else rmSync(preludePath, { force: true });
  };
  writeEnv(options.env ?? {});
  setPrelude(options.prelude);

  const port = await freePort();
  const configPath = join(dir, "sshd_config");
  writeFileSync(
    configPath,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${hostKeyPath}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "StrictModes no",
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "PrintMotd no",
      "Subsystem sftp internal-sftp",
      `ForceCommand /bin/bash ${SHIM} ${dir}`,
      "",
    ].join("\n"),
  );

  // sshd's privilege-separation directory; it refuses to start without it.
  spawnSync("mkdir", ["-p", "/run/sshd"]);
  const child = spawn(sshd, ["-D", "-e", "-f", configPath], { stdio: ["ignore", "ignore", "pipe"] });
  await listeningOf(child, port);

  return {
    host: "127.0.0.1",
    port,
    // sshd without PAM logs in only as the user it runs as (root here, allowed by key only).
    user: userInfo().username,
    userKey,
    hostKeyLine,
    hostKeyFingerprint,
    dir,
    setPrelude,
    setEnv: writeEnv,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, "exit");
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves when sshd logs that it listens; rejects with its log when it exits first. */
function listeningOf(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = "";
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (text: string) => {
      log += text;
      if (log.includes(`Server listening on 127.0.0.1 port ${port}`)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`sshd exited (${code}) before listening:\n${log}`)));
    child.once("error", reject);
  });
}
