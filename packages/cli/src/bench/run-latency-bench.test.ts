import { describe, expect, it } from "vitest";
import { blockColour, percentile } from "./run-latency-bench.js";

describe("latency bench helpers", () => {
  it("nearest-rank percentiles", () => {
    const xs = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(100);
    expect(percentile(xs, 95)).toBe(190);
    expect(percentile(xs, 99)).toBe(198);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it("gives every press a colour unlike the one before", () => {
    for (let n = 0; n < 1000; n++) {
      expect(blockColour(n + 1)).not.toBe(blockColour(n));
      expect(blockColour(n)).toBeLessThanOrEqual(0xffffff);
    }
  });
});
