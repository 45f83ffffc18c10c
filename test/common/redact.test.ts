/** The one Redactor every layer prints through: what it removes, and what it must not touch. */
import { inspect } from "util";

import { MIN_SECRET_LENGTH, REDACTED, Redactor } from "../../provider/common/redact";

describe("Redactor", () => {
  test("removes each secret wherever it occurs, the longer of two overlapping secrets whole", () => {
    const redactor = new Redactor(["hunter2-key", "hunter2-key-extended"]);
    expect(redactor.text("a hunter2-key-extended b hunter2-key c")).toBe(`a ${REDACTED} b ${REDACTED} c`);
  });

  test("removes a secret as JSON and as a URL write it, not only as itself", () => {
    const password = 'pa"ss\\wo rd&1';
    const redactor = new Redactor([password]);
    const asJson = JSON.stringify({ password });
    const asQuery = `https://mirror.example/x.msi?sig=${encodeURIComponent(password)}`;
    expect(redactor.text(asJson)).toBe(`{"password":"${REDACTED}"}`);
    expect(redactor.text(asQuery)).toBe(`https://mirror.example/x.msi?sig=${REDACTED}`);
    expect(redactor.leaks(asJson)).toBe(true);
    expect(redactor.leaks(redactor.text(asJson))).toBe(false);
  });

  test("ignores values shorter than the minimum, which the check refuses as secrets", () => {
    const short = "x".repeat(MIN_SECRET_LENGTH - 1);
    expect(new Redactor([short, undefined, null, ""]).text(`word ${short}`)).toBe(`word ${short}`);
  });

  test("redacts a JSON-like value deeply and returns a copy", () => {
    const original = { a: ["s3cr3t-value", { b: "no s3cr3t-value here" }], n: 4 };
    const redacted = new Redactor(["s3cr3t-value"]).value(original);
    expect(redacted).toEqual({ a: [REDACTED, { b: `no ${REDACTED} here` }], n: 4 });
    expect(original.a[0]).toBe("s3cr3t-value");
  });

  test("holds its secrets where dumping the object does not show them", () => {
    const redactor = new Redactor(["s3cr3t-value"]);
    expect(inspect(redactor, { showHidden: true, depth: 5 })).not.toContain("s3cr3t-value");
    expect(JSON.stringify({ redactor })).not.toContain("s3cr3t-value");
  });
});
