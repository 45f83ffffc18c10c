/**
 * The transport's settings from a node's connection input: defaults applied, seconds turned into
 * milliseconds, and the host key to enforce.
 */
import { withoutUndefined } from "../common/objects";
import { connectionWithDefaults } from "../node/defaults";
import type { ConnectionInput, DefaultedProxy } from "../node/types";
import type { ConnectionSettings, ProxySettings } from "../transport/types";

/**
 * `recordedHostKey` is the fingerprint seen by an earlier operation: when the inputs pin no key, it
 * is enforced (trust on first use, then never silently accept a change).
 */
export function connectionSettings(c: ConnectionInput, recordedHostKey?: string): ConnectionSettings {
  const d = connectionWithDefaults(c);
  return withoutUndefined({
    host: d.host,
    port: d.port,
    user: d.user,
    password: d.password,
    privateKey: d.privateKey,
    privateKeyPassword: d.privateKeyPassword,
    agentSocketPath: d.agentSocketPath,
    hostKey: d.hostKey ?? (recordedHostKey || undefined),
    dialErrorLimit: d.dialErrorLimit,
    perDialTimeoutMs: d.perDialTimeout * 1000,
    connectDeadlineMs: d.connectDeadlineSeconds * 1000,
    proxy: d.proxy && proxySettings(d.proxy),
  });
}

function proxySettings(p: DefaultedProxy): ProxySettings {
  return withoutUndefined({
    host: p.host,
    port: p.port,
    user: p.user,
    password: p.password,
    privateKey: p.privateKey,
    privateKeyPassword: p.privateKeyPassword,
    agentSocketPath: p.agentSocketPath,
    hostKey: p.hostKey,
    dialErrorLimit: p.dialErrorLimit,
    perDialTimeoutMs: p.perDialTimeout * 1000,
  });
}
