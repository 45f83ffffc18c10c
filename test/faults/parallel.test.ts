/**
 * Fifty nodes created, refreshed and deleted at the same time, each on its own simulated Windows
 * host (TypeScript back end), every fifth one ending pending-manual. No cross-talk: each host holds
 * only its own node's name, key, login server and tags; each operation's outputs and progress lines
 * speak of its own host only.
 */
import { randomBytes } from "crypto";
import { readNode } from "../../provider/lifecycle/inspect";
import type { NodeInputs, NodeOutputs } from "../../provider/node/types";
import { createNode } from "../../provider/lifecycle/provision";
import { deleteNode } from "../../provider/lifecycle/remove";
import { readJoinScriptData } from "../../provider/scripts";
import { POLICY_KEYS } from "../../provider/scripts/catalogue";
import { SimulatedWindowsHost, scenarioByName, tailnetAddressesFor } from "../../simulator";
import { fileAt, JOIN_SCRIPT_PATH, keyFilesOf, Log, nodeInputs } from "./harness";

jest.setTimeout(180_000);

const NODES = 50;

interface Node {
  host: SimulatedWindowsHost;
  inputs: NodeInputs;
  log: Log;
  pending: boolean;
  computerName: string;
  /** Strings that belong to this node alone: its key, name, login server, tag and SSH password. */
  own: string[];
}

const nodes: Node[] = [];
afterAll(async () => {
  await Promise.all(nodes.map((node) => node.host.stop()));
});

async function startNode(index: number): Promise<Node> {
  const n = String(index).padStart(2, "0");
  const pending = index % 5 === 0;
  const base = scenarioByName(pending ? "daemon-unreachable" : "clean-join-first-try");
  const computerName = `WIN-P${n}`;
  const host = await SimulatedWindowsHost.start({ scenario: { ...base, name: `${base.name} #${n}`, host: { ...base.host, computerName } } });
  const authKey = `tskey-auth-kNODE${n}x-${randomBytes(8).toString("hex")}`;
  const inputs = nodeInputs(host, authKey, { hostname: `node-${n}`, loginServer: `https://hs-${n}.example.com`, advertiseTags: [`tag:node-${n}`] });
  return { host, inputs, log: new Log(), pending, computerName, own: [authKey, `node-${n}`, `hs-${n}.example.com`, `tag:node-${n}`, host.password] };
}

/** What each node's host and operations may not mention: anything that belongs to another node. */
function crossTalk(node: Node, texts: Record<string, string>): string[] {
  const found: string[] = [];
  for (const other of nodes) {
    if (other === node) continue;
    for (const [where, text] of Object.entries(texts)) {
      for (const foreign of other.own) if (text.includes(foreign)) found.push(`${foreign} in ${where} of ${node.computerName}`);
      if (new RegExp(`127\\.0\\.0\\.1:${other.host.port}(?!\\d)`).test(text)) found.push(`${other.computerName}'s address in ${where} of ${node.computerName}`);
    }
  }
  return found;
}

test(`${NODES} nodes in parallel: created, refreshed and deleted without cross-talk`, async () => {
  nodes.push(...(await Promise.all(Array.from({ length: NODES }, (_, i) => startNode(i)))));

  const created = await Promise.all(nodes.map((node) => createNode(node.inputs, { log: node.log.log })));
  const refreshed = await Promise.all(created.map((outputs, i) => readNode(outputs, { log: nodes[i].log.log })));

  const problems: string[] = [];
  await Promise.all(
    nodes.map(async (node, i) => {
      const outputs: NodeOutputs = refreshed[i].outputs;
      const state = await node.host.state();
      expect(created[i].hostKey).toBe(node.host.hostKeyFingerprint);
      expect(outputs.state).toBe(node.pending ? "pending-manual" : "joined");
      expect(state.registry[POLICY_KEYS[0]]).toEqual({ LoginURL: node.inputs.loginServer, Hostname: node.inputs.hostname, UnattendedMode: "always" });
      if (node.pending) {
        const data = readJoinScriptData(fileAt(state, JOIN_SCRIPT_PATH)!.content);
        expect([data.authKey, data.policy.hostname]).toEqual([node.inputs.authKey, node.inputs.hostname]);
      } else {
        expect(outputs.tailscaleIps).toEqual(tailnetAddressesFor(node.computerName));
        expect(state.tailscale).toMatchObject({ nodeName: node.inputs.hostname, loggedInLoginServer: node.inputs.loginServer });
      }
      expect(node.host.payloads.filter((payload) => payload.step === "join").map((payload) => (payload.params as { authKey: string }).authKey)).toEqual([node.inputs.authKey]);
      problems.push(
        ...crossTalk(node, {
          "the host's state": JSON.stringify(state),
          "the payloads it received": JSON.stringify(node.host.payloads),
          "the outputs": JSON.stringify([created[i], outputs]),
          "the progress lines": node.log.lines.join("\n"),
        }),
      );
    }),
  );
  expect(problems).toEqual([]);

  await Promise.all(refreshed.map(({ outputs }, i) => deleteNode(outputs, { log: nodes[i].log.log })));
  for (const node of nodes) {
    const state = await node.host.state();
    expect([node.computerName, keyFilesOf(state), fileAt(state, JOIN_SCRIPT_PATH)]).toEqual([node.computerName, [], undefined]);
  }
});
