/**
 * The `daemon` input as lines of tailscaled-env.txt (provider/lifecycle/daemon-env.ts): what the
 * join step sets and removes, and what a refresh calls drift from the probe's hashes.
 */
import { createHash } from "node:crypto";
import { daemonEnvChange, daemonEnvDrift } from "../../provider/lifecycle/daemon-env";
import { DAEMON_ENV_FILE } from "../../provider/scripts/catalogue";

const sha = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe("daemonEnvChange", () => {
  it("sets one line per given field, in the file's words", () => {
    const daemon = { httpsProxy: "http://proxy:3128", noProxy: ["a.example.com", "10.0.0.0/8"], noLogsNoSupport: true, port: 41642 };
    expect(daemonEnvChange({ daemon })).toEqual({
      path: DAEMON_ENV_FILE,
      set: [
        { name: "HTTPS_PROXY", value: "http://proxy:3128" },
        { name: "NO_PROXY", value: "a.example.com,10.0.0.0/8" },
        { name: "TS_NO_LOGS_NO_SUPPORT", value: "true" },
        { name: "PORT", value: "41642" },
      ],
      remove: [],
    });
  });

  it("removes what the last operation wrote and the inputs no longer set", () => {
    expect(daemonEnvChange({ daemon: { port: 41642 } }, { daemon: { httpsProxy: "http://proxy:3128", port: 1 } })).toEqual({
      path: DAEMON_ENV_FILE,
      set: [{ name: "PORT", value: "41642" }],
      remove: ["HTTPS_PROXY"],
    });
    expect(daemonEnvChange({}, { daemon: { noLogsNoSupport: true } })?.remove).toEqual(["TS_NO_LOGS_NO_SUPPORT"]);
  });

  it("leaves the file alone when the node neither sets nor set a key (an empty list and false write nothing)", () => {
    expect(daemonEnvChange({})).toBeNull();
    expect(daemonEnvChange({ daemon: { noProxy: [], noLogsNoSupport: false } }, { daemon: { noProxy: [] } })).toBeNull();
  });
});

describe("daemonEnvDrift", () => {
  it("names the node's keys that are missing or hold another value, and nothing else", () => {
    const daemon = { httpsProxy: "http://proxy:3128", port: 41642 };
    expect(daemonEnvDrift({ daemon }, { HTTPS_PROXY: sha("http://proxy:3128"), PORT: sha("41642"), OTHER: sha("x") })).toEqual([]);
    expect(daemonEnvDrift({ daemon }, { HTTPS_PROXY: sha("http://proxy:3129") })).toEqual(["HTTPS_PROXY", "PORT"]);
    expect(daemonEnvDrift({}, { HTTPS_PROXY: sha("anything") })).toEqual([]);
  });
});
