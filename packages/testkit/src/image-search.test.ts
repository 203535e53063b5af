import { describe, expect, it } from "vitest";
import { solidImage } from "./image-diff.js";
import { cropImage, findImage, regionEquals } from "./image-search.js";

function noise(width: number, height: number, seed: number) {
  const data = new Uint8Array(width * height * 4);
  let s = seed;
  for (let i = 0; i < data.length; i++) data[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
  return { width, height, data, hasAlpha: false };
}

describe("findImage", () => {
  it("finds a picture pasted into a bigger one, exactly", () => {
    const hay = noise(200, 150, 1);
    const needle = cropImage(hay, 37, 91, 50, 40);
    expect(findImage(hay, needle)).toEqual({ x: 37, y: 91 });
    expect(regionEquals(hay, needle, 37, 91)).toBe(true);
    expect(regionEquals(hay, needle, 38, 91)).toBe(false);
  });

  it("ignores alpha and reports a one-pixel difference as not found", () => {
    const hay = noise(120, 80, 2);
    const needle = cropImage(hay, 10, 20, 30, 30);
    for (let i = 3; i < needle.data.length; i += 4) needle.data[i] = 0;
    expect(findImage(hay, needle)).toEqual({ x: 10, y: 20 });
    needle.data[(29 * 30 + 29) * 4] ^= 1;
    expect(findImage(hay, needle)).toBeUndefined();
  });

  it("handles needles larger than the haystack and flat pictures", () => {
    expect(findImage(solidImage(10, 10, "#000000"), solidImage(11, 10, "#000000"))).toBeUndefined();
    expect(findImage(solidImage(10, 10, "#123456"), solidImage(4, 4, "#123456"))).toEqual({ x: 0, y: 0 });
    expect(() => cropImage(solidImage(10, 10, "#000000"), 8, 8, 4, 4)).toThrow(RangeError);
  });
});
