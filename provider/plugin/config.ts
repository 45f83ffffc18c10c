/**
 * The provider's configuration on the wire (the stock Node.js provider server drops Configure and
 * refuses CheckConfig, so the plugin answers both itself):
 *   CheckConfig  checks what the stack's config or an explicit provider sets, with the same rules as
 *                the node properties the keys stand in for; the checked values go back secret
 *                where they hold a secret. The engine's own keys (version...) pass through.
 *   Configure    takes the values (typed `args`, or the older text `variables`) and fills every key
 *                left unset from its environment variable (MESH_WINDOWS_*), read at run time and
 *                never stored in the stack's state.
 */
import { MeshError } from "../common/errors";
import { checkProviderConfig, isConfigKey, type ProviderConfig } from "../node/provider-config";
import type { CheckFailure } from "../node";
import { maskedForDisplay } from "../node/secrets";
import { PROVIDER_CONFIG } from "../node/spec/provider-config";
import { reveal, securedInputs, type Properties } from "./secrets";

export interface ConfigCheck {
  inputs: Properties;
  failures: CheckFailure[];
}

export function checkConfig(news: Properties): ConfigCheck {
  const { value, secretPaths } = reveal(news);
  const result = checkProviderConfig(value);
  if ("failures" in result) {
    // The engine prints each failing key's value next to its reason: show none that may be secret.
    return { inputs: maskedForDisplay(value) as Properties, failures: result.failures };
  }
  const checked: Properties = Object.fromEntries(Object.entries(value).filter(([key]) => !isConfigKey(key)));
  return { inputs: securedInputs({ ...checked, ...result.config }, secretPaths), failures: [] };
}

/** What Configure receives: typed arguments (newer engines), or text variables `mesh-windows:config:<key>`. */
export interface ConfigureArguments {
  args?: Properties;
  variables: Record<string, string>;
}

export function configure({ args, variables }: ConfigureArguments, env: NodeJS.ProcessEnv = process.env): ProviderConfig {
  const given = args ? reveal(args).value : Object.fromEntries(Object.entries(variables).map(([name, value]) => [name.slice(name.lastIndexOf(":") + 1), value]));
  const fromConfig = checked(given, (key) => `mesh-windows:${key}`);
  const fromEnv: Properties = {};
  for (const [key, spec] of Object.entries(PROVIDER_CONFIG)) {
    const value = env[spec.env];
    if (value !== undefined && value !== "" && (fromConfig as Properties)[key] === undefined) fromEnv[key] = value;
  }
  const envConfig = checked(fromEnv, (key) => PROVIDER_CONFIG[key as keyof typeof PROVIDER_CONFIG]?.env ?? key);
  return { ...envConfig, ...fromConfig };
}

function checked(values: Properties, source: (key: string) => string): ProviderConfig {
  const result = checkProviderConfig(values);
  if ("config" in result) return result.config;
  const lines = result.failures.map((f) => `${source(f.property.split(/[.[]/)[0]!)}${f.property.includes(".") ? ` (${f.property})` : ""} ${f.reason}`);
  throw new MeshError("the provider configuration is not valid", {
    kind: "invalid-input",
    step: "configure",
    seen: lines.join("; "),
    hint: "fix these keys in the stack's configuration (pulumi config set mesh-windows:<key> ...) or the environment variables named",
  });
}
