/**
 * The provider plugin mesh-windows driven over gRPC as the engine drives it (resource-plugin-harness.ts),
 * launched both ways the engine launches it, against the simulated Windows host in the seed's
 * situation (Windows keeps `tailscale up` from reaching the daemon over SSH), with the fleet's
 * credentials and control server in the provider configuration and sentinel secrets everywhere:
 *
 *   GetSchema = the generated schema; CheckConfig and Configure with secret configuration; Check with
 *   unknowns and wrapped secrets; Create during a preview touches nothing; Create ends pending-manual;
 *   a person runs the join script; Read (refresh) sees the node joined; Diff; Update; import by id
 *   (and the check, diff and next `up` after it change nothing); the three import refusals; Delete.
 *   No sentinel in any non-secret output, Log call, error or anything the plugin printed.
 *
 * The TypeScript model of the host for both launches; real PowerShell for one (skipped loudly without pwsh).
 */
import * as fs from "fs";
import * as path from "path";

import { PULUMI_UNKNOWN } from "../../provider/node";
import { SimulatedWindowsHost, type HostState } from "../../simulator";
import { SimulatedHeadscale } from "../../simulator/headscale-api";
import { fileAt, JOIN_SCRIPT_PATH, keyFilesOf } from "../faults/harness";
import { exposedSecrets, isSecret, revealed, secret, urnOf, type Properties } from "../support/plugin-harness";
import { REPO_ROOT } from "../support/repo";
import { FakeEngine, MeshWindowsPlugin, type Launch } from "../support/resource-plugin-harness";
import { allSentinels, LeakScan, SENTINELS } from "../support/sentinels";
import { toolsPresent } from "../support/tools";

const TYPE = "mesh-windows:index:MeshWindowsNode";
const PROVIDER_URN = urnOf("pulumi:providers:mesh-windows", "default");
const SECRET_VALUES = Object.values(SENTINELS);

const CASES: [Launch, "ts" | "pwsh"][] = [
  ["executable", "ts"],
  ["plugin folder", "ts"],
  ["executable", "pwsh"],
];

describe.each(CASES)("the plugin launched as %s, against the %s back end", (launch, backend) => {
  const runs = backend === "ts" || toolsPresent("the plugin against real PowerShell", "pwsh");
  const it_ = runs ? it : it.skip;
  const scan = LeakScan.of(allSentinels());
  let engine: FakeEngine;
  let plugin: MeshWindowsPlugin;
  let host: SimulatedWindowsHost;
  let control: SimulatedHeadscale;
  let declared: Properties;
  const node = { id: "", urn: urnOf(TYPE, "win-sim"), inputs: {} as Properties, state: {} as Properties };

  beforeAll(async () => {
    if (!runs) return;
    engine = await FakeEngine.start();
    plugin = await MeshWindowsPlugin.start(launch, engine);
    host = await SimulatedWindowsHost.start({ scenario: "daemon-unreachable", backend, password: SENTINELS.password });
    control = await SimulatedHeadscale.start({ version: "0.28", apiKey: SENTINELS.apiKey, users: ["ops"] });
    // Only where the node is, and its key: the credentials and the control server are the fleet's.
    declared = { connection: { host: host.host, port: host.port }, authKey: secret(SENTINELS.authKey), joinAttempts: 2, joinRetryDelaySeconds: 1, joinTimeoutSeconds: 10 };
  }, 300_000);

  afterAll(async () => {
    await plugin?.stop();
    await host?.stop();
    await control?.close();
    await engine?.stop();
  });

  /** What the stack's config holds: `mesh-windows:password` etc., secrets as the engine sends them. */
  function fleetConfig(): Properties {
    return {
      user: host.user,
      password: secret(SENTINELS.password),
      connectDeadlineSeconds: "5",
      controlServer: secret(JSON.stringify({ kind: "headscale", url: control.url, apiKey: SENTINELS.apiKey, user: "ops" })),
      version: "0.1.0",
    };
  }

  /** Everything the engine would store or show: no sentinel outside a secret. */
  function expectNoExposedSecret(where: string, properties: Properties): void {
    expect([where, exposedSecrets(properties, SECRET_VALUES)]).toEqual([where, []]);
    scan.value(where, revealedNonSecrets(properties));
  }

  async function expectFailure(where: string, run: Promise<unknown>, pattern: RegExp): Promise<void> {
    const error = await run.then(() => new Error(`${where} did not fail`), (e: Error) => e);
    expect(error.message).toMatch(pattern);
    expect(error.message).not.toMatch(/does not support importing/);
    scan.error(where, error);
  }

  it_("GetSchema serves the generated schema", async () => {
    const generated = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "plugin", "schema.json"), "utf8")) as unknown;
    expect(await plugin.getSchema()).toEqual(generated);
  });

  it_("CheckConfig refuses bad keys without quoting a secret, and returns good ones typed and secret", async () => {
    const bad = await plugin.checkConfig(PROVIDER_URN, {}, { passwrd: secret(SENTINELS.password), connectDeadlineSeconds: "soon", password: secret("") });
    expect(bad.failures.map((f) => f.property).sort()).toEqual(["connectDeadlineSeconds", "password", "passwrd"]);
    scan.value("CheckConfig failures", bad.failures);
    scan.value("CheckConfig's inputs with failures", bad.inputs);

    const { inputs, failures } = await plugin.checkConfig(PROVIDER_URN, {}, fleetConfig());
    expect(failures).toEqual([]);
    expect(isSecret(inputs.password)).toBe(true);
    expect(isSecret(inputs.controlServer)).toBe(true);
    expect(revealed(inputs)).toMatchObject({ connectDeadlineSeconds: 5, controlServer: { kind: "headscale", apiKey: SENTINELS.apiKey }, version: "0.1.0" });
    expectNoExposedSecret("CheckConfig's inputs", inputs);
    expect(await plugin.configure(inputs)).toEqual({ acceptSecrets: true, supportsPreview: true });
  });

  it_("Check accepts unknowns and wrapped secrets, keeps secrets secret and stores none of the configuration", async () => {
    const preview = await plugin.check(node.urn, {}, { connection: { host: PULUMI_UNKNOWN, port: PULUMI_UNKNOWN }, authKey: secret(PULUMI_UNKNOWN) });
    expect(preview.failures).toEqual([]);
    const unknownConnection = await plugin.check(node.urn, {}, { connection: PULUMI_UNKNOWN, authKey: secret(SENTINELS.authKey) });
    expect(unknownConnection.failures).toEqual([]);

    // The fleet's control server (configuration) can mint the key of a node that declares none.
    expect((await plugin.check(node.urn, {}, { connection: declared.connection })).failures).toEqual([]);
    const bad = await plugin.check(node.urn, {}, { connection: { port: 70000, password: secret(`${SENTINELS.password}\n`) }, authKey: secret(" ") });
    expect(bad.failures.map((f) => f.property).sort()).toEqual(["authKey", "connection.host", "connection.port"]);
    scan.value("Check's failures", bad.failures);
    scan.value("Check's inputs with failures", bad.inputs);

    const { inputs, failures } = await plugin.check(node.urn, {}, declared);
    expect(failures).toEqual([]);
    expect(isSecret(inputs.authKey)).toBe(true);
    expect(revealed(inputs).connection).toEqual(declared.connection);
    expect(revealed(inputs).controlServer).toBeUndefined();
    expect(revealed(inputs).providerVersion).toEqual(expect.any(String));
    expectNoExposedSecret("Check's inputs", inputs);
    node.inputs = inputs;
  });

  it_("Create during a preview changes nothing on the host and leaves the status unknown", async () => {
    const before = await host.state();
    const { properties } = await plugin.create(node.urn, node.inputs, true);
    expect(revealed(properties)).toMatchObject({ state: PULUMI_UNKNOWN, joinScript: PULUMI_UNKNOWN, joinScriptPath: JOIN_SCRIPT_PATH });
    expect(isSecret(properties.joinScript)).toBe(true);
    expect(host.payloads).toEqual([]);
    expect(await host.state()).toEqual(before);
  });

  it_("Create ends pending-manual, with the join script secret, and reports progress through the engine's Log", async () => {
    const created = await plugin.create(node.urn, node.inputs);
    node.id = created.id;
    node.state = created.properties;
    const plain = revealed(created.properties);
    expect(created.id).toBe(`${host.user}@${host.host}:${host.port}`);
    expect(plain).toMatchObject({ state: "pending-manual", pendingReason: "daemon-unreachable", connection: declared.connection });
    for (const key of ["joinScript", "authKey", "connection"]) expect([key, isSecret(created.properties[key])]).toEqual([key, true]);
    expect(plain.joinScript).not.toBe("");
    expect(plain.controlServer).toBeUndefined();
    expectNoExposedSecret("Create's outputs", created.properties);
    const lines = engine.logs.filter((log) => log.urn === node.urn).map((log) => log.message);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/joining \(2 attempt/), expect.stringMatching(/wrote .*join-mesh\.ps1/)]));
    expect(fileAt(await host.state(), JOIN_SCRIPT_PATH)).toBeDefined();
  }, 120_000);

  it_("Read (refresh) sees the node joined once a person ran the join script", async () => {
    expect((await host.runJoinScriptInteractively(JOIN_SCRIPT_PATH)).exitCode).toBe(0);
    control.registerNode({ hostname: "win-01", ips: (await host.state()).adapterIps, user: "ops" });
    const read = await plugin.read(node.id, node.urn, node.state, node.inputs);
    node.state = read.properties;
    expect(revealed(read.properties)).toMatchObject({ state: "joined", joinScript: "", manualCommand: "", drift: [] });
    expect(revealed(read.properties).tailscaleIps).not.toEqual([]);
    expect(read.inputs).toEqual(node.inputs);
    expectNoExposedSecret("Read's outputs", read.properties);
  }, 60_000);

  it_("Diff: the same inputs are no change (the configuration's defaults included); a delete option updates; another host replaces", async () => {
    expect(await plugin.diff(node.id, node.urn, node.state, node.inputs, node.inputs)).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
    const moved = (await plugin.check(node.urn, node.inputs, { ...declared, connection: { host: "10.0.0.9", port: host.port } })).inputs;
    expect(await plugin.diff(node.id, node.urn, node.state, moved, node.inputs)).toEqual({ changes: "some", replaces: ["connection.host"], deleteBeforeReplace: false });
    declared = { ...declared, onDelete: { logout: true } };
    const { inputs } = await plugin.check(node.urn, node.inputs, declared);
    expect(await plugin.diff(node.id, node.urn, node.state, inputs, node.inputs)).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
  });

  it_("Update records the change without a new join, and then nothing differs", async () => {
    const { inputs } = await plugin.check(node.urn, node.inputs, declared);
    const before = await host.state();
    const preview = await plugin.update(node.id, node.urn, node.state, inputs, node.inputs, true);
    expect(revealed(preview).state).toBe(PULUMI_UNKNOWN);
    expect(await host.state()).toEqual(before);
    const updated = await plugin.update(node.id, node.urn, node.state, inputs, node.inputs);
    node.inputs = inputs;
    node.state = updated;
    expect(revealed(updated)).toMatchObject({ state: "joined", onDelete: { logout: true } });
    expectNoExposedSecret("Update's outputs", updated);
    expect((await plugin.diff(node.id, node.urn, node.state, node.inputs, node.inputs)).changes).toBe("none");
  }, 120_000);

  it_("import by id adopts the joined host without an auth key; its check, diff and the next up change nothing", async () => {
    const before = await host.state();
    const urn = urnOf(TYPE, "win-imported");
    const imported = await plugin.read(`${host.user}@${host.host}:${host.port}`, urn);
    expect(imported.inputs).toBeDefined();
    const inputs = imported.inputs!;
    expect(revealed(inputs)).toMatchObject({ connection: { host: host.host, port: host.port, user: host.user } });
    expect(revealed(inputs).authKey).toBeUndefined();
    expect(revealed(imported.properties)).toMatchObject({ state: "joined", pendingReason: "", joinScript: "", manualCommand: "", hostKey: host.hostKeyFingerprint });
    expect(revealed(imported.properties).tailscaleIps).not.toEqual([]);
    expect(isSecret(imported.properties.joinScript)).toBe(true);
    expectNoExposedSecret("import's outputs", imported.properties);
    expectNoExposedSecret("import's inputs", inputs);
    // `pulumi import`: Check, then Diff of the checked inputs against what Read found.
    const checked = await plugin.check(urn, inputs, inputs);
    expect(checked.failures).toEqual([]);
    expect(await plugin.diff(imported.id, urn, imported.properties, checked.inputs, inputs)).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
    // The next `pulumi up` with the generated code: the same values, from a program.
    const { providerVersion: _set, ...generated } = revealed(inputs);
    const program = (await plugin.check(urn, checked.inputs, generated)).inputs;
    expect(await plugin.diff(imported.id, urn, imported.properties, program, checked.inputs)).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
    expect(stateWithoutLogs(await host.state())).toEqual(stateWithoutLogs(before));
  }, 60_000);

  // The refusals need no PowerShell: the TypeScript model answers them for both launches.
  (backend === "ts" ? it_ : it.skip)("import refuses, each with its own error: an unreachable host, a host without Tailscale, a host not on the mesh", async () => {
    const closed = await SimulatedWindowsHost.start({ scenario: "clean-join-first-try", password: SENTINELS.password });
    const bare = await SimulatedWindowsHost.start({ scenario: "clean-join-first-try", password: SENTINELS.password });
    const unjoined = await SimulatedWindowsHost.start({ scenario: "already-installed-same-version", password: SENTINELS.password });
    const closedPort = closed.port;
    await closed.stop();
    try {
      await expectFailure("import of an unreachable host", plugin.read(`127.0.0.1:${closedPort}`, urnOf(TYPE, "a")), /cannot import: the host does not answer over SSH/);
      await expectFailure("import of a host without Tailscale", plugin.read(`127.0.0.1:${bare.port}`, urnOf(TYPE, "b")), /cannot import: Tailscale is not installed/);
      await expectFailure("import of a host not on the mesh", plugin.read(`127.0.0.1:${unjoined.port}`, urnOf(TYPE, "c")), /cannot import: the host is not on the mesh[\s\S]*no Tailscale address/);
      await expectFailure("import with a malformed id", plugin.read("admin@", urnOf(TYPE, "d")), /is not a node id[\s\S]*user@host:port/);
    } finally {
      await bare.stop();
      await unjoined.stop();
    }
  }, 120_000);

  it_("Delete removes the join script and leaves no key file", async () => {
    await plugin.delete(node.id, node.urn, node.state, node.inputs);
    const state = await host.state();
    expect(fileAt(state, JOIN_SCRIPT_PATH)).toBeUndefined();
    expect(keyFilesOf(state)).toEqual([]);
  }, 60_000);

  it_("no sentinel reached a Log call, an error, a non-secret output or anything the plugin printed", () => {
    expect(engine.logs.length).toBeGreaterThan(0);
    for (const [i, log] of engine.logs.entries()) scan.text(`Log call ${i}`, log.message);
    scan.text("the plugin's stdout and stderr", plugin.printed);
    expect(scan.found).toEqual([]);
  });
});

/** The properties with every value wrapped as a secret left out: what the engine shows in the clear. */
function revealedNonSecrets(value: unknown): unknown {
  if (isSecret(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(revealedNonSecrets);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealedNonSecrets(v)]));
  return value;
}

/** What an import may change on the host: nothing but the log of processes a probe starts. */
function stateWithoutLogs(state: HostState): Omit<HostState, "processLog"> {
  const { processLog: _log, ...rest } = state;
  return rest;
}
