import { describe, expect, it } from "vitest";
import { compareWithReference, type BenchCase } from "./bench-cases.js";

const fakeCase = (layout: "bgra" | "rgba"): BenchCase => ({ codec: "lz", image: "x_2x1", impl: "saffron", width: 2, height: 1, layout, run: () => new Uint8Array(8) });

describe("compareWithReference", () => {
  const reference = Uint8Array.of(10, 20, 30, 255, 40, 50, 60, 255); // R,G,B,A
  it("accepts BGRA and RGBA decodes of the same pixels, ignoring the fourth byte", () => {
    expect(compareWithReference(fakeCase("bgra"), Uint8Array.of(30, 20, 10, 0, 60, 50, 40, 7), reference)).toBeUndefined();
    expect(compareWithReference(fakeCase("rgba"), Uint8ClampedArray.of(10, 20, 30, 1, 40, 50, 60, 2), reference)).toBeUndefined();
  });
  it("names the first differing pixel", () => {
    expect(compareWithReference(fakeCase("bgra"), Uint8Array.of(30, 20, 10, 0, 60, 51, 40, 0), reference)).toBe("pixel (1,0) is R,G,B 40,51,60, expected 40,50,60");
    expect(compareWithReference(fakeCase("rgba"), new Uint8Array(4), reference)).toMatch(/4 bytes, expected 8/);
  });
});
