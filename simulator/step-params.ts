/**
 * The parameters each step accepts (catalogue.ts), checked the way a careful step script checks its
 * argument: a step given malformed parameters fails as a script error instead of guessing.
 */
import { z } from "zod";
import { INSTALL } from "../provider/node/spec/inputs";
import type { StepName, StepTypes } from "../provider/scripts/catalogue";
import { isAbsoluteWindowsPath } from "./windows-model";

const windowsPath = z.string().refine(isAbsoluteWindowsPath, { message: "must be an absolute Windows path" });
const nullableText = z.string().nullable();

const compilesAsRegExp = (pattern: string) => {
  try {
    new RegExp(pattern, "i");
    return true;
  } catch {
    return false;
  }
};

const failureRule = z.object({
  class: z.enum(["daemon-unreachable", "in-use", "auth-rejected", "timeout", "service-not-running"]),
  pattern: z.string().min(1).refine(compilesAsRegExp, { message: "must be a valid regular expression" }),
  retry: z.boolean(),
  manual: z.boolean(),
});

const policy = z.object({
  loginUrl: nullableText,
  hostname: nullableText,
  unattendedMode: z.literal("always"),
  policyValues: z.array(z.object({ name: z.string().regex(/^[A-Za-z]+$/), value: nullableText })),
});

/** The node's keys of the daemon's environment file: set by the join, removed by it or by delete. */
const daemonEnv = z.object({ path: windowsPath, set: z.array(z.object({ name: z.string().regex(/^[A-Z_]+$/), value: z.string() })), remove: z.array(z.string().regex(/^[A-Z_]+$/)) });

/** install.proxy as the install step and the packages check get it; null: no proxy. */
const webProxy = z.object({ url: z.string().url(), username: z.string().min(1).optional(), password: z.string().min(1).optional() }).nullable();

const SCHEMAS = {
  probe: z.object({
    joinScriptPath: windowsPath,
    stateDir: windowsPath,
    policyNames: z.array(z.string()),
    daemonEnvPath: windowsPath,
    tailscaleStatePath: windowsPath,
    checks: z
      .object({
        urls: z.array(z.object({ id: z.enum(["reach-packages", "reach-control-server"]), url: z.string().url(), proxy: webProxy.optional() })),
        timeoutSeconds: z.number().int().min(1),
      })
      .nullable()
      .optional(),
  }),
  install: z.object({
    // Every install option the node declares travels as text or null (catalogue InstallFields), the proxy as an object.
    ...Object.fromEntries(Object.keys(INSTALL.fields).filter((name) => name !== "method").map((name) => [name, nullableText.optional()])),
    proxy: webProxy.optional(),
    method: z.enum(["msi", "winget"]),
    loginServer: nullableText,
    stateDir: windowsPath,
    upload: z.object({ path: windowsPath, size: z.number().int().positive(), sha256: z.string().regex(/^[0-9A-Fa-f]{64}$/) }).nullable().optional(),
  }),
  stage: z.object({ stateDir: windowsPath }),
  append: z.object({ path: windowsPath, offset: z.number().int().min(0), data: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/) }),
  join: z.object({
    policy,
    daemonEnv: daemonEnv.nullable(),
    acceptRoutes: z.boolean(),
    upArgs: z.array(z.string()),
    authKey: z.string().min(1),
    attempts: z.number().int().min(1),
    retryDelaySeconds: z.number().min(0),
    timeoutSeconds: z.number().positive(),
    upKillMarginSeconds: z.number().min(0),
    daemonWaitSeconds: z.number().int().min(0),
    verifyRestart: z.boolean(),
    rules: z.array(failureRule),
    stateDir: windowsPath,
    joinScriptPath: windowsPath,
    joinScriptText: z.string().min(1),
  }),
  configure: z.object({
    policy,
    daemonEnv: daemonEnv.nullable(),
    daemonWaitSeconds: z.number().int().min(0),
    stateDir: windowsPath,
  }),
  cleanup: z.object({
    joinScriptPath: windowsPath,
    stateDir: windowsPath,
    logout: z.boolean(),
    uninstall: z.boolean(),
    daemonEnv: daemonEnv.nullable().optional(),
    writtenPolicies: z.array(z.string().regex(/^[A-Za-z]+$/)).optional(),
  }),
} satisfies Record<StepName, z.ZodType>;

export function isStepName(step: string): step is StepName {
  return Object.prototype.hasOwnProperty.call(SCHEMAS, step);
}

export type ParamsCheck<S extends StepName> = { ok: true; params: StepTypes[S]["params"] } | { ok: false; problems: string };

/** Checks `params` for `step`; `problems` names each bad field, never its value (it may be a secret). */
export function checkParams<S extends StepName>(step: S, params: unknown): ParamsCheck<S> {
  const parsed = SCHEMAS[step].safeParse(params);
  if (parsed.success) return { ok: true, params: parsed.data as StepTypes[S]["params"] };
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "params"}: ${issue.message}`).join("; ");
  return { ok: false, problems };
}
