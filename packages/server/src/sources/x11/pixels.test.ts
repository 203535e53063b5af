import { describe, expect, it } from "vitest";
import { blitRows, blitRowsChanged, cursorFromXFixes, premultipliedArgbToRgba } from "./pixels.js";

describe("premultipliedArgbToRgba", () => {
  it("un-premultiplies and reorders B,G,R,A to R,G,B,A", () => {
    // opaque red, half-transparent white (premultiplied 128), transparent, half green
    const argb = Uint8Array.of(0, 0, 255, 255, 128, 128, 128, 128, 0, 0, 0, 0, 0, 64, 0, 128);
    expect([...premultipliedArgbToRgba(argb, 4, 1)]).toEqual([255, 0, 0, 255, 255, 255, 255, 128, 0, 0, 0, 0, 0, 128, 0, 128]);
  });

  it("clamps colour above alpha (invalid premultiplication)", () => {
    expect([...premultipliedArgbToRgba(Uint8Array.of(200, 200, 200, 100), 1, 1)]).toEqual([255, 255, 255, 100]);
  });
});

describe("cursorFromXFixes", () => {
  it("returns null for empty or fully transparent cursors and truncated data", () => {
    expect(cursorFromXFixes(0, 0, 0, 0, new Uint8Array(0))).toBeNull();
    expect(cursorFromXFixes(2, 1, 0, 0, new Uint8Array(8))).toBeNull();
    expect(cursorFromXFixes(2, 2, 0, 0, new Uint8Array(8).fill(255))).toBeNull();
  });

  it("keeps the hot spot inside the image", () => {
    const c = cursorFromXFixes(2, 2, 5, 1, new Uint8Array(16).fill(255))!;
    expect(c).toMatchObject({ width: 2, height: 2, hotX: 1, hotY: 1 });
  });
});

describe("blitRows", () => {
  it("copies rows into place and clips at the edges", () => {
    const dst = new Uint8Array(3 * 2 * 4);
    const src = Uint8Array.from({ length: 2 * 2 * 4 }, (_, i) => i + 1);
    blitRows(dst, 12, 3, 2, 2, 1, 2, 2, src, 8); // only (2,1) is inside
    expect([...dst.subarray(20, 24)]).toEqual([1, 2, 3, 4]);
    expect(dst.subarray(0, 20).every((v) => v === 0)).toBe(true);
  });

  it("ignores rects entirely outside and short source data", () => {
    const dst = new Uint8Array(16);
    blitRows(dst, 8, 2, 2, 5, 5, 1, 1, new Uint8Array(4).fill(9), 4);
    blitRows(dst, 8, 2, 2, 0, 0, 2, 2, new Uint8Array(4).fill(9), 8);
    expect(dst.every((v) => v === 0)).toBe(true);
  });
});

describe("blitRowsChanged", () => {
  it("copies the rect and returns the tight box of the pixels that changed", () => {
    const w = 8, h = 6;
    const fb = new Uint8Array(w * h * 4);
    const src = new Uint8Array(4 * 4 * 4); // a 4x4 rect at (2,1), all zero = unchanged
    expect(blitRowsChanged(fb, w * 4, w, h, 2, 1, 4, 4, src, 16)).toBeNull();
    src[(2 * 4 + 1) * 4] = 9; // pixel (1,2) of the rect -> (3,3) on screen
    src[(3 * 4 + 2) * 4 + 2] = 7; // pixel (2,3) -> (4,4)
    expect(blitRowsChanged(fb, w * 4, w, h, 2, 1, 4, 4, src, 16)).toEqual({ x: 3, y: 3, width: 2, height: 2 });
    expect(fb[(3 * w + 3) * 4]).toBe(9);
    expect(fb[(4 * w + 4) * 4 + 2]).toBe(7);
    // Same pixels again: nothing changed.
    expect(blitRowsChanged(fb, w * 4, w, h, 2, 1, 4, 4, src, 16)).toBeNull();
  });
});
