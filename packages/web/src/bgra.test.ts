import { describe, expect, it } from "vitest";
import { bgraRectToRgba } from "./bgra.js";

describe("bgraRectToRgba", () => {
  it("swaps B and R and forces alpha opaque, for a rect inside the surface", () => {
    // 3x2 surface, pixel (x, y) = B x, G y, R 10+x, X 0
    const src = new Uint8Array(3 * 2 * 4);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) src.set([x, y, 10 + x, 0], (y * 3 + x) * 4);
    const out = new Uint8ClampedArray(2 * 2 * 4);
    bgraRectToRgba(src, 3, { left: 1, top: 0, right: 3, bottom: 2 }, out);
    expect([...out]).toEqual([11, 0, 1, 255, 12, 0, 2, 255, 11, 1, 1, 255, 12, 1, 2, 255]);
  });

  it("gives the same bytes on the unaligned (byte-wise) path", () => {
    const buf = new Uint8Array(1 + 4 * 4);
    const src = buf.subarray(1);
    for (let i = 0; i < src.length; i++) src[i] = (i * 37) & 0xff;
    const aligned = new Uint8Array(16);
    bgraRectToRgba(src.slice(), 2, { left: 0, top: 0, right: 2, bottom: 2 }, aligned);
    const unaligned = new Uint8Array(16);
    bgraRectToRgba(src, 2, { left: 0, top: 0, right: 2, bottom: 2 }, unaligned);
    expect(unaligned).toEqual(aligned);
  });
});
