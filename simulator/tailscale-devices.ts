/**
 * The devices of the simulated Tailscale API: how a joining host becomes a device record, and the
 * device object as the list call returns it (field names from tailscale/tailscale publicapi/device.md
 * and tailscale-client-go-v2). Key expiry follows the published behaviour: a device's key expires per
 * the tailnet's setting (180 days by default), tagged devices have expiry disabled, and disabling
 * expiry keeps the original date (POST /device/{id}/key, publicapi/device.md "Update device key").
 */
import { randomHex } from "./control-servers";

export interface DeviceRegistration {
  hostname: string;
  /** Default: the next free 100.100.0.x and fd7a:115c:a1e0:ab12::x. */
  ips?: string[];
  tags?: string[];
  /** Join with this auth key; a key the real service would refuse throws AuthKeyRejected. */
  authKey?: string;
  /** Default true. */
  online?: boolean;
  /** When the device's key expires; default 180 days from now for an untagged device. */
  keyExpiry?: Date;
  /** Default: true for a tagged device, false otherwise. */
  keyExpiryDisabled?: boolean;
}

export interface SimulatedDevice {
  id: string;
  nodeId: string;
  hostname: string;
  name: string;
  addresses: string[];
  tags: string[];
  online: boolean;
  /** Null for a device that never had an expiry (tagged at join). */
  keyExpiry: Date | null;
  keyExpiryDisabled: boolean;
}

export interface DeviceRecord extends SimulatedDevice {
  created: Date;
  machineKey: string;
  nodeKey: string;
  tailnetLockKey: string;
}

/** The tailnet's default key expiry. */
const DEFAULT_KEY_EXPIRY_MS = 180 * 24 * 3600 * 1000;
/** How the API writes a time that was never set (Go's zero time). */
const ZERO_TIME = "0001-01-01T00:00:00Z";

export function newDevice(number: number, registration: DeviceRegistration, keyTags: readonly string[]): DeviceRecord {
  const tags = [...new Set([...keyTags, ...(registration.tags ?? [])])];
  const tagged = tags.length > 0;
  return {
    id: String(100000 + number),
    nodeId: `n${randomHex(10)}CNTRL`,
    hostname: registration.hostname,
    name: `${registration.hostname.toLowerCase()}.tail${randomHex(4)}.ts.net`,
    addresses: registration.ips ?? [`100.100.0.${number}`, `fd7a:115c:a1e0:ab12::${number}`],
    tags,
    online: registration.online ?? true,
    keyExpiry: registration.keyExpiry ?? (tagged ? null : new Date(Date.now() + DEFAULT_KEY_EXPIRY_MS)),
    keyExpiryDisabled: registration.keyExpiryDisabled ?? tagged,
    created: new Date(),
    machineKey: `mkey:${randomHex(64)}`,
    nodeKey: `nodekey:${randomHex(64)}`,
    tailnetLockKey: `tlpub:${randomHex(64)}`,
  };
}

export function deviceView(device: DeviceRecord): SimulatedDevice {
  const { id, nodeId, hostname, name, addresses, tags, online, keyExpiry, keyExpiryDisabled } = device;
  return { id, nodeId, hostname, name, addresses: [...addresses], tags: [...tags], online, keyExpiry, keyExpiryDisabled };
}

/** The device object as the list call returns it with the default field set. */
export function deviceJson(device: DeviceRecord): Record<string, unknown> {
  const json: Record<string, unknown> = {
    addresses: [...device.addresses],
    id: device.id,
    nodeId: device.nodeId,
    user: "admin@example.com",
    name: device.name,
    hostname: device.hostname,
    clientVersion: "1.90.6-t0123456789-gabcdef012",
    updateAvailable: false,
    os: "windows",
    created: device.created.toISOString(),
    connectedToControl: device.online,
    keyExpiryDisabled: device.keyExpiryDisabled,
    expires: device.keyExpiry?.toISOString() ?? ZERO_TIME,
    authorized: true,
    isExternal: false,
    machineKey: device.machineKey,
    nodeKey: device.nodeKey,
    blocksIncomingConnections: false,
    tags: [...device.tags],
    tailnetLockError: "",
    tailnetLockKey: device.tailnetLockKey,
  };
  // lastSeen is absent while the device is connected.
  if (!device.online) json.lastSeen = new Date(Date.now() - 3600 * 1000).toISOString();
  return json;
}
