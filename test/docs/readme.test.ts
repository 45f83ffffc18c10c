import { readFileSync } from "fs";
import { join } from "path";

const root = join(__dirname, "..", "..");

describe("README.md", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");

  it("gives a newcomer the two commands, and both exist in the Makefile", () => {
    const makefile = readFileSync(join(root, "Makefile"), "utf8");
    expect(readme).toMatch(/^make demo\b/m);
    expect(readme).toMatch(/^make test\b/m);
    expect(makefile).toMatch(/^demo:/m);
    expect(makefile).toMatch(/^test:/m);
  });

  it("is what CI runs: .ci/run ends with README's test command", () => {
    const ci = readFileSync(join(root, ".ci", "run"), "utf8").trim().split("\n");
    expect(ci[ci.length - 1]).toBe("make test");
  });
});
