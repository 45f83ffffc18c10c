/**
 * Under AppLocker or WDAC, PowerShell runs in ConstrainedLanguage mode and the step loop cannot start;
 * the loader then prints one marked line (protocol.ts) and exits. This turns that line into an error
 * that says what constrains PowerShell and what to do.
 */
import { MeshError } from "../common/errors";
import { LANGUAGE_MODE_MARK } from "./protocol";

/** The error for output that carries the loader's language-mode line, or undefined when it does not. */
export function languageModeError(output: string, where: { host: string; step: string }): MeshError | undefined {
  const at = output.indexOf(LANGUAGE_MODE_MARK);
  if (at < 0) return undefined;
  const mode = output.slice(at + LANGUAGE_MODE_MARK.length).split(/\s/)[0];
  return new MeshError(`PowerShell on the host runs in ${mode} mode, in which the provider's scripts cannot run`, {
    kind: "host-not-ready",
    ...where,
    seen: `$ExecutionContext.SessionState.LanguageMode = ${mode}`,
    hint:
      "an AppLocker or WDAC (Device Guard) policy constrains PowerShell for this account: connect as an account the policy " +
      "exempts, or allow powershell.exe FullLanguage for it (e.g. an AppLocker rule for administrators), then run again",
  });
}
