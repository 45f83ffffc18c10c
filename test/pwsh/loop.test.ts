/**
 * The step loop on the pwsh back end: the provider's own loader and loop in real pwsh behind the
 * simulated SSH server, one process for the steps of a session, a step that throws, a step that
 * hangs, a link dropped mid-loop. Skipped loudly without pwsh (failed in CI).
 */
import { isMeshError } from "../../provider/common/errors";
import { initialHostState, scenarioByName } from "../../simulator";
import { PwshHostBackend } from "../../simulator/backends/pwsh";
import { Fixture, failureOf, LABEL } from "../support/sim-fixture";
import { toolsPresent } from "../support/tools";

const describePwsh = toolsPresent("pwsh back end loop tests", "pwsh") ? describe : describe.skip;
jest.setTimeout(120_000);

const fixture = new Fixture();
let backend: PwshHostBackend;

beforeAll(async () => {
  const scenario = scenarioByName("clean-join-first-try");
  backend = await PwshHostBackend.create(scenario, initialHostState(scenario));
});
afterEach(() => fixture.closeAll());
afterAll(() => backend?.dispose());

const SHARED = "param($p)\nfunction Get-Answer { [pscustomobject]@{ pid = $PID; n = $p.n } }";

describePwsh("the step loop in pwsh", () => {
  test("several steps run in one process; a step that throws is answered and the loop reads on", async () => {
    const { server } = await fixture.server({ backend });
    const session = await fixture.session(fixture.settings(server));
    const first = await session.run<{ pid: number }>({ name: "one", script: [SHARED, "Get-Answer"], params: { n: 1 } });
    const error = await failureOf(session.run({ name: "boom", script: [SHARED, "throw 'boom'"], params: {} }));
    expect(isMeshError(error, "step-failed")).toBe(true);
    expect(error.message).toContain(`[${LABEL}] boom: the step failed on the host: boom`);
    expect(await session.run({ name: "three", script: [SHARED, "Get-Answer"], params: { n: 3 } })).toEqual({ pid: first.pid, n: 3 });
    expect(server.stats).toMatchObject({ connections: 1, execs: 1, steps: 3 });
  });

  test("a step that hangs times out naming host and step, and the next step runs in a new process", async () => {
    const { server } = await fixture.server({ backend, hangInStep: "stuck" });
    const session = await fixture.session(fixture.settings(server));
    const before = await session.run<{ pid: number }>({ name: "one", script: [SHARED, "Get-Answer"], params: { n: 1 } });
    const error = await failureOf(session.run({ name: "stuck", script: [SHARED, "Get-Answer"], params: {}, timeoutMs: 1500 }));
    expect(isMeshError(error, "step-timeout")).toBe(true);
    expect(error.message).toContain(`[${LABEL}] stuck:`);
    const after = await session.run<{ pid: number }>({ name: "two", script: [SHARED, "Get-Answer"], params: { n: 2 } });
    expect(after.pid).not.toBe(before.pid);
    expect(server.stats).toMatchObject({ connections: 1, execs: 2 });
  });

  test("a link dropped mid-loop: an idempotent step runs again in a new process over a new connection", async () => {
    const { server } = await fixture.server({ backend, dropInStep: "cut" });
    const session = await fixture.session(fixture.settings(server));
    const before = await session.run<{ pid: number }>({ name: "one", script: [SHARED, "Get-Answer"], params: { n: 1 } });
    const again = await session.run<{ pid: number; n: number }>({ name: "cut", script: [SHARED, "Get-Answer"], params: { n: 2 }, idempotent: true });
    expect(again.n).toBe(2);
    expect(again.pid).not.toBe(before.pid);
    expect(server.stats).toMatchObject({ connections: 2, execs: 2 });
    expect(server.payloads.map((p) => p.step)).toEqual(["one", "cut", "cut"]);
  });
});
