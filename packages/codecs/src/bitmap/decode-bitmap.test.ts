import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CodecError } from "../errors.js";
import { BitmapFormat } from "../pixels.js";
import { decodeBitmap, type BitmapImage } from "./decode-bitmap.js";

const RED = 0x00ff0000;
const GREEN = 0x0000ff00;
const BLUE = 0x000000ff;
const WHITE = 0x00ffffff;
// BGRA bytes of the palette colours above
const r = [0, 0, 255, 255];
const g = [0, 255, 0, 255];
const b = [255, 0, 0, 255];
const w = [255, 255, 255, 255];
const k = [0, 0, 0, 255];
const pal = Uint32Array.of(RED, GREEN, BLUE, WHITE);

function px(img: { data: Uint8Array }): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < img.data.length; i += 4) out.push([...img.data.subarray(i, i + 4)]);
  return out;
}

function bm(format: number, width: number, height: number, stride: number, bytes: number[], extra: Partial<BitmapImage> = {}): BitmapImage {
  return { format, width, height, stride, topDown: true, data: Uint8Array.from(bytes), palette: pal, ...extra };
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof CodecError) return e.code;
    throw e;
  }
}

describe("decodeBitmap", () => {
  it("1BIT_BE: high bit is the left pixel, entries 0 and 1", () => {
    // 10 pixels: 1010 0000 | 01xx xxxx, stride 4 (padded)
    const img = decodeBitmap(bm(BitmapFormat.OneBitBE, 10, 1, 4, [0b1010_0000, 0b0100_0000, 0xee, 0xee]));
    expect(px(img)).toEqual([g, r, g, r, r, r, r, r, r, g]);
    expect(img.hasAlpha).toBe(false);
  });

  it("1BIT_LE: low bit is the left pixel", () => {
    const img = decodeBitmap(bm(BitmapFormat.OneBitLE, 10, 1, 2, [0b0000_0101, 0b0000_0010]));
    expect(px(img)).toEqual([g, r, g, r, r, r, r, r, r, g]);
  });

  it("4BIT_BE and 4BIT_LE, odd width", () => {
    expect(px(decodeBitmap(bm(BitmapFormat.FourBitBE, 3, 1, 2, [0x12, 0x3f])))).toEqual([g, b, w]);
    expect(px(decodeBitmap(bm(BitmapFormat.FourBitLE, 3, 1, 2, [0x21, 0xf3])))).toEqual([g, b, w]);
  });

  it("8BIT with palette; indices past the palette are opaque black", () => {
    expect(px(decodeBitmap(bm(BitmapFormat.EightBit, 5, 1, 5, [3, 2, 1, 0, 200])))).toEqual([w, b, g, r, k]);
  });

  it("palette entry high byte is ignored (alpha 255)", () => {
    const img = decodeBitmap(bm(BitmapFormat.EightBit, 1, 1, 1, [0], { palette: Uint32Array.of(0x7f102030) }));
    expect(px(img)).toEqual([[0x30, 0x20, 0x10, 255]]);
  });

  it("16BIT x1r5g5b5 little-endian with bit replication", () => {
    // 0x7c00 red, 0x03e0 green, 0x001f blue, 0x8000|0x4210 (r=g=b=16 -> 132)
    const img = decodeBitmap(bm(BitmapFormat.Rgb16, 4, 1, 8, [0x00, 0x7c, 0xe0, 0x03, 0x1f, 0x00, 0x10, 0xc2]));
    expect(px(img)).toEqual([r, g, b, [132, 132, 132, 255]]);
  });

  it("24BIT bytes B, G, R with stride padding", () => {
    const img = decodeBitmap(bm(BitmapFormat.Rgb24, 2, 2, 8, [1, 2, 3, 4, 5, 6, 0, 0, 7, 8, 9, 10, 11, 12, 0, 0]));
    expect(px(img)).toEqual([[1, 2, 3, 255], [4, 5, 6, 255], [7, 8, 9, 255], [10, 11, 12, 255]]);
  });

  it("32BIT forces alpha 255; RGBA keeps it", () => {
    const bytes = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(px(decodeBitmap(bm(BitmapFormat.Rgb32, 2, 1, 8, bytes)))).toEqual([[1, 2, 3, 255], [5, 6, 7, 255]]);
    const rgba = decodeBitmap(bm(BitmapFormat.Rgba, 2, 1, 8, bytes));
    expect(px(rgba)).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
    expect(rgba.hasAlpha).toBe(true);
  });

  it("8BIT_A is alpha only", () => {
    const img = decodeBitmap(bm(BitmapFormat.EightBitA, 3, 1, 4, [0, 128, 255, 9], { palette: undefined }));
    expect(px(img)).toEqual([[0, 0, 0, 0], [0, 0, 0, 128], [0, 0, 0, 255]]);
    expect(img.hasAlpha).toBe(true);
  });

  it("bottom-up data: the first row is the bottom row (every format family)", () => {
    for (const [format, bytes] of [
      [BitmapFormat.EightBit, [0, 3]],
      [BitmapFormat.Rgb24, [0, 0, 255, 255, 255, 255]],
      [BitmapFormat.Rgb32, [0, 0, 255, 0, 255, 255, 255, 0]],
      [BitmapFormat.OneBitBE, [0x00, 0x80]],
    ] as const) {
      const stride = bytes.length / 2;
      const img = decodeBitmap(bm(format, 1, 2, stride, [...bytes], { topDown: false, palette: Uint32Array.of(RED, WHITE, 0, WHITE) }));
      expect(px(img), `format ${format}`).toEqual([w, r]);
    }
  });

  it("the last row may omit its stride padding; caller buffers, misaligned too", () => {
    const data = [1, 2, 3, 0, 0, 0, 0, 0, 4, 5, 6, 0];
    const ref = decodeBitmap(bm(BitmapFormat.Rgb32, 1, 2, 8, data));
    expect(px(ref)).toEqual([[1, 2, 3, 255], [4, 5, 6, 255]]);
    const buf = new Uint8Array(9);
    for (const format of [BitmapFormat.Rgb32, BitmapFormat.EightBit, BitmapFormat.Rgb16]) {
      const a = decodeBitmap(bm(format, 1, 2, 8, data), buf.subarray(1));
      const c = decodeBitmap(bm(format, 1, 2, 8, data));
      expect([...a.data]).toEqual([...c.data]);
    }
  });

  it("rejects bad input with CodecError", () => {
    expect(codeOf(() => decodeBitmap(bm(0, 1, 1, 4, [0, 0, 0, 0])))).toBe("ERR_IMAGE_CORRUPT");
    expect(codeOf(() => decodeBitmap(bm(11, 1, 1, 4, [0, 0, 0, 0])))).toBe("ERR_IMAGE_CORRUPT");
    expect(codeOf(() => decodeBitmap(bm(BitmapFormat.Rgb32, 2, 1, 4, [0, 0, 0, 0, 0, 0, 0, 0])))).toBe("ERR_IMAGE_CORRUPT");
    expect(codeOf(() => decodeBitmap(bm(BitmapFormat.Rgb32, 1, 2, 4, [0, 0, 0, 0])))).toBe("ERR_IMAGE_CORRUPT");
    expect(codeOf(() => decodeBitmap(bm(BitmapFormat.EightBit, 1, 1, 1, [0], { palette: undefined })))).toBe("ERR_IMAGE_CORRUPT");
    expect(codeOf(() => decodeBitmap(bm(BitmapFormat.Rgb32, 0, 1, 4, [])))).toBe("ERR_IMAGE_TOO_LARGE");
    expect(codeOf(() => decodeBitmap(bm(BitmapFormat.Rgb32, 1, 1, 4.5, [0, 0, 0, 0, 0])))).toBe("ERR_IMAGE_CORRUPT");
  });

  it("random bitmaps only ever throw CodecError", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: -1, max: 20 }),
        fc.integer({ min: -1, max: 6 }),
        fc.integer({ min: -1, max: 70 }),
        fc.boolean(),
        fc.uint8Array({ maxLength: 200 }),
        fc.option(fc.uint32Array({ maxLength: 300 }), { nil: undefined }),
        (format, width, height, stride, topDown, data, palette) => {
          const r0 = codeOf(() => decodeBitmap({ format, width, height, stride, topDown, data, palette }));
          if (r0 !== undefined) expect(["ERR_IMAGE_CORRUPT", "ERR_IMAGE_TOO_LARGE"]).toContain(r0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
