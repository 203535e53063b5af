import { describe, expect, it } from "vitest";
import { formatEncoderJsonLine, formatEncoderTables, type EncoderResult } from "./encoder-report.js";
import { encoderCaseKey, rgbaToBgrx } from "./encoder-cases.js";

const result = (over: Partial<EncoderResult> = {}): EncoderResult => ({
  codec: "lz",
  image: "term_1280x800",
  mpps: 400.04,
  bytes: 61_631,
  refBytes: 61_631,
  identical: true,
  baselineMpps: 755,
  copyMpps: 8000,
  ...over,
});

describe("encoder benchmark report", () => {
  it("one JSON object per result, with the ratios (against the baseline figure when C did not run)", () => {
    expect(JSON.parse(formatEncoderJsonLine(result()))).toEqual({
      codec: "lz",
      image: "term_1280x800",
      impl: "saffron",
      mpps: 400,
      bytes: 61631,
      refBytes: 61631,
      identical: true,
      cMpps: null,
      sameAsC: null,
      vsC: 0.53,
      baselineMpps: 755,
      vsBaseline: 0.53,
      sizeVsRef: 1,
      copyMpps: 8000,
    });
    // C timed in the same run: ours/C is the paired ratio, the baseline stays beside it.
    expect(JSON.parse(formatEncoderJsonLine(result({ cMpps: 500.04, vsC: 0.81, sameAsC: true })))).toMatchObject({ cMpps: 500, vsC: 0.81, sameAsC: true, vsBaseline: 0.53 });
  });

  it("marks speed against half the C figure and size within 5% of the reference", () => {
    const text = formatEncoderTables(
      [result(), result({ codec: "glz", mpps: 100, baselineMpps: 811, bytes: 60_000, refBytes: 48_138, identical: false }), result({ codec: "glz-repeat", refBytes: 4678, bytes: 4678, identical: undefined })],
      "header",
    );
    expect(text).toMatch(/^header\n/);
    expect(text).toMatch(/LZ encode[^\n]*\nimage[^\n]*\nterm_1280x800 +400\.0 +755 +0\.53 PASS +61,631 +61,631 +1\.000 +yes +- PASS +755 +0\.53 +8000 +0\.050\n/);
    expect(text).toMatch(/term_1280x800 +100\.0 +811 +0\.12 MISS +60,000 +48,138 +1\.246 +no +- MISS/);
    expect(text).toMatch(/same image again[^\n]*\n[^\n]*\nterm_1280x800 [^\n]* +- PASS/);
    expect(text).toContain("the C encoders were not run");
    expect(text).toContain("Targets: 4 PASS, 2 MISS");
  });

  it("with C timed in the same run: PASS/MISS on the paired ratio, not on the baseline figure", () => {
    // 0.35 of the baseline figure, but 0.9 of C as timed beside it.
    const r = result({ mpps: 264, cMpps: 293, vsC: 0.9, vsCRange: [0.7, 1.1], sameAsC: true, mppsRange: [250, 300] });
    const text = formatEncoderTables([r], "header", 3);
    expect(text).toMatch(/term_1280x800 +264\.0 +293 +0\.90 PASS +61,631 +61,631 +1\.000 +yes +yes PASS +755 +0\.35 .* ours\/C over 3 runs: 0\.70-1\.10\n/);
    expect(text).toContain("timed in this run");
    expect(text).toContain("median of 3 runs");
    expect(JSON.parse(formatEncoderJsonLine(r))).toMatchObject({ mppsRange: [250, 300], vsCRange: [0.7, 1.1] });
    expect(formatEncoderTables([result()], "header")).not.toContain("runs");
  });

  it("names cases codec/image and swaps PNG RGBA to BGRX", () => {
    expect(encoderCaseKey({ codec: "glz-repeat", image: "ui_1280x800" })).toBe("glz-repeat/ui_1280x800");
    expect([...rgbaToBgrx(Uint8Array.of(1, 2, 3, 0, 4, 5, 6, 9), 2, 1).data]).toEqual([3, 2, 1, 255, 6, 5, 4, 255]);
  });
});
