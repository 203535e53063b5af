import { describe, expect, it } from "vitest";
import { StringFlags } from "./draw-types.js";
import { rasterizeString } from "./glyphs.js";

const all = { left: -100, top: -100, right: 100, bottom: 100 };

describe("rasterizeString", () => {
  it("places 1 bpp glyphs MSB first, bottom row first, and ORs overlaps", () => {
    const cov = rasterizeString(
      {
        flags: StringFlags.RasterA1,
        glyphs: [
          // rows stored bottom-up: data[0] is the bottom row
          { renderPos: { x: 10, y: 5 }, glyphOrigin: { x: 0, y: -2 }, width: 3, height: 2, data: new Uint8Array([0b11100000, 0b10000000]) },
          { renderPos: { x: 12, y: 5 }, glyphOrigin: { x: 0, y: -2 }, width: 2, height: 2, data: new Uint8Array([0b00000000, 0b01000000]) },
        ],
      },
      all,
    )!;
    expect(cov.bounds).toEqual({ left: 10, top: 3, right: 14, bottom: 5 });
    expect([...cov.cov]).toEqual([255, 0, 0, 255, 255, 255, 255, 0]);
  });

  it("reads 4 bpp high nibble first and 8 bpp bytes, top-down when flagged, clipped to the limit", () => {
    const a4 = rasterizeString(
      { flags: StringFlags.RasterA4 | StringFlags.TopDown, glyphs: [{ renderPos: { x: 0, y: 0 }, glyphOrigin: { x: 0, y: 0 }, width: 3, height: 1, data: new Uint8Array([0xf1, 0x80]) }] },
      all,
    )!;
    expect([...a4.cov]).toEqual([255, 17, 136]);
    const a8 = rasterizeString(
      { flags: StringFlags.RasterA8, glyphs: [{ renderPos: { x: 0, y: 0 }, glyphOrigin: { x: 0, y: 0 }, width: 2, height: 2, data: new Uint8Array([1, 2, 3, 4]) }] },
      { left: 1, top: 0, right: 5, bottom: 5 },
    )!;
    expect(a8.rect).toEqual({ left: 1, top: 0, right: 2, bottom: 2 });
    expect([...a8.cov]).toEqual([4, 2]);
  });

  it("returns null for vector strings and empty strings", () => {
    expect(rasterizeString({ flags: 0, glyphs: [] }, all)).toBeNull();
    expect(rasterizeString({ flags: StringFlags.RasterA8, glyphs: [] }, all)).toBeNull();
  });
});
