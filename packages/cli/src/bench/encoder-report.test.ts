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
  cMpps: 755,
  copyMpps: 8000,
  ...over,
});

describe("encoder benchmark report", () => {
  it("one JSON object per result, with the ratios", () => {
    expect(JSON.parse(formatEncoderJsonLine(result()))).toEqual({
      codec: "lz",
      image: "term_1280x800",
      impl: "saffron",
      mpps: 400,
      bytes: 61631,
      refBytes: 61631,
      identical: true,
      cMpps: 755,
      vsC: 0.53,
      sizeVsRef: 1,
      copyMpps: 8000,
    });
  });

  it("marks speed against half the C figure and size within 5% of the reference", () => {
    const text = formatEncoderTables(
      [result(), result({ codec: "glz", mpps: 100, cMpps: 811, bytes: 60_000, refBytes: 48_138, identical: false }), result({ codec: "glz-repeat", refBytes: 4678, bytes: 4678, identical: undefined })],
      "header",
    );
    expect(text).toMatch(/^header\n/);
    expect(text).toMatch(/LZ encode[^\n]*\nimage[^\n]*\nterm_1280x800 +400\.0 +755 +0\.53 PASS +61,631 +61,631 +1\.000 +yes PASS +8000 +0\.050\n/);
    expect(text).toMatch(/term_1280x800 +100\.0 +811 +0\.12 MISS +60,000 +48,138 +1\.246 +no MISS/);
    expect(text).toMatch(/same image again[^\n]*\n[^\n]*\nterm_1280x800 [^\n]* +- PASS/);
    expect(text).toContain("Targets: 4 PASS, 2 MISS");
  });

  it("with several runs: PASS/MISS on the runs' median, the range of ours/C on each row", () => {
    const r = result({ mpps: 400, mppsRange: [300, 600] });
    const text = formatEncoderTables([r], "header", 3);
    expect(text).toMatch(/term_1280x800 +400\.0 +755 +0\.53 PASS .* ours\/C over 3 runs: 0\.40-0\.79\n/);
    expect(text).toContain("median of 3 runs");
    expect(JSON.parse(formatEncoderJsonLine(r))).toMatchObject({ mppsRange: [300, 600], vsCRange: [0.397, 0.795] });
    expect(formatEncoderTables([result()], "header")).not.toContain("runs");
  });

  it("names cases codec/image and swaps PNG RGBA to BGRX", () => {
    expect(encoderCaseKey({ codec: "glz-repeat", image: "ui_1280x800" })).toBe("glz-repeat/ui_1280x800");
    expect([...rgbaToBgrx(Uint8Array.of(1, 2, 3, 0, 4, 5, 6, 9), 2, 1).data]).toEqual([3, 2, 1, 255, 6, 5, 4, 255]);
  });
});
