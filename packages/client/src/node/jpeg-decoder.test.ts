import { CodecError, decodeJpegSync } from "@saffron/codecs";
import fc from "fast-check";
import jpegJs from "jpeg-js";
import { describe, expect, it } from "vitest";
import { createNodeJpegDecoder } from "./jpeg-decoder.js";

/** Encodes an RGBA test image with jpeg-js at high quality. */
function makeJpeg(width: number, height: number, rgbaAt: (x: number, y: number) => [number, number, number]): { jpeg: Uint8Array; rgba: Uint8Array } {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgbaAt(x, y);
      rgba.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  const jpeg = new Uint8Array(jpegJs.encode({ width, height, data: rgba }, 95).data);
  return { jpeg, rgba };
}

describe("createNodeJpegDecoder (jpeg-js)", () => {
  const decode = createNodeJpegDecoder();

  it("decodes to BGRA: R and B end up in bytes 2 and 0", () => {
    // Four flat 8x8 blocks: red, green, blue, and a mixed colour (flat blocks survive JPEG well).
    const colours: Array<[number, number, number]> = [
      [230, 20, 20],
      [20, 200, 30],
      [25, 30, 220],
      [200, 120, 40],
    ];
    const { jpeg, rgba } = makeJpeg(16, 16, (x, y) => colours[(y >> 3) * 2 + (x >> 3)]);
    const img = decodeJpegSync(jpeg, 16, 16, decode);
    expect(img.hasAlpha).toBe(false);
    let worst = 0;
    for (let i = 0; i < 16 * 16 * 4; i += 4) {
      worst = Math.max(worst, Math.abs(img.data[i] - rgba[i + 2]), Math.abs(img.data[i + 1] - rgba[i + 1]), Math.abs(img.data[i + 2] - rgba[i]));
      expect(img.data[i + 3]).toBe(255);
    }
    expect(worst).toBeLessThanOrEqual(12);
  });

  it("odd sizes and gradients stay within tolerance", () => {
    const { jpeg, rgba } = makeJpeg(37, 19, (x, y) => [x * 6, y * 12, 255 - x * 6]);
    const img = decode(jpeg);
    expect([img.width, img.height]).toEqual([37, 19]);
    let sum = 0;
    for (let i = 0; i < rgba.length; i += 4) sum += Math.abs(img.data[i] - rgba[i + 2]) + Math.abs(img.data[i + 2] - rgba[i]);
    expect(sum / (37 * 19 * 2)).toBeLessThan(4);
  });

  it("garbage and truncated files give only CodecError ERR_JPEG_CORRUPT", () => {
    const { jpeg } = makeJpeg(16, 16, () => [1, 2, 3]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: jpeg.length - 1 }), (junk, cut) => {
        for (const input of [junk, jpeg.subarray(0, cut)]) {
          try {
            decode(input);
          } catch (e) {
            expect(e).toBeInstanceOf(CodecError);
            expect((e as CodecError).code).toBe("ERR_JPEG_CORRUPT");
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
