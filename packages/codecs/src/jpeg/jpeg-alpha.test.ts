import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CodecError } from "../errors.js";
import type { DecodedImage } from "../pixels.js";
import { decodeJpegAlpha, decodeJpegAlphaSync, splitJpegAlpha } from "./jpeg-alpha.js";
import { decodeJpeg, decodeJpegSync } from "./jpeg-decoder.js";

function lzHeader(type: number, width: number, height: number, topDown: number): number[] {
  const v = new DataView(new ArrayBuffer(28));
  [0x20205a4c, 0x00010001, type, width, height, width, topDown].forEach((x, i) => v.setUint32(i * 4, x));
  return [...new Uint8Array(v.buffer)];
}

/** Fake JPEG "decoder": a grey 2x1 image whatever the input. */
const fakeJpeg = (): DecodedImage => ({ width: 2, height: 1, data: Uint8Array.of(10, 20, 30, 255, 40, 50, 60, 255), hasAlpha: false });

/** Fake LZ alpha decoder: takes alphas from the bytes after the header. */
const fakeAlpha = (data: Uint8Array, target: DecodedImage): void => {
  for (let i = 0; i < target.width * target.height; i++) target.data[i * 4 + 3] = data[28 + i];
};

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof CodecError) return e.code;
    throw e;
  }
}

describe("JPEG helpers", () => {
  it("decodeJpegSync checks the size and wraps foreign errors", () => {
    expect(decodeJpegSync(new Uint8Array(1), 2, 1, fakeJpeg).width).toBe(2);
    expect(codeOf(() => decodeJpegSync(new Uint8Array(1), 3, 1, fakeJpeg))).toBe("ERR_JPEG_CORRUPT");
    expect(
      codeOf(() =>
        decodeJpegSync(new Uint8Array(1), 2, 1, () => {
          throw new TypeError("boom");
        }),
      ),
    ).toBe("ERR_JPEG_CORRUPT");
  });

  it("decodeJpeg accepts async decoders", async () => {
    const img = await decodeJpeg(new Uint8Array(1), 2, 1, async () => fakeJpeg());
    expect(img.hasAlpha).toBe(false);
    await expect(decodeJpeg(new Uint8Array(1), 2, 1, async () => Promise.reject(new Error("x")))).rejects.toMatchObject({ code: "ERR_JPEG_CORRUPT" });
  });

  it("JPEG_ALPHA: JPEG colour, then the LZ alpha plane", async () => {
    const data = Uint8Array.from([0xff, 0xd8, 0xff, 0xd9, ...lzHeader(10, 2, 1, 1), 77, 88]);
    const body = { flags: 1, jpegSize: 4, data };
    const img = await decodeJpegAlpha(body, 2, 1, fakeJpeg, fakeAlpha);
    expect([...img.data]).toEqual([10, 20, 30, 77, 40, 50, 60, 88]);
    expect(img.hasAlpha).toBe(true);
    expect([...decodeJpegAlphaSync(body, 2, 1, fakeJpeg, fakeAlpha).data]).toEqual([...img.data]);
  });

  it("JPEG_ALPHA rejects inconsistent bodies", () => {
    const ok = (t: number, w: number, td: number) => Uint8Array.from([1, 2, ...lzHeader(t, w, 1, td), 0, 0]);
    expect(codeOf(() => splitJpegAlpha({ flags: 0, jpegSize: 2, data: ok(10, 2, 1) }, 2, 1))).toBe("ERR_LZ_CORRUPT");
    expect(codeOf(() => splitJpegAlpha({ flags: 1, jpegSize: 2, data: ok(9, 2, 1) }, 2, 1))).toBe("ERR_LZ_CORRUPT");
    expect(codeOf(() => splitJpegAlpha({ flags: 1, jpegSize: 2, data: ok(10, 3, 1) }, 2, 1))).toBe("ERR_LZ_CORRUPT");
    expect(codeOf(() => splitJpegAlpha({ flags: 1, jpegSize: 99, data: ok(10, 2, 1) }, 2, 1))).toBe("ERR_IMAGE_CORRUPT");
    expect(codeOf(() => splitJpegAlpha({ flags: 1, jpegSize: 2, data: ok(10, 2, 1) }, 2, 1))).toBeUndefined();
  });

  it("random JPEG_ALPHA bodies only ever throw CodecError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.integer({ min: -2, max: 90 }), fc.nat(3), (data, jpegSize, flags) => {
        codeOf(() => splitJpegAlpha({ flags, jpegSize, data }, 2, 1));
      }),
      { numRuns: 300 },
    );
  });
});
