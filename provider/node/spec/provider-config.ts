/**
 * The provider plugin's configuration, declared once: defaults for every node of a stack (the SSH
 * credentials of a fleet, its control server), set as `mesh-windows:<key>` in the stack's config or
 * on an explicit provider, or from an environment variable for CI. Each key reuses the declaration
 * of the node property it stands in for (its type, rule, secrecy and description); a node's own
 * value always wins. From this table come the plugin schema's `config` and `provider` sections,
 * the plugin's CheckConfig and Configure, and the README's table.
 */
import type { Field } from "../declare";
import { CONNECTION } from "./connection";
import { NODE_INPUTS } from "./inputs";

export interface ConfigKey {
  /** Where the value lands in a node's inputs when the node does not set it. */
  path: string;
  /** The node property's own declaration (type, rule, secrecy, description). */
  field: Field;
  /** The environment variable read when neither the stack's config nor the provider sets the key. */
  env: string;
}

/** The connection fields a fleet shares: who logs in and how, and how long to keep dialing. */
const SHARED_CONNECTION_FIELDS = ["user", "password", "privateKey", "privateKeyPassword", "agentSocketPath", "connectDeadlineSeconds"] as const;

export type SharedConnectionField = (typeof SHARED_CONNECTION_FIELDS)[number];

/** MESH_WINDOWS_ and the key in upper snake case: privateKeyPassword -> MESH_WINDOWS_PRIVATE_KEY_PASSWORD. */
function envFor(key: string): string {
  return `MESH_WINDOWS_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

function fromConnection(name: SharedConnectionField): ConfigKey {
  return { path: `connection.${name}`, field: CONNECTION.fields[name]!, env: envFor(name) };
}

export const PROVIDER_CONFIG: Record<SharedConnectionField | "controlServer", ConfigKey> = {
  ...(Object.fromEntries(SHARED_CONNECTION_FIELDS.map((name) => [name, fromConnection(name)])) as Record<SharedConnectionField, ConfigKey>),
  // A whole object, as the node's: a node with its own controlServer uses that one, not a mix of both.
  controlServer: { path: "controlServer", field: NODE_INPUTS.controlServer!, env: envFor("controlServer") },
};

/** How the schema and the docs describe a key: what it defaults, then the property's own words. */
export function configDescription(key: ConfigKey): string {
  return `Default \`${key.path}\` of every MeshWindowsNode this provider manages (a node's own value wins); also read from \`${key.env}\`${
    key.field.kind === "object" ? " (as JSON)" : ""
  }. ${key.field.description}`;
}
