import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BGRX_STRIPE_BYTES, bgrxRectToRgba } from "./bgrx-rect-to-rgba.js";

/** The conversion spelled out, pixel by pixel. */
function reference(src: Uint8Array, srcWidth: number, r: { left: number; top: number; right: number; bottom: number }): Uint8Array {
  const out: number[] = [];
  for (let y = r.top; y < r.bottom; y++) {
    for (let x = r.left; x < r.right; x++) {
      const s = (y * srcWidth + x) * 4;
      out.push(src[s + 2]!, src[s + 1]!, src[s]!, 255);
    }
  }
  return Uint8Array.from(out);
}

describe("bgrxRectToRgba", () => {
  it("swaps B and R and forces alpha opaque, for a rect inside the surface (wasm and JS)", () => {
    // 3x2 surface, pixel (x, y) = B x, G y, R 10+x, X 0
    const src = new Uint8Array(3 * 2 * 4);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) src.set([x, y, 10 + x, 0], (y * 3 + x) * 4);
    for (const wasm of [true, false]) {
      const out = new Uint8ClampedArray(2 * 2 * 4);
      bgrxRectToRgba(src, 3, { left: 1, top: 0, right: 3, bottom: 2 }, out, { wasm });
      expect([...out]).toEqual([11, 0, 1, 255, 12, 0, 2, 255, 11, 1, 1, 255, 12, 1, 2, 255]);
    }
  });

  it("wasm, aligned JS and byte-wise JS all match the reference for any surface, rect and buffer offset", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 3 }),
        (width, height, a, b, c, d, offset) => {
          const left = a % width, right = left + 1 + (b % (width - left));
          const top = c % height, bottom = top + 1 + (d % (height - top));
          const rect = { left, top, right, bottom };
          const buf = new Uint8Array(offset + width * height * 4);
          for (let i = 0; i < buf.length; i++) buf[i] = (i * 151 + 7) & 0xff;
          const src = buf.subarray(offset);
          const want = reference(src, width, rect);
          for (const wasm of [true, false]) {
            const out = new Uint8Array(want.length + offset).subarray(offset);
            bgrxRectToRgba(src, width, rect, out, { wasm });
            expect(out).toEqual(want);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("converts a whole 1920x1080 surface in WebAssembly as in JS", () => {
    const w = 1920, h = 1080;
    const src = new Uint8Array(w * h * 4);
    for (let i = 0; i < src.length; i++) src[i] = (i * 13 + (i >> 11)) & 0xff;
    const rect = { left: 0, top: 0, right: w, bottom: h };
    const a = new Uint8Array(w * h * 4), b = new Uint8Array(w * h * 4);
    bgrxRectToRgba(src, w, rect, a, { wasm: true });
    bgrxRectToRgba(src, w, rect, b, { wasm: false });
    expect(Buffer.compare(a, b)).toBe(0); // (toEqual on 8 MB arrays takes a minute)
    expect(a.subarray(0, 8)).toEqual(reference(src, w, { left: 0, top: 0, right: 2, bottom: 1 }));
  });

  it("converts rects larger than one WebAssembly stripe in stripes, as in JS: part of each row, and rows wider than a stripe", () => {
    const cases = [
      { w: 1500, h: 400, rect: { left: 37, top: 11, right: 1333, bottom: 397 } }, // 50 rows a stripe, a short last one
      { w: BGRX_STRIPE_BYTES / 4 + 9, h: 3, rect: { left: 0, top: 0, right: BGRX_STRIPE_BYTES / 4 + 9, bottom: 3 } }, // one row a stripe
    ];
    for (const { w, h, rect } of cases) {
      const src = new Uint8Array(w * h * 4);
      for (let i = 0; i < src.length; i++) src[i] = (i * 29 + (i >> 9)) & 0xff;
      const n = (rect.right - rect.left) * (rect.bottom - rect.top) * 4;
      const a = new Uint8Array(n), b = new Uint8Array(n);
      bgrxRectToRgba(src, w, rect, a, { wasm: true });
      bgrxRectToRgba(src, w, rect, b, { wasm: false });
      expect(n).toBeGreaterThan(BGRX_STRIPE_BYTES);
      expect(Buffer.compare(a, b)).toBe(0);
      expect(b.subarray(n - 8)).toEqual(reference(src, w, { left: rect.right - 2, top: rect.bottom - 1, right: rect.right, bottom: rect.bottom }));
    }
  });

  it("refuses rects outside the surface and outputs too small, and ignores empty rects", () => {
    const src = new Uint8Array(4 * 4 * 4);
    expect(() => bgrxRectToRgba(src, 4, { left: 2, top: 0, right: 5, bottom: 1 }, new Uint8Array(64))).toThrow(RangeError);
    expect(() => bgrxRectToRgba(src, 4, { left: 0, top: 3, right: 1, bottom: 5 }, new Uint8Array(64))).toThrow(RangeError);
    expect(() => bgrxRectToRgba(src, 4, { left: 0, top: 0, right: 2, bottom: 2 }, new Uint8Array(15))).toThrow(RangeError);
    const out = new Uint8Array(4).fill(9);
    bgrxRectToRgba(src, 4, { left: 1, top: 1, right: 1, bottom: 3 }, out);
    expect([...out]).toEqual([9, 9, 9, 9]);
  });
});
