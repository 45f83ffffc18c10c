/**
 * Connecting: host-key pinning and trust on first use, waiting for a booting host, giving up on
 * time, failing at once on authentication, and the other ways in (key passphrase, agent, jump host).
 */
import { spawn, spawnSync } from "child_process";
import { once } from "events";
import { mkdtempSync, rmSync } from "fs";
import * as net from "net";
import { tmpdir } from "os";
import { join } from "path";
import { isMeshError } from "../../provider/common/errors";
import { freePort, SimulatedSshServer } from "../../simulator/ssh-server";
import { newKey, writePrivateKey } from "../support/keys";
import { Fixture, failureOf, LABEL, USER } from "../support/sim-fixture";
import { TestBackend } from "../support/test-backend";
import { findTool, toolsPresent } from "../support/tools";

const fixture = new Fixture();
afterEach(() => fixture.closeAll());

const echo = (params: unknown = { hello: "world" }) => ({ name: "echo", script: "param($p) $p", params, idempotent: true });

describe("host keys", () => {
  test("a pinned SHA256 fingerprint is accepted", async () => {
    const { server } = await fixture.server();
    const session = await fixture.session(fixture.settings(server, { hostKey: server.hostKeyFingerprint }));
    expect(session.hostKeyFingerprint).toBe(server.hostKeyFingerprint);
    expect(await session.run(echo())).toEqual({ hello: "world" });
  });

  test("a pinned public-key line (as @pulumi/command's hostKey takes) is accepted", async () => {
    const { server } = await fixture.server();
    const session = await fixture.session(fixture.settings(server, { hostKey: `${server.hostKeyLine} root@WIN-01` }));
    expect(session.hostKeyFingerprint).toBe(server.hostKeyFingerprint);
  });

  test("a wrong pin is refused at once, naming the expected and the presented fingerprints", async () => {
    const { server } = await fixture.server();
    const pinned = newKey().fingerprint;
    const error = await failureOf(fixture.session(fixture.settings(server, { hostKey: pinned })));
    expect(isMeshError(error, "ssh-host-key")).toBe(true);
    expect(error.message).toContain(pinned);
    expect(error.message).toContain(server.hostKeyFingerprint);
    expect(error.message).toContain("pinned");
    expect(error.message).toContain("what to do:");
    expect(server.stats.connections).toBe(1);
  });

  test("trust on first use: the first key is kept, and a reconnection to a different key is refused", async () => {
    const { server: first } = await fixture.server();
    const session = await fixture.session(fixture.settings(first));
    expect(session.hostKeyFingerprint).toBe(first.hostKeyFingerprint);
    await first.stop();

    // Another machine answers on the same address: the session must not talk to it.
    const { server: impostor } = await fixture.server({ port: first.port });
    const error = await failureOf(session.run(echo()));
    expect(isMeshError(error, "ssh-host-key")).toBe(true);
    expect(error.message).toContain(first.hostKeyFingerprint);
    expect(error.message).toContain(impostor.hostKeyFingerprint);
    expect(error.message).toContain("changed since this operation first connected");
    expect(impostor.payloads).toHaveLength(0);
  });
});

describe("dialing", () => {
  test("waits for a host whose SSH port starts listening after 1.5 s", async () => {
    const { server } = await fixture.server({ notListeningForMs: 1500 });
    const started = Date.now();
    const session = await fixture.session(fixture.settings(server, { connectDeadlineMs: 30_000 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(await session.run(echo())).toEqual({ hello: "world" });
    expect(session.stats.connections).toBe(1);
    expect(fixture.logLines[0]).toMatch(new RegExp(`^\\[${LABEL}\\] connect: 127\\.0\\.0\\.1:${server.port} not reachable yet \\(.*ECONNREFUSED.*\\); retrying$`));
  });

  test("gives up at the deadline on a port nobody listens on, with what to check", async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await failureOf(
      fixture.session(fixture.settings({ port }, { connectDeadlineMs: 1500, dialErrorLimit: -1, perDialTimeoutMs: 10_000 })),
    );
    const elapsed = Date.now() - started;
    expect(isMeshError(error, "ssh-unreachable")).toBe(true);
    expect(error.message).toContain(`[${LABEL}] connect:`);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toMatch(/\d+ attempt\(s\) over 1\.\d s/);
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.message).toContain("sshd");
    expect(error.message).toContain("firewall");
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(5000);
  });

  test("a host that accepts TCP but never speaks SSH costs the deadline, not dialErrorLimit x perDialTimeout", async () => {
    const silent = net.createServer(() => undefined);
    const sockets: net.Socket[] = [];
    silent.on("connection", (socket) => sockets.push(socket));
    silent.listen(0, "127.0.0.1");
    await once(silent, "listening");
    fixture.onCleanup(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const started = Date.now();
    const error = await failureOf(
      fixture.session(
        fixture.settings(silent.address() as net.AddressInfo, { connectDeadlineMs: 1500, dialErrorLimit: 10, perDialTimeoutMs: 10_000 }),
      ),
    );
    expect(isMeshError(error, "ssh-unreachable")).toBe(true);
    expect(error.message).toContain("Timed out while waiting for handshake");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test("the dial error limit ends the attempts before a long deadline", async () => {
    const port = await freePort();
    const error = await failureOf(fixture.session(fixture.settings({ port }, { connectDeadlineMs: 60_000, dialErrorLimit: 2 })));
    expect(error.message).toContain("2 attempt(s)");
    expect(error.message).toContain("dial error limit (2) was reached");
  });
});

describe("authentication", () => {
  test("a wrong password fails at once: one dial, well under a second, a clear message without the password", async () => {
    const { server } = await fixture.server();
    const wrong = "not-the-password-42";
    const started = Date.now();
    const error = await failureOf(
      fixture.session(fixture.settings(server, { password: wrong }), fixture.options({ redactor: fixture.options().redactor.add(wrong) })),
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.stats.connections).toBe(1);
    expect(isMeshError(error, "ssh-auth")).toBe(true);
    expect(error.message).toContain(`authentication failed for user "${USER}"`);
    expect(error.message).toContain("All configured authentication methods failed");
    expect(error.message).toContain("administrators_authorized_keys");
    expect(error.message).not.toContain(wrong);
  });

  test("a private key with a wrong or missing passphrase fails clearly, before dialing, without the key or passphrase", async () => {
    const key = newKey("right passphrase 1");
    const { server } = await fixture.server({ user: { name: USER, publicKey: key.publicKeyLine } });
    for (const privateKeyPassword of ["wrong passphrase 2", undefined]) {
      const error = await failureOf(
        fixture.session(fixture.settings(server, { password: undefined, privateKey: key.privateKey, privateKeyPassword })),
      );
      expect(isMeshError(error, "ssh-auth")).toBe(true);
      expect(error.message).toContain("private key");
      expect(error.message).toContain("privateKeyPassword");
      expect(error.message).not.toContain("wrong passphrase 2");
      expect(error.message).not.toContain(key.privateKey.split("\n")[1].slice(0, 16));
    }
    expect(server.stats.connections).toBe(0);

    const session = await fixture.session(
      fixture.settings(server, { password: undefined, privateKey: key.privateKey, privateKeyPassword: "right passphrase 1" }),
    );
    expect(await session.run(echo())).toEqual({ hello: "world" });
  });

  (toolsPresent("agent authentication", "ssh-agent", "ssh-add") ? test : test.skip)(
    "authenticates with a key held by a real ssh-agent",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "mesh-agent-"));
      fixture.onCleanup(async () => rmSync(dir, { recursive: true, force: true }));
      const socketPath = join(dir, "agent.sock");
      const agent = spawn(findTool("ssh-agent") as string, ["-D", "-a", socketPath], { stdio: ["ignore", "pipe", "inherit"] });
      fixture.onCleanup(async () => {
        const exited = once(agent, "exit");
        agent.kill("SIGTERM");
        await exited;
      });
      // ssh-agent -D prints its environment lines once the socket is ready.
      await once(agent.stdout as NodeJS.ReadableStream, "data");
      const key = newKey();
      const added = spawnSync(findTool("ssh-add") as string, [writePrivateKey(dir, "id_ed25519", key)], {
        env: { ...process.env, SSH_AUTH_SOCK: socketPath },
        encoding: "utf8",
      });
      expect(added.status).toBe(0);

      const { server } = await fixture.server({ user: { name: USER, publicKey: key.publicKeyLine } });
      const session = await fixture.session(fixture.settings(server, { password: undefined, agentSocketPath: socketPath }));
      expect(await session.run(echo())).toEqual({ hello: "world" });
    },
  );
});

describe("jump host", () => {
  async function jumpHost(): Promise<SimulatedSshServer> {
    const jump = new SimulatedSshServer({ backend: new TestBackend(), user: { name: "jumper", password: "jump-secret-7" }, allowForwarding: true });
    fixture.onCleanup(() => jump.stop());
    await jump.start();
    return jump;
  }

  test("reaches the target through a pinned jump host, with the target's own trust on first use", async () => {
    const jump = await jumpHost();
    const { server: target } = await fixture.server();
    const proxy = { host: "127.0.0.1", port: jump.port, user: "jumper", password: "jump-secret-7", hostKey: jump.hostKeyLine };
    const session = await fixture.session(fixture.settings(target, { proxy }));
    expect(await session.run(echo({ via: "jump" }))).toEqual({ via: "jump" });
    expect(session.hostKeyFingerprint).toBe(target.hostKeyFingerprint);
    expect(jump.stats.connections).toBe(1);
    expect(target.stats.connections).toBe(1);
    expect(jump.payloads).toHaveLength(0);
    expect(target.payloads).toHaveLength(1);
  });

  test("a target the jump host cannot reach is retried, then reported as unreachable from the jump host", async () => {
    const jump = await jumpHost();
    const port = await freePort();
    const proxy = { host: "127.0.0.1", port: jump.port, user: "jumper", password: "jump-secret-7" };
    const error = await failureOf(fixture.session(fixture.settings({ port }, { proxy, dialErrorLimit: 2 })));
    expect(isMeshError(error, "ssh-unreachable")).toBe(true);
    expect(error.message).toContain(`through jump host 127.0.0.1:${jump.port}`);
    expect(error.message).toContain("2 attempt(s)");
    expect(error.message).toContain(`the jump host could not open a channel to 127.0.0.1:${port}`);
  });

  test("a wrong jump host pin is refused and named as the jump host's", async () => {
    const jump = await jumpHost();
    const { server: target } = await fixture.server();
    const proxy = { host: "127.0.0.1", port: jump.port, user: "jumper", password: "jump-secret-7", hostKey: target.hostKeyFingerprint };
    const error = await failureOf(fixture.session(fixture.settings(target, { proxy })));
    expect(isMeshError(error, "ssh-host-key")).toBe(true);
    expect(error.message).toContain(`jump host 127.0.0.1:${jump.port}`);
    expect(error.message).toContain(jump.hostKeyFingerprint);
    expect(target.stats.connections).toBe(0);
  });
});
