/**
 * Faults at the lifecycle level, through the real engine against the simulated Windows host
 * (TypeScript back end), each with the outcome it must have. A TCP proxy between the provider and
 * the host (test/support/fault-proxy.ts) cuts the link at a chosen moment inside a step, while the
 * host's work is half done; steps are given real durations so that moment exists.
 *
 * What test/transport already proves at the session level (dial retries and deadlines, pinned keys,
 * auth failures, timeouts and drops of single steps) is not repeated here: docs/reliability.md
 * lists both.
 */
import { isMeshError, MeshError } from "../../provider/common/errors";
import { readNode } from "../../provider/lifecycle/inspect";
import type { NodeInputs, NodeOutputs } from "../../provider/node/types";
import { createNode, updateNode } from "../../provider/lifecycle/provision";
import { deleteNode } from "../../provider/lifecycle/remove";
import type { StepName } from "../../provider/scripts/catalogue";
import { ADMIN_ONLY, LATEST_TAILSCALE, SimulatedWindowsHost, scenarioByName, type HostState, type RealDurations, type Scenario } from "../../simulator";
import { SimulatedHeadscale } from "../../simulator/headscale-api";
import { generateEd25519KeyPair } from "../../simulator/ssh-server";
import { FaultProxy } from "../support/fault-proxy";
import { allSentinels, LeakScan, SENTINELS } from "../support/sentinels";
import { fileAt, filesUnder, JOIN_SCRIPT_PATH, keyFilesOf, Log, nodeInputs, programsSince, restartAs, STATE_DIR, stepsReceived, until } from "./harness";

jest.setTimeout(60_000);

const AUTH_KEY = SENTINELS.authKey;
/** The issue asks for 60 s; the suite waits less by default. `MESH_FAULTS_SSH_LATE_SECONDS=60` runs the case. */
const SSH_LATE_SECONDS = Number(process.env.MESH_FAULTS_SSH_LATE_SECONDS ?? 5);
/** Steps slow enough for a cut to land inside them: a probe's and a cleanup's own work, an installer run, a `tailscale up`. */
const SLOW_STEPS: RealDurations = { stepMs: { probe: 300, cleanup: 300 }, installMs: 400, upAttemptMs: 400 };

const started: { stop(): Promise<void> }[] = [];
const log = new Log();
afterEach(async () => {
  for (const thing of started.splice(0).reverse()) await thing.stop();
  const scan = LeakScan.of(allSentinels());
  log.lines.forEach((line, i) => scan.text(`progress line ${i}`, line));
  expect(scan.found).toEqual([]);
  log.lines.length = 0;
});

async function startHost(scenario: Scenario | string, options: { realDurations?: RealDurations; hostKey?: string } = {}): Promise<SimulatedWindowsHost> {
  const host = await SimulatedWindowsHost.start({ scenario, ...options });
  started.push(host);
  return host;
}

/** A host reached through a proxy that can cut the link. */
async function behindProxy(scenario: string, overrides: Partial<NodeInputs> = {}) {
  const host = await startHost(scenario, { realDurations: SLOW_STEPS });
  const proxy = await FaultProxy.start(host.port);
  started.push(proxy);
  return { host, proxy, inputs: nodeInputs({ port: proxy.port, password: host.password }, AUTH_KEY, overrides) };
}

async function failureOf(operation: Promise<unknown>): Promise<MeshError> {
  const outcome = await operation.then(
    () => new Error("expected the operation to fail"),
    (error: unknown) => error,
  );
  if (!isMeshError(outcome)) throw outcome;
  return outcome;
}

/** A moment inside each step where the host's work is under way. */
const INSIDE_STEP: Record<StepName, (host: SimulatedWindowsHost) => Promise<boolean>> = {
  // The payload has arrived; the step's 300 ms of work has begun.
  probe: async (host) => stepsReceived(host, "probe") > 0,
  stage: async (host) => stepsReceived(host, "stage") > 0,
  append: async (host) => stepsReceived(host, "append") > 0,
  // The MSI is downloaded and msiexec runs.
  install: async (host) => filesUnder(await host.state(), STATE_DIR).some((path) => /tailscale-setup\.msi$/i.test(path)),
  // The key file is written and `tailscale up` runs.
  join: async (host) => keyFilesOf(await host.state()).length > 0,
  configure: async (host) => stepsReceived(host, "configure") > 0,
  cleanup: async (host) => stepsReceived(host, "cleanup") > 0,
};

/** After any fault: no key file, no MSI, and the join script only when the node is pending. */
async function expectTidy(host: SimulatedWindowsHost, outputs: NodeOutputs): Promise<void> {
  const state = await host.state();
  expect(keyFilesOf(state)).toEqual([]);
  expect(filesUnder(state, STATE_DIR).filter((path) => /\.msi$/i.test(path))).toEqual([]);
  expect(Boolean(fileAt(state, JOIN_SCRIPT_PATH))).toBe(outputs.state === "pending-manual");
}

/** Running the operation again changes nothing: no program started, the same state. */
async function expectConverged(host: SimulatedWindowsHost, outputs: NodeOutputs, inputs: NodeInputs): Promise<NodeOutputs> {
  const before = (await host.state()).processLog.length;
  const again = await updateNode(outputs, inputs, { log: log.log });
  expect(again.state).toBe(outputs.state);
  expect(programsSince(await host.state(), before)).toEqual([]);
  await expectTidy(host, again);
  return again;
}

describe("SSH", () => {
  test(
    `not listening for the first ${SSH_LATE_SECONDS} s after create starts: create waits, then joins`,
    async () => {
      const scenario: Scenario = { ...scenarioByName("clean-join-first-try"), name: "ssh-late-long", ssh: { notListeningForMs: SSH_LATE_SECONDS * 1000 } };
      const begun = Date.now();
      const host = await startHost(scenario);
      let listeningAt = 0;
      void host.listening().then(() => (listeningAt = Date.now()));
      const inputs = nodeInputs(host, AUTH_KEY, { connection: { host: host.host, port: host.port, password: host.password, connectDeadlineSeconds: 300 } });

      const outputs = await createNode(inputs, { log: log.log });
      expect(outputs.state).toBe("joined");
      expect(listeningAt - begun).toBeGreaterThanOrEqual(SSH_LATE_SECONDS * 1000 - 100);
      // Found within one backoff interval (at most 3 s) of the port opening, then a fast create.
      expect(Date.now() - listeningAt).toBeLessThan(6_000);
      expect(log.has(/connect: 127\.0\.0\.1:\d+ not reachable yet .*; retrying$/)).toBe(true);
      await expectTidy(host, outputs);
    },
    (SSH_LATE_SECONDS + 60) * 1000,
  );

  test("authentication rejected: create fails at once, after one dial, saying what to check", async () => {
    const host = await startHost("clean-join-first-try");
    const inputs = nodeInputs({ port: host.port, password: `${host.password}-rotated` }, AUTH_KEY, {});
    inputs.connection.connectDeadlineSeconds = 300;
    const begun = Date.now();
    const failure = await failureOf(createNode(inputs, { log: log.log }));
    expect(failure.kind).toBe("ssh-auth");
    expect(failure.message).toContain(`[127.0.0.1:${host.port}] connect: authentication failed for user "Administrator"`);
    expect(failure.message).toContain("(tried: password)");
    expect(Date.now() - begun).toBeLessThan(3_000);
    expect(host.stats.connections).toBe(1);
    expect(host.commandLines).toEqual([]);
  });

  test("authentication rejected during refresh fails loudly, instead of keeping the last known state", async () => {
    const host = await startHost("clean-join-first-try");
    const outputs = await createNode(nodeInputs(host, AUTH_KEY), { log: log.log });
    const rotated = { ...outputs, connection: { ...outputs.connection, password: "an-old-password" } };
    const failure = await failureOf(readNode(rotated, { log: log.log }));
    expect(failure.kind).toBe("ssh-auth");
  });

  test("the host key changed between create and the next operations: each is refused, showing both fingerprints", async () => {
    let host = await startHost("clean-join-first-try", { hostKey: generateEd25519KeyPair().private });
    const inputs = nodeInputs(host, AUTH_KEY);
    const outputs = await createNode(inputs, { log: log.log });
    expect(outputs.hostKey).toBe(host.hostKeyFingerprint);

    host = await restartAs(host, await host.state(), { hostKey: generateEd25519KeyPair().private });
    started.push(host);
    expect(host.hostKeyFingerprint).not.toBe(outputs.hostKey);
    const operations: [string, () => Promise<unknown>][] = [
      ["update", () => updateNode(outputs, { ...inputs, hostname: "win-02" }, { log: log.log })],
      ["refresh", () => readNode(outputs, { log: log.log })],
      ["delete", () => deleteNode(outputs, { log: log.log })],
    ];
    for (const [name, operation] of operations) {
      const failure = await failureOf(operation());
      expect([name, failure.kind]).toEqual([name, "ssh-host-key"]);
      expect(failure.message).toContain(`expected ${outputs.hostKey}, the host presented ${host.hostKeyFingerprint}`);
    }
    // Nothing ran on the machine that answered.
    expect(host.commandLines).toEqual([]);
  });
});

describe("the link is cut inside a step, and comes back", () => {
  test.each([
    ["probe", "create", "clean-join-first-try"],
    ["install", "create", "clean-join-first-try"],
    ["join", "create", "clean-join-first-try"],
    ["cleanup", "delete", "daemon-unreachable"],
  ] as const)("inside %s (%s): the step runs again on a new connection; the outcome is as without the fault; running again converges", async (step, operation, scenario) => {
    const { host, proxy, inputs } = await behindProxy(scenario);
    const cut = async () => {
      await until(`a moment inside ${step}`, () => INSIDE_STEP[step](host));
      proxy.reset();
    };

    if (operation === "create") {
      const [outputs] = await Promise.all([createNode(inputs, { log: log.log }), cut()]);
      expect(outputs.state).toBe("joined");
      expect(outputs.tailscaleVersion).toBe(LATEST_TAILSCALE);
      await expectTidy(host, outputs);
      const again = await expectConverged(host, outputs, inputs);
      await deleteNode(again, { log: log.log });
    } else {
      const outputs = await createNode(inputs, { log: log.log });
      expect(outputs.state).toBe("pending-manual");
      const [result] = await Promise.all([deleteNode(outputs, { log: log.log }), cut()]);
      expect(result.removed).toContain(JOIN_SCRIPT_PATH);
      // Deleting again finds nothing left.
      expect((await deleteNode(outputs, { log: log.log })).removed).toEqual([]);
    }
    expect(log.has(new RegExp(`\\] ${step}: the connection dropped; reconnecting to run the step again$`))).toBe(true);
    expect(proxy.connectionsSeen).toBeGreaterThanOrEqual(2);
    const final = await host.state();
    expect(keyFilesOf(final)).toEqual([]);
    expect(fileAt(final, JOIN_SCRIPT_PATH)).toBeUndefined();
  });
});

describe("create interrupted, the host away past the connect deadline, then create again", () => {
  test.each(["install", "join"] as const)("inside %s: fails naming the host; the next create converges and leaves nothing behind", async (step) => {
    const { host, proxy, inputs } = await behindProxy("clean-join-first-try");
    inputs.connection.connectDeadlineSeconds = 2;
    const cut = until(`a moment inside ${step}`, () => INSIDE_STEP[step](host)).then(() => {
      proxy.refuse();
      proxy.reset();
    });
    const failure = await failureOf(createNode(inputs, { log: log.log }));
    await cut;
    expect(["ssh-unreachable", "ssh-dropped"]).toContain(failure.kind);
    expect(failure.message).toContain(`[127.0.0.1:${proxy.port}]`);
    const interrupted = await host.state();
    // What the killed step left: the MSI, or the key file (admin-only, as it was written).
    if (step === "join") {
      const [keyFile] = keyFilesOf(interrupted);
      expect(interrupted.files[keyFile].readers.sort()).toEqual([...ADMIN_ONLY].sort());
    }

    proxy.accept();
    const outputs = await createNode(inputs, { log: log.log });
    expect(outputs.state).toBe("joined");
    expect(outputs.tailscaleVersion).toBe(LATEST_TAILSCALE);
    await expectTidy(host, outputs);
    if (step === "join") expect(log.has(/plan: .*auth-key files were left on the host/)).toBe(true);
    // The killed step ran again from its start; nothing else was repeated.
    const runs = (pattern: RegExp) => (state: HostState) => state.processLog.filter((line) => pattern.test(line)).length;
    const installs = runs(/msiexec\.exe \/i /);
    const joins = runs(/tailscale\.exe" up /);
    const final = await host.state();
    expect([installs(final), joins(final)]).toEqual(step === "install" ? [2, 1] : [1, 2]);
    await expectConverged(host, outputs, inputs);
  });
});

describe("a step that never answers", () => {
  test.each(["install", "join", "cleanup"] as const)("%s: times out, naming the host and the step", async (step) => {
    const scenario: Scenario = { ...scenarioByName("clean-join-first-try"), name: `hang-in-${step}`, ssh: { hangInStep: step } };
    const host = await startHost(scenario);
    // Below check()'s minimum on purpose (the engine trusts its checked inputs): the hang must end fast.
    const inputs = nodeInputs(host, AUTH_KEY, { stepTimeoutSeconds: 2 });
    const operation = step === "cleanup" ? createNode(inputs, { log: log.log }).then((outputs) => deleteNode(outputs, { log: log.log })) : createNode(inputs, { log: log.log });
    const begun = Date.now();
    const failure = await failureOf(operation);
    expect(failure.kind).toBe("step-timeout");
    expect(failure.step).toBe(step);
    expect(failure.message).toContain(`[127.0.0.1:${host.port}] ${step}: no answer from the host within 2.0 s; the step was stopped`);
    expect(Date.now() - begun).toBeLessThan(15_000);
    expect(keyFilesOf(await host.state())).toEqual([]);
  });
});

describe("the Tailscale service will not start", () => {
  test("create fails with service-failed and leaves no key; once the service is repaired, create again joins without reinstalling", async () => {
    let host = await startHost("service-will-not-start");
    const inputs = nodeInputs(host, AUTH_KEY);
    const failure = await failureOf(createNode(inputs, { log: log.log }));
    expect(failure.kind).toBe("service-failed");
    expect(failure.step).toBe("join");
    const failed = await host.state();
    expect(keyFilesOf(failed)).toEqual([]);
    expect(fileAt(failed, JOIN_SCRIPT_PATH)).toBeUndefined();

    host = await restartAs(host, failed, { scenario: { service: { startFails: false }, join: ["joined"] } });
    started.push(host);
    const outputs = await createNode(inputs, { log: log.log });
    expect(outputs.state).toBe("joined");
    expect(programsSince(await host.state(), failed.processLog.length).filter((line) => /msiexec/i.test(line))).toEqual([]);
    await expectTidy(host, outputs);
  });
});

describe("the control server during refresh", () => {
  test("never answers: the refresh returns the host's view after the client's 10 s timeout, with a warning", async () => {
    const control = await SimulatedHeadscale.start({ version: "0.28", apiKey: SENTINELS.apiKey, users: ["ops"] });
    started.push({ stop: () => control.close() });
    const host = await startHost("clean-join-first-try");
    const inputs = nodeInputs(host, AUTH_KEY, { controlServer: { kind: "headscale", url: control.url, apiKey: SENTINELS.apiKey, user: "ops" } });
    const created = await createNode(inputs, { log: log.log });

    control.setFault("hang");
    const begun = Date.now();
    const { outputs, warning } = await readNode(created, { log: log.log });
    const elapsed = Date.now() - begun;
    expect(elapsed).toBeGreaterThanOrEqual(9_500);
    expect(elapsed).toBeLessThan(20_000);
    expect(warning).toBeUndefined();
    expect(outputs.state).toBe("joined");
    expect(outputs.drift).toEqual([]);
    expect(outputs.warnings).toEqual([expect.stringMatching(/the control server could not be asked.*no answer from the control server within 10000 ms/)]);
    const scan = LeakScan.of(allSentinels());
    scan.value("refreshed outputs' warnings", outputs.warnings);
    expect(scan.found).toEqual([]);
  });
});
