/**
 * MeshWindowsNodeProvider: the Pulumi dynamic provider. Deliberately thin: each method translates
 * between Pulumi's shapes and the lifecycle, so the engine is tested without Pulumi.
 *
 * The engine serializes this object into the stack's state. It captures no secret and no state:
 * everything a method needs arrives in its arguments.
 */
import type * as pulumi from "@pulumi/pulumi";
import { randomUUID } from "crypto";

import * as engine from "../lifecycle";
import type { NodeInputs, NodeOutputs } from "../node/types";

/** Progress lines: the dynamic-provider plugin shows its stderr during `pulumi up` (pulumi#18253). */
function log(line: string): void {
  process.stderr.write(line + "\n");
}

export class MeshWindowsNodeProvider implements pulumi.dynamic.ResourceProvider {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return engine.checkForPulumi(news);
  }

  async diff(_id: string, olds: NodeOutputs, news: NodeInputs): Promise<pulumi.dynamic.DiffResult> {
    const { changes, replaces, deleteBeforeReplace } = engine.diffNode(olds, news);
    return { changes, replaces, deleteBeforeReplace };
  }

  async create(inputs: NodeInputs): Promise<pulumi.dynamic.CreateResult> {
    const outs = await engine.createNode(inputs, { log });
    return { id: randomUUID(), outs };
  }

  async read(id: string, props: NodeOutputs): Promise<pulumi.dynamic.ReadResult> {
    const { outputs } = await engine.readNode(props, { log });
    return { id, props: outputs };
  }

  async update(_id: string, olds: NodeOutputs, news: NodeInputs): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: await engine.updateNode(olds, news, { log }) };
  }

  async delete(_id: string, props: NodeOutputs): Promise<void> {
    await engine.deleteNode(props, { log });
  }
}
