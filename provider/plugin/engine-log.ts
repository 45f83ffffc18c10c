/**
 * Progress lines for `pulumi up`. The engine hides a resource plugin's stdout and stderr, so each
 * line goes through the engine's Log RPC with the resource's URN: the CLI shows it under that
 * resource while the install and every join attempt run. Lines are sent in order; an operation's
 * answer waits until its lines are delivered. Without an engine address (the plugin started by
 * hand), lines go to stderr.
 */
import * as grpc from "@grpc/grpc-js";
import * as engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";

import type { Redactor } from "../common/redact";

export class EngineLog {
  private readonly client?: engineGrpc.EngineClient;
  private delivered: Promise<void> = Promise.resolve();

  constructor(engineAddress: string | undefined) {
    if (engineAddress) this.client = new engineGrpc.EngineClient(engineAddress, grpc.credentials.createInsecure());
  }

  /**
   * A sink for one operation's lines, redacted with the operation's secrets (the lifecycle redacts
   * them already; this is the last gate before they leave the plugin).
   */
  sink(urn: string, redactor: Redactor): (line: string) => void {
    return (line) => this.info(urn, redactor.text(line));
  }

  info(urn: string, message: string): void {
    const client = this.client;
    if (!client) {
      process.stderr.write(`${message}\n`);
      return;
    }
    const request = new engineProto.LogRequest().setSeverity(engineProto.LogSeverity.INFO).setMessage(message).setUrn(urn);
    this.delivered = this.delivered.then(
      () =>
        new Promise<void>((resolve) => {
          // A lost progress line must not fail the operation it describes.
          client.log(request, () => resolve());
        }),
    );
  }

  /** Resolves once every line sent so far has been answered by the engine. */
  flushed(): Promise<void> {
    return this.delivered;
  }

  close(): void {
    this.client?.close();
  }
}
