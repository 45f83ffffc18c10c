/**
 * delete (pulumi destroy): remove every secret the provider left on the host (join script, key
 * files); log out and uninstall only when the inputs ask for it.
 */
import { DEFAULT_STATE_DIR, type CleanupResult } from "../scripts/catalogue";
import { connectionSettings, secretsOf, withDefaults } from "./inputs";
import type { NodeOutputs } from "./model";
import { withOperation, type OperationOptions } from "./operation";

export async function deleteNode(previous: NodeOutputs, options: OperationOptions = {}): Promise<CleanupResult> {
  const inputs = withDefaults(previous);
  const settings = connectionSettings(inputs.connection, previous.hostKey);
  return withOperation(settings, secretsOf(inputs), inputs.stepTimeoutSeconds * 1000, options, async (op) => {
    const result = await op.step("cleanup", {
      joinScriptPath: inputs.joinScriptPath,
      stateDir: DEFAULT_STATE_DIR,
      logout: inputs.onDelete.logout ?? false,
      uninstall: inputs.onDelete.uninstall ?? false,
    });
    for (const message of result.messages) op.log(message);
    op.log(result.removed.length ? `removed ${result.removed.join(", ")}` : "nothing of ours left on the host");
    return result;
  });
}
