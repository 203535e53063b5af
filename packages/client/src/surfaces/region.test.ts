import { describe, expect, it } from "vitest";
import type { QMask, Rect } from "./draw-types.js";
import { drawRegion, forEachSpan, unionRects } from "./region.js";

const R = (left: number, top: number, right: number, bottom: number): Rect => ({ left, top, right, bottom });

function coverage(rects: Rect[], w: number, h: number): number[][] {
  const g = Array.from({ length: h }, () => new Array<number>(w).fill(0));
  for (const r of rects) for (let y = r.top; y < r.bottom; y++) for (let x = r.left; x < r.right; x++) g[y][x]++;
  return g;
}

describe("drawRegion", () => {
  it("intersects the box with the surface and returns it alone without a clip", () => {
    expect(drawRegion(R(-2, -2, 3, 3), 10, 10, null)).toEqual([R(0, 0, 3, 3)]);
    expect(drawRegion(R(10, 0, 12, 3), 10, 10, undefined)).toEqual([]);
  });

  it("an empty clip list clips everything", () => {
    expect(drawRegion(R(0, 0, 5, 5), 10, 10, [])).toEqual([]);
  });

  it("turns overlapping clip rects into disjoint bands covering each pixel once", () => {
    const rects = drawRegion(R(0, 0, 8, 8), 8, 8, [R(1, 1, 5, 5), R(3, 3, 7, 7), R(1, 1, 5, 5)]);
    const g = coverage(rects, 8, 8);
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) {
        const inside = (x >= 1 && x < 5 && y >= 1 && y < 5) || (x >= 3 && x < 7 && y >= 3 && y < 7);
        expect(g[y][x], `${x},${y}`).toBe(inside ? 1 : 0);
      }
  });

  it("merges equal neighbouring bands and adjacent spans", () => {
    expect(unionRects([R(0, 0, 2, 2), R(2, 0, 4, 2), R(0, 2, 4, 3)])).toEqual([R(0, 0, 4, 3)]);
  });
});

describe("forEachSpan", () => {
  const spans = (rects: Rect[], box: Rect, mask: QMask | null): string[] => {
    const out: string[] = [];
    forEachSpan(rects, box, mask, (y, x0, x1) => out.push(`${y}:${x0}-${x1}`));
    return out;
  };

  it("without a mask yields one span per rect row", () => {
    expect(spans([R(1, 2, 4, 4)], R(0, 0, 9, 9), null)).toEqual(["2:1-4", "3:1-4"]);
  });

  it("splits rows into runs of set mask bits, MSB first, positioned by box and pos", () => {
    const bitmap = { width: 8, height: 2, stride: 1, data: new Uint8Array([0b10110010, 0b11110000]), msbFirst: true };
    // box at (2,1), mask pos (1,0): dest x maps to mask x = x - 2 + 1.
    const mask: QMask = { bitmap, pos: { x: 1, y: 0 }, invert: false };
    expect(spans([R(2, 1, 9, 3)], R(2, 1, 9, 3), mask)).toEqual(["1:3-5", "1:7-8", "2:2-5"]);
  });

  it("inverts inside the bitmap only, honours LSB-first and bottom-up bitmaps", () => {
    const bitmap = { width: 4, height: 2, stride: 1, data: new Uint8Array([0b0001, 0b0110]), msbFirst: false, bottomUp: true };
    const box = R(0, 0, 6, 2);
    expect(spans([box], box, { bitmap, pos: { x: 0, y: 0 }, invert: false })).toEqual(["0:1-3", "1:0-1"]);
    expect(spans([box], box, { bitmap, pos: { x: 0, y: 0 }, invert: true })).toEqual(["0:0-1", "0:3-4", "1:1-4"]);
  });

  it("a QMask without a bitmap masks nothing", () => {
    expect(spans([R(0, 0, 2, 1)], R(0, 0, 2, 1), { bitmap: null, pos: { x: 0, y: 0 }, invert: true })).toEqual(["0:0-2"]);
  });
});
