/**
 * One lifecycle operation against one host: one SSH session, one Redactor holding the operation's
 * secrets, one progress sink. Every step of the operation runs through here.
 */
import { MeshError } from "../common/errors";
import type { Redactor } from "../common/redact";
import type { StepName, StepTypes } from "../scripts/catalogue";
import { stepScriptParts } from "../scripts";
import { openSession } from "../transport/session";
import type { ConnectionSettings, RemoteSession } from "../transport/types";

export interface OperationOptions {
  /** Receives human progress lines (pulumi up shows the provider's stderr). */
  log?: (line: string) => void;
}

/** Steps that can safely run again after the connection dropped in their middle. */
const IDEMPOTENT: Record<StepName, boolean> = { probe: true, stage: true, append: false, install: true, join: true, configure: true, cleanup: true };

export class Operation {
  private constructor(
    readonly label: string,
    readonly session: RemoteSession,
    readonly redactor: Redactor,
    private readonly sink: (line: string) => void,
    private readonly stepTimeoutMs: number,
  ) {}

  /**
   * `redactor` holds the operation's secrets; it is shared with the control-server client of the
   * same operation, so a key minted mid-operation is redacted from the SSH side's lines too.
   */
  static async open(
    settings: ConnectionSettings,
    redactor: Redactor,
    stepTimeoutMs: number,
    options: OperationOptions = {},
  ): Promise<Operation> {
    const label = hostLabel(settings);
    const sink = options.log ?? (() => undefined);
    const session = await openSession(settings, { label, redactor, log: (line) => sink(redactor.text(line)), stepTimeoutMs, appendScript: stepScriptParts("append") });
    return new Operation(label, session, redactor, sink, stepTimeoutMs);
  }

  log(message: string): void {
    this.sink(this.redactor.text(`[${this.label}] ${message}`));
  }

  async step<K extends StepName>(name: K, params: StepTypes[K]["params"]): Promise<StepTypes[K]["result"]> {
    const started = Date.now();
    const result = await this.session.run<StepTypes[K]["result"]>({
      name,
      script: stepScriptParts(name),
      params,
      timeoutMs: this.stepTimeoutMs,
      idempotent: IDEMPOTENT[name],
    });
    // A step's single pipeline output is its result; anything else means the script printed stray objects.
    if (result === null || typeof result !== "object" || Array.isArray(result)) {
      throw new MeshError("the host returned a malformed step result", {
        kind: "step-failed",
        host: this.label,
        step: name,
        seen: this.redactor.text(JSON.stringify(result)).slice(0, 300),
        hint: "this is a bug in the provider's script; please report it with the provider version",
      });
    }
    this.log(`${name} done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return result;
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

/** Runs `body` with an open operation and always closes the connection. */
export async function withOperation<T>(
  settings: ConnectionSettings,
  redactor: Redactor,
  stepTimeoutMs: number,
  options: OperationOptions,
  body: (op: Operation) => Promise<T>,
): Promise<T> {
  const op = await Operation.open(settings, redactor, stepTimeoutMs, options);
  try {
    return await body(op);
  } finally {
    await op.close();
  }
}

export function hostLabel(settings: Pick<ConnectionSettings, "host" | "port">): string {
  return settings.port === 22 ? settings.host : `${settings.host}:${settings.port}`;
}
