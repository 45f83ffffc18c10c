/**
 * Running a Pulumi program under mocks in a fresh Node process, against the installed package (see
 * installed-package.ts and capture-registrations.js), and reading back its resource registrations.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";

const CAPTURE_SCRIPT = path.join(__dirname, "capture-registrations.js");

/** One RegisterResource request as the engine receives it. */
export interface Registration {
  type: string;
  name: string;
  /** Wire form: secrets wrapped in the secret signature, `__provider` included. */
  inputs: Record<string, unknown>;
  additionalSecretOutputs: string[];
}

export interface MockRunOptions {
  /** The Pulumi project name (the namespace of un-prefixed config keys). */
  project: string;
  /** Stack configuration, by key without the project prefix. */
  config?: Record<string, string>;
}

export async function runUnderMocks(programDir: string, programFile: string, options: MockRunOptions): Promise<Registration[]> {
  const outFile = path.join(programDir, "registrations.json");
  const config = Object.fromEntries(Object.entries(options.config ?? {}).map(([k, v]) => [`${options.project}:${k}`, v]));
  try {
    await promisify(execFile)(process.execPath, [CAPTURE_SCRIPT, programFile, outFile, options.project], {
      cwd: programDir,
      env: { ...process.env, PULUMI_CONFIG: JSON.stringify(config) },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`the program failed under mocks: ${stderr || message}`);
  }
  return JSON.parse(fs.readFileSync(outFile, "utf8")) as Registration[];
}

export function registrationOf(registrations: Registration[], type: string): Registration {
  const found = registrations.filter((r) => r.type === type);
  if (found.length !== 1) {
    throw new Error(`expected one registration of ${type}, got ${found.length} among ${registrations.map((r) => r.type).join(", ")}`);
  }
  return found[0];
}
