/**
 * Node keys that expire drop servers off the mesh (tailscale#1260, #12694, #17089; headscale#2186),
 * and nothing on the host says so beforehand. This module reads a node's key expiry as the control
 * planes write it and judges it against a warning window: expired, expires soon (with the date),
 * expiry disabled, or fine. Pure: the caller passes `now`.
 */
import { MeshError } from "../common/errors";
import type { ControlNode } from "./types";

export type KeyExpiryFinding =
  | { status: "disabled"; message: string }
  | { status: "fine"; expiresAt: string }
  | { status: "expires-soon"; expiresAt: string; secondsLeft: number; message: string; hint: string }
  | { status: "expired"; expiresAt: string; message: string; hint: string };

/** Go's zero time.Time and anything before year 2 stand for "no expiry" (Headscale up to 0.25, Tailscale tagged devices). */
const NO_EXPIRY_BEFORE = Date.parse("0002-01-01T00:00:00Z");

/**
 * A node's key expiry as RFC 3339 (normalized to UTC), or null when it has none: empty, null, or the
 * zero time. A value no date parser reads also counts as none, since nothing could be done with it.
 */
export function keyExpiryOf(value: string | null | undefined): string | null {
  if (!value) return null;
  const time = Date.parse(value);
  if (Number.isNaN(time) || time < NO_EXPIRY_BEFORE) return null;
  return new Date(time).toISOString();
}

const DISABLE_HINT =
  "disable key expiry for this node (Tailscale: the admin console's Machines page, \"Disable key expiry\", or the API; Headscale 0.29 or later: `headscale nodes expire -i <id> --disable`), which also lets an expired node back in; or re-authenticate the host with a new key";

/** Judges `node`'s key expiry at `now`; `warningWindowSeconds` is how early an approaching expiry is reported. */
export function keyExpiryFinding(
  node: Pick<ControlNode, "id" | "name" | "keyExpiry">,
  warningWindowSeconds: number,
  now: Date,
): KeyExpiryFinding {
  if (!Number.isFinite(warningWindowSeconds) || warningWindowSeconds < 0) {
    throw new MeshError("the key expiry warning window must be zero or more seconds", {
      kind: "invalid-input",
      step: "key expiry",
      seen: String(warningWindowSeconds),
      hint: "pass a number of seconds, e.g. 1209600 for two weeks",
    });
  }
  const who = `node ${node.name} (id ${node.id})`;
  if (node.keyExpiry === null) return { status: "disabled", message: `the key of ${who} does not expire` };
  const expiresAt = node.keyExpiry;
  const secondsLeft = Math.floor((Date.parse(expiresAt) - now.getTime()) / 1000);
  const hint = DISABLE_HINT.replace("<id>", node.id);
  if (secondsLeft <= 0) {
    return { status: "expired", expiresAt, message: `the key of ${who} expired at ${expiresAt}: the node is cut off from the mesh`, hint };
  }
  if (secondsLeft <= warningWindowSeconds) {
    const days = (secondsLeft / 86_400).toFixed(1);
    return {
      status: "expires-soon",
      expiresAt,
      secondsLeft,
      message: `the key of ${who} expires at ${expiresAt} (in ${days} days); then the node is cut off from the mesh`,
      hint,
    };
  }
  return { status: "fine", expiresAt };
}
