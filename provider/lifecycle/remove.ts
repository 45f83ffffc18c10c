/**
 * delete (pulumi destroy): remove every secret the provider left on the host (join script, key
 * files), the daemon's environment keys and the system policies the node wrote, and expire a minted
 * key a pending join script still held; log out, uninstall and remove the node from the control
 * server only when the inputs ask for it.
 */
import { MeshError } from "../common/errors";
import { Redactor } from "../common/redact";
import { DEFAULT_STATE_DIR, type CleanupResult } from "../scripts/catalogue";
import { controlClientFor, expireKey, hasCredential, removeNode } from "./control";
import { secretsOf, withDefaults } from "../node";
import { connectionSettings } from "./connection-settings";
import { daemonEnvChange } from "./daemon-env";
import { writtenPolicyValues } from "./policies";
import type { NodeOutputs } from "../node/types";
import { withOperation, type OperationOptions } from "./operation";

export async function deleteNode(previous: NodeOutputs, options: OperationOptions = {}): Promise<CleanupResult> {
  const inputs = withDefaults(previous);
  const settings = connectionSettings(inputs.connection, previous.hostKey);
  const redactor = new Redactor(secretsOf(inputs));
  const removeFromControlServer = inputs.onDelete.removeFromControlServer;
  if (removeFromControlServer && !inputs.controlServer) {
    throw new MeshError("onDelete.removeFromControlServer is set but there is no controlServer", {
      kind: "invalid-input",
      step: "delete",
      hint: "set controlServer (with its apiKey or OAuth client) so the node can be removed through its API, or set onDelete.removeFromControlServer to false",
    });
  }
  // Made before the host is touched, so a missing credential fails the delete while nothing has changed.
  const control =
    inputs.controlServer && (removeFromControlServer || hasCredential(inputs.controlServer)) ? controlClientFor(inputs.controlServer, redactor) : undefined;
  return withOperation(settings, redactor, inputs.stepTimeoutSeconds * 1000, options, async (op) => {
    const log = (line: string) => op.log(line);
    const result = await op.step("cleanup", {
      joinScriptPath: inputs.joinScriptPath,
      stateDir: DEFAULT_STATE_DIR,
      logout: inputs.onDelete.logout,
      uninstall: inputs.onDelete.uninstall,
      // What the node's last outputs say it wrote, and nothing else: as if its inputs were all unset.
      daemonEnv: daemonEnvChange({}, previous),
      writtenPolicies: writtenPolicyValues({}, previous).map((policy) => policy.name),
    });
    for (const message of result.messages) op.log(message);
    op.log(result.removed.length ? `removed ${result.removed.join(", ")}` : "nothing of ours left on the host");

    const pendingKey = previous.mintedKey;
    if (pendingKey && control) await expireKey(control, pendingKey, "the node is deleted", log);
    else if (pendingKey) op.log(`the key ${pendingKey.id} minted for the manual join stays valid until ${pendingKey.expiresAt} (no control-server credential to expire it)`);
    if (control && removeFromControlServer) {
      // The addresses recorded before the cleanup, which may have logged the host out.
      const ips = [...previous.tailscaleIps, ...(previous.controlNode?.ips ?? [])];
      const hostname = inputs.hostname || previous.nodeName || previous.controlNode?.name || "";
      await removeNode(control, { ips: [...new Set(ips)], hostname }, log);
    }
    return result;
  });
}
