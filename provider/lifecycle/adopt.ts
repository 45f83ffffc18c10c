/**
 * import: adopt a Windows host that already has Tailscale and is on the mesh. One passive probe
 * (with controlServer, the server's node list at the same time), as a refresh does: nothing on the
 * host changes. What the host shows becomes the node's inputs (where it is, and the LoginURL and
 * Hostname policies a join writes), so that the next `pulumi up` with those inputs has nothing to
 * do, and the outputs are those a create would have left. No auth key is needed: the node has
 * joined (the host itself has a Tailscale address). A host that does not answer, has no Tailscale,
 * or is not on the mesh is refused, each
 * with its own error: importing it would record a node that does not exist.
 */
import { MeshError, isMeshError } from "../common/errors";
import { withoutUndefined } from "../common/objects";
import { Redactor } from "../common/redact";
import { secretsOf, withDefaults } from "../node";
import type { NodeInputs, NodeOutputs } from "../node/types";
import type { ProbeResult } from "../scripts/catalogue";
import { connectionSettings } from "./connection-settings";
import { readControlServer } from "./control";
import { applyProbe } from "./inspect";
import { hostLabel, withOperation, type OperationOptions } from "./operation";
import { outputsOf, unsetInputs } from "./outputs";
import { probeParams } from "./probe-params";

/** As a refresh: a host that is down should not hold an import for the full create deadline. */
const ADOPT_CONNECT_DEADLINE_MS = 60_000;

export interface Adopted {
  inputs: NodeInputs;
  outputs: NodeOutputs;
}

export async function adoptNode(raw: NodeInputs, options: OperationOptions = {}): Promise<Adopted> {
  const inputs = withDefaults(raw);
  const redactor = new Redactor(secretsOf(inputs));
  const settings = connectionSettings(inputs.connection);
  settings.connectDeadlineMs = Math.min(settings.connectDeadlineMs, ADOPT_CONNECT_DEADLINE_MS);
  const label = hostLabel(settings);
  const [seen, control] = await Promise.all([
    withOperation(settings, redactor, inputs.stepTimeoutSeconds * 1000, options, async (op) => ({
      probe: await op.step("probe", probeParams(inputs.joinScriptPath)),
      hostKey: op.session.hostKeyFingerprint,
    })).catch((error: unknown) => {
      throw unreachable(error, label);
    }),
    readControlServer(inputs.controlServer, redactor),
  ]);
  const { probe, hostKey } = seen;
  if (!probe.tailscale.installed) {
    throw refused(label, "Tailscale is not installed on the host", "no Tailscale found (tailscale.exe missing)");
  }
  const adoptedInputs = withoutUndefined({
    ...raw,
    loginServer: raw.loginServer ?? probe.policy.loginUrl ?? undefined,
    hostname: raw.hostname ?? probe.policy.hostname ?? undefined,
  });
  const unjoined = outputsOf(withDefaults(adoptedInputs), {
    state: "pending-manual",
    pendingReason: "",
    tailscaleIps: [],
    nodeName: "",
    tailscaleVersion: "",
    hostKey,
    joinScript: "",
    manualCommand: "",
    attempts: [],
    defaultedInputs: unsetInputs(adoptedInputs),
  });
  // The host's own word: a control server's node of the same name may be another machine.
  if (probe.tailscaleIps.length === 0) throw refused(label, "the host is not on the mesh", notJoinedSeen(probe));
  const outputs = applyProbe(unjoined, probe, control);
  return { inputs: adoptedInputs, outputs: { ...outputs, nodeName: outputs.nodeName || probe.policy.hostname || "" } };
}

function unreachable(error: unknown, label: string): unknown {
  if (!isMeshError(error, "ssh-unreachable") && !isMeshError(error, "step-timeout") && !isMeshError(error, "ssh-dropped")) return error;
  return new MeshError("cannot import: the host does not answer over SSH", {
    kind: "ssh-unreachable",
    host: label,
    step: "import",
    seen: error.message.split("\n")[0],
    hint: "check the host and port in the id (user@host:port), that the machine is up and its OpenSSH server runs, and raise connectDeadlineSeconds if it is still booting",
  });
}

function refused(label: string, summary: string, seen: string): MeshError {
  return new MeshError(`cannot import: ${summary}`, {
    kind: "not-importable",
    host: label,
    step: "import",
    seen,
    hint: "import adopts a host that has already joined the mesh; to put this one on the mesh, declare the node without importing it (with authKey or controlServer) and run pulumi up",
  });
}

function notJoinedSeen(probe: ProbeResult): string {
  const service = probe.service ? `the Tailscale service is ${probe.service.status}` : "there is no Tailscale service";
  return `Tailscale ${probe.tailscale.version ?? "(version unknown)"} is installed, ${service}, and the host has no Tailscale address`;
}
