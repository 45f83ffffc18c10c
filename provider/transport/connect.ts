/**
 * Connecting with patience: a VM that is still booting refuses or ignores SSH for a while, so dials
 * are retried with jittered exponential backoff until the deadline or the dial-error limit. Only
 * network failures are retried; authentication and host-key failures end the attempt at once.
 */
import type { Duplex } from "stream";
import type { Client } from "ssh2";
import { backOff } from "exponential-backoff";
import { MeshError } from "../common/errors";
import { dialHop, hopAddress, LiveConnection, RetryableDialError, type DialContext, type Hop } from "./dial";

export interface ConnectPlan {
  target: Hop;
  /** The jump host the target is reached through, if any. */
  jump?: Hop;
  /** Time allowed for the whole connection, all attempts included. */
  connectDeadlineMs: number;
}

/** Delays between dials: 250 ms doubling, full jitter, at most 3 s so a host that comes up is found soon. */
const BACKOFF = { startingDelay: 250, timeMultiple: 2, maxDelay: 3000, jitter: "full" as const };

const DEADLINE = Symbol("deadline");

export async function connectWithRetry(plan: ConnectPlan, context: DialContext): Promise<LiveConnection> {
  const started = Date.now();
  const deadline = started + plan.connectDeadlineMs;
  const failures = new Map<Hop, number>();
  let attempts = 0;
  let lastError: RetryableDialError | undefined;
  let abandoned = false;
  let inFlight: Promise<LiveConnection> | undefined;

  const underLimit = (hop: Hop) => hop.dialErrorLimit < 0 || (failures.get(hop) ?? 0) < Math.max(1, hop.dialErrorLimit);
  const attempt = async (): Promise<LiveConnection> => {
    // The backoff may wake after the deadline already ended the wait: dial no more.
    if (abandoned || deadline - Date.now() <= 0) throw lastError ?? new RetryableDialError(plan.target, "deadline passed");
    attempts++;
    inFlight = dialOnce(plan, deadline, context);
    try {
      return await inFlight;
    } catch (error) {
      if (error instanceof RetryableDialError) {
        lastError = error;
        failures.set(error.hop, (failures.get(error.hop) ?? 0) + 1);
      }
      throw error;
    } finally {
      inFlight = undefined;
    }
  };
  const dialing = backOff(attempt, {
    ...BACKOFF,
    numOfAttempts: Number.POSITIVE_INFINITY,
    retry: (error: unknown) => {
      const again = !abandoned && error instanceof RetryableDialError && underLimit(error.hop) && Date.now() < deadline;
      // A booting VM can take minutes: say why we are still waiting.
      if (again) context.log?.(`[${context.label}] connect: ${hopAddress(error.hop)} not reachable yet (${context.redactor.text(error.message)}); retrying`);
      return again;
    },
  });

  // The backoff's own sleep cannot be cut short, so the deadline is a race: never sleep past it.
  let timer: NodeJS.Timeout | undefined;
  const deadlinePassed = new Promise<typeof DEADLINE>((resolve) => {
    timer = setTimeout(() => resolve(DEADLINE), plan.connectDeadlineMs);
  });
  let delivered: LiveConnection | undefined;
  try {
    const outcome = await Promise.race([dialing, deadlinePassed]);
    if (outcome !== DEADLINE) return (delivered = outcome);
    abandoned = true;
    // A dial in flight ends by itself at the deadline (its timeouts are cut to it): its outcome is
    // the most telling error, or a connection made just in time.
    delivered = await inFlight?.catch((error: unknown) => {
      if (error instanceof MeshError) throw error;
      return undefined;
    });
    if (delivered) return delivered;
  } catch (error) {
    if (error instanceof MeshError) throw error;
  } finally {
    abandoned = true;
    clearTimeout(timer);
    // Whatever the backoff still delivers after we stopped waiting must not stay open.
    dialing.then(
      (extra) => {
        if (extra !== delivered) void extra.close();
      },
      () => undefined,
    );
  }
  throw giveUp(plan, context, { attempts, elapsedMs: Date.now() - started, lastError, limitReached: lastError !== undefined && !underLimit(lastError.hop) });
}

function giveUp(
  plan: ConnectPlan,
  context: DialContext,
  facts: { attempts: number; elapsedMs: number; lastError?: RetryableDialError; limitReached: boolean },
): MeshError {
  const failing = facts.lastError?.hop ?? plan.target;
  const through = plan.jump ? ` through jump host ${hopAddress(plan.jump)}` : "";
  const why = facts.limitReached
    ? `the ${failing.role}'s dial error limit (${failing.dialErrorLimit}) was reached`
    : `the connect deadline (${seconds(plan.connectDeadlineMs)} s) passed`;
  return new MeshError(
    `could not connect to ${hopAddress(plan.target)}${through}: ${facts.attempts} attempt(s) over ${seconds(facts.elapsedMs)} s; ${why}`,
    {
      kind: "ssh-unreachable",
      host: context.label,
      step: "connect",
      seen: facts.lastError ? `${failing.role} ${hopAddress(failing)}: ${context.redactor.text(facts.lastError.message)}` : "no dial finished",
      hint:
        `check that the machine at ${hopAddress(failing)} has booted, that its OpenSSH server (sshd) is running and ` +
        `listening on port ${failing.port}, and that no firewall blocks it (on Windows the inbound rule ` +
        `"OpenSSH SSH Server (sshd)"); a machine that boots slowly needs a longer connect deadline`,
    },
  );
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

function readyTimeout(hop: Hop, deadline: number): number {
  // ssh2 reads 0 as "no timeout": keep at least 1 ms.
  return Math.max(1, Math.min(hop.perDialTimeoutMs, deadline - Date.now()));
}

/** One attempt: the target directly, or a jump host, a forwarded channel, and the target over it. */
async function dialOnce(plan: ConnectPlan, deadline: number, context: DialContext): Promise<LiveConnection> {
  if (!plan.jump) return new LiveConnection(await dialHop(plan.target, readyTimeout(plan.target, deadline), context));
  const jump = await dialHop(plan.jump, readyTimeout(plan.jump, deadline), context);
  try {
    const channel = await forwardTo(jump, plan.target, deadline);
    return new LiveConnection(await dialHop(plan.target, readyTimeout(plan.target, deadline), context, channel), jump);
  } catch (error) {
    jump.end();
    throw error;
  }
}

/** Asks the jump host for a channel to the target; bounded by the deadline like every other part of a dial. */
function forwardTo(jump: Client, target: Hop, deadline: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new RetryableDialError(target, `the jump host did not reach ${hopAddress(target)} before the deadline`));
    }, readyTimeout(target, deadline));
    jump.forwardOut("127.0.0.1", 0, target.host, target.port, (error, channel) => {
      clearTimeout(timer);
      if (error) reject(new RetryableDialError(target, `the jump host could not open a channel to ${hopAddress(target)}: ${error.message}`));
      else resolve(channel);
    });
  });
}
