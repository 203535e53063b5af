import { deflateSync, inflateSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GlzDictionary } from "../glz/glz-dictionary.js";
import { firstBgrMismatch, onlyCodecErrors, readPng, readVector } from "../lz/__fixtures__/test-images.js";
import { decodeZlibGlz, type Inflate } from "./zlib-glz-decode.js";

const inflate: Inflate = (deflated, expectedSize) => {
  const out = inflateSync(deflated, { maxOutputLength: Math.max(1, expectedSize) });
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
};

describe("decodeZlibGlz", () => {
  const glz = readVector("ui_1280x800.glz");
  const zlib = new Uint8Array(deflateSync(glz));

  it("inflates the zlib body and decodes the GLZ stream into the window", () => {
    const dict = new GlzDictionary(1 << 22);
    const img = decodeZlibGlz(zlib, glz.length, dict, inflate);
    const png = readPng("ui_1280x800");
    expect(firstBgrMismatch(img.data, png.data, png.width * png.height)).toBe(-1);
    expect(dict.status(0)).toBe("held");
  });

  it("a size mismatch, an implausible size or bad zlib data is ERR_ZLIB_CORRUPT", () => {
    const dict = new GlzDictionary(1 << 22);
    expect(() => decodeZlibGlz(zlib, glz.length + 1, dict, inflate)).toThrow(expect.objectContaining({ code: "ERR_ZLIB_CORRUPT" }));
    expect(() => decodeZlibGlz(zlib, zlib.length * 2000, dict, inflate)).toThrow(expect.objectContaining({ code: "ERR_ZLIB_CORRUPT" }));
    expect(() => decodeZlibGlz(zlib, 0, dict, inflate)).toThrow(expect.objectContaining({ code: "ERR_ZLIB_CORRUPT" }));
    expect(() => decodeZlibGlz(zlib.subarray(0, 100), glz.length, dict, inflate)).toThrow(expect.objectContaining({ code: "ERR_ZLIB_CORRUPT" }));
    expect(dict.imageCount).toBe(0);
  });

  it("random input only throws CodecError", () => {
    const dict = new GlzDictionary(1 << 16);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.integer({ min: -5, max: 5000 }), (b, n) => onlyCodecErrors(() => decodeZlibGlz(b, n, dict, inflate))),
      { numRuns: 300 },
    );
    const small = new Uint8Array(deflateSync(readVector("uitile_256x256.glz").subarray(0, 5000)));
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 255 }), (i, v) => {
        const s = small.slice();
        s[i % s.length] = v;
        return onlyCodecErrors(() => decodeZlibGlz(s, 5000, dict, inflate));
      }),
      { numRuns: 200 },
    );
  });
});
