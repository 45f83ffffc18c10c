/**
 * `demo`: the whole story against the simulated Windows host. The simulated host is a test double and
 * is not published with the package: in a checkout of the repository (`make demo`) the story sits at
 * demo/ next to this code's folder and runs; installed from npm it is absent, and the command says
 * where to find it instead of failing obscurely.
 */
import * as path from "path";
import { EXIT, type CliIo, type ExitCode } from "./io";
import type { CommandFlags } from "./options";

type RunCli = (argv: readonly string[], io: CliIo) => Promise<ExitCode>;
type Story = (flags: CommandFlags, io: CliIo, runCli: RunCli) => Promise<ExitCode>;

/** provider/cli -> demo/story, from the sources and from a build of the whole checkout alike. */
const STORY_MODULE = path.join(__dirname, "..", "..", "demo", "story");

export const DEMO_NOT_SHIPPED =
  "the demo runs against a simulated Windows host, which ships with the source repository, not with the npm package.\n" +
  "Run it from a checkout of the repository:  make demo\n";

export async function demoCommand(flags: CommandFlags, io: CliIo, runCli: RunCli): Promise<ExitCode> {
  const story = findStory();
  if (!story) {
    io.stderr(`error: ${DEMO_NOT_SHIPPED}`);
    return EXIT.usage;
  }
  return story(flags, io, runCli);
}

function findStory(): Story | undefined {
  let resolved: string;
  try {
    resolved = require.resolve(STORY_MODULE);
  } catch {
    return undefined;
  }
  return (require(resolved) as { runDemoStory: Story }).runDemoStory;
}
