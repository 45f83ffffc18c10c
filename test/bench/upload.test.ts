/**
 * CI smoke of the upload figure (bench/upload.ts): the code `make bench` runs, on a small file over
 * a small delay, hosts in this process. It checks that both sides ran every round and how the report
 * states the target, never a timing: that belongs to `make bench` on a quiet machine.
 */
import { startFarmHere } from "../../bench/farm";
import { TARGETS, uploadCheck, uploadLines } from "../../bench/report";
import type { HostTiming } from "../../bench/timing";
import { measureUpload, type UploadMeasurement } from "../../bench/upload";

const QUICK_TIMING: HostTiming = { processStartMs: 5, smallCommandMs: 1, serviceRestartMs: 5, installMs: 20, upAttemptMs: 5, retryDelayMs: 5 };

let upload: UploadMeasurement;

beforeAll(async () => {
  upload = await measureUpload({ launchFarm: startFarmHere, oneWayDelayMs: 2, timing: QUICK_TIMING, sizeBytes: 2 * 1024 * 1024, rounds: 3 });
}, 60_000);

test("both sides upload the file in every round, ours over SFTP", () => {
  expect(upload.via).toBe("sftp");
  expect(upload.oursMs).toHaveLength(3);
  expect(upload.plainMs).toHaveLength(3);
  for (const ms of [...upload.oursMs, ...upload.plainMs]) expect(ms).toBeGreaterThan(0);
  expect(upload.oursMedianMs).toBe([...upload.oursMs].sort((a, b) => a - b)[1]);
  expect(upload.ratio).toBeCloseTo(upload.oursMedianMs / upload.plainMedianMs, 10);
});

test("the report states the 1.2x target against the measured ratio, and one line per round", () => {
  const check = uploadCheck(upload);
  expect(check.target).toBe(`an upload of a 2 MB MSI within ${TARGETS.uploadFactor.toFixed(1)}x of a plain SFTP upload of the same file`);
  expect(check.met).toBe(upload.ratio <= 1.2);
  expect(check.measured).toContain(`${upload.ratio.toFixed(2)}x`);
  expect(uploadLines(upload).split("\n")).toEqual([1, 2, 3].map((round) => expect.stringMatching(new RegExp(`^- round ${round}: ours [\\d.]+ s \\(via sftp\\), plain SFTP [\\d.]+ s$`))));
});
