import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { isMeshError } from "../../provider/common/errors";
import { fingerprintOf, HostKeyTrust, parseHostKeyPin } from "../../provider/transport/host-key";
import { newKey } from "../support/keys";
import { findTool, toolsPresent } from "../support/tools";

const key = newKey();
const blob = Buffer.from(key.publicKeyLine.split(" ")[1], "base64");

(toolsPresent("fingerprint vs ssh-keygen", "ssh-keygen") ? test : test.skip)("fingerprintOf prints what ssh-keygen -lf prints", () => {
  const dir = mkdtempSync(join(tmpdir(), "mesh-fp-"));
  try {
    writeFileSync(join(dir, "key.pub"), key.publicKeyLine + " someone@somewhere\n");
    const printed = spawnSync(findTool("ssh-keygen") as string, ["-lf", join(dir, "key.pub")], { encoding: "utf8" }).stdout;
    expect(printed.split(/\s+/)[1]).toBe(fingerprintOf(blob));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("parseHostKeyPin", () => {
  test("returns a SHA256 fingerprint unchanged (surrounding spaces ignored)", () => {
    expect(parseHostKeyPin(`  ${key.fingerprint}\n`)).toBe(key.fingerprint);
    expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  test("turns an OpenSSH public-key line, with or without comment, into its fingerprint", () => {
    expect(parseHostKeyPin(key.publicKeyLine)).toBe(fingerprintOf(blob));
    expect(parseHostKeyPin(`${key.publicKeyLine} root@win-01`)).toBe(fingerprintOf(blob));
  });

  test.each([
    ["empty", ""],
    ["MD5 fingerprint", "MD5:9f:86:d0:81:88:4c:7d:65:9a:2f:ea:a0:c5:5a:d0:15"],
    ["short SHA256", "SHA256:abc"],
    ["type that does not match the blob", key.publicKeyLine.replace("ssh-ed25519", "ssh-rsa")],
    ["truncated blob", key.publicKeyLine.slice(0, 20)],
    ["a private key", key.privateKey],
  ])("refuses %s with a message saying which forms are accepted", (_name, input) => {
    let error: unknown;
    try {
      parseHostKeyPin(input);
    } catch (e) {
      error = e;
    }
    expect(isMeshError(error, "invalid-input")).toBe(true);
    expect(String(error)).toContain("SHA256 fingerprint");
    expect(String(error)).toContain("ssh-ed25519 AAAA");
    for (const keyLine of key.privateKey.split("\n").filter((l) => !l.startsWith("-----") && l.length > 0)) {
      expect(String(error)).not.toContain(keyLine.slice(0, 16));
    }
  });
});

describe("HostKeyTrust", () => {
  test("without a pin, the first key seen is the only one accepted afterwards", () => {
    const trust = new HostKeyTrust(undefined);
    expect(trust.pinned).toBe(false);
    expect(trust.check("SHA256:first")).toEqual({ accepted: true });
    expect(trust.check("SHA256:first")).toEqual({ accepted: true });
    expect(trust.check("SHA256:other")).toEqual({ accepted: false, expected: "SHA256:first" });
    expect(trust.fingerprint).toBe("SHA256:first");
  });

  test("with a pin, even the first key must match it", () => {
    const trust = new HostKeyTrust(key.publicKeyLine);
    expect(trust.pinned).toBe(true);
    expect(trust.check("SHA256:other")).toEqual({ accepted: false, expected: key.fingerprint });
    expect(trust.check(key.fingerprint)).toEqual({ accepted: true });
  });
});
