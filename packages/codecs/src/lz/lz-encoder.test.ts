import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pngAsBgrx, randomImage, samePixels, withStride } from "./__fixtures__/encoder-inputs.js";
import { readVector, VECTORS } from "./__fixtures__/test-images.js";
import { decodeLz } from "./lz-decode.js";
import { encodeLz, LzEncoder } from "./lz-encoder.js";
import { readLzHeader } from "./lz-header.js";
import { LzImageType } from "./lz-image-type.js";

describe("encodeLz against the spice-common encoder (golden vectors)", () => {
  for (const name of VECTORS) {
    it(`${name}: same stream as the reference, and it decodes`, () => {
      const img = pngAsBgrx(name);
      const ref = readVector(`${name}.lz`);
      const ours = encodeLz(img);
      // Same algorithm, so the same bytes (and certainly within 5% in size).
      expect(Math.abs(ours.length - ref.length) / ref.length).toBeLessThanOrEqual(0.05);
      expect(ours.length).toBe(ref.length);
      expect(Buffer.compare(Buffer.from(ours), Buffer.from(ref))).toBe(0);
      expect(samePixels(decodeLz(ours).data, img, false)).toBe(true);
    });
  }
});

describe("encodeLz round trips", () => {
  it("writes the header (RGB32, stride, top_down)", () => {
    const img = randomImage(37, 11, 1);
    expect(readLzHeader(encodeLz(img))).toEqual({ type: LzImageType.Rgb32, width: 37, height: 11, stride: 148, topDown: true });
    expect(readLzHeader(encodeLz(img, "rgba", { topDown: false }))).toEqual({
      type: LzImageType.Rgba,
      width: 37,
      height: 11,
      stride: 148,
      topDown: false,
    });
  });

  it("RGB32 ignores alpha; RGBA carries it", () => {
    const img = randomImage(120, 90, 2, 50, 6);
    const rgb = decodeLz(encodeLz(img));
    expect(samePixels(rgb.data, img, false)).toBe(true);
    expect(rgb.hasAlpha).toBe(false);
    const rgba = decodeLz(encodeLz(img, "rgba"));
    expect(samePixels(rgba.data, img, true)).toBe(true);
    expect(rgba.hasAlpha).toBe(true);
  });

  it("bottom-up coding, padded strides and unaligned buffers", () => {
    const img = randomImage(333, 47, 3, 2000, 3);
    for (const [pad, shift] of [
      [0, 0],
      [12, 0],
      [4, 1],
      [0, 3],
    ]) {
      const src = withStride(img, pad, shift);
      for (const topDown of [true, false]) {
        const stream = encodeLz(src, "rgba", { topDown });
        expect(samePixels(decodeLz(stream).data, img, true)).toBe(true);
      }
    }
  });

  it("long runs, far matches and the 255-length extension", () => {
    const w = 4000;
    const h = 40;
    const img = randomImage(w, h, 4, 5000);
    const px = new Uint32Array(img.data.buffer);
    px.fill(0xff123456, 10, 3000); // long run
    px.copyWithin(50_000, 10_000, 11_000); // distance 40000: far form
    px.copyWithin(100_000, 99_990, 100_500); // overlapping repeat
    const stream = encodeLz(img, "rgba");
    expect(samePixels(decodeLz(stream).data, img, true)).toBe(true);
    expect(stream.length).toBeLessThan(img.data.length);
  });

  it("tiny images (1..12 pixels, every shape)", () => {
    for (let w = 1; w <= 12; w++) {
      for (let h = 1; h <= 3; h++) {
        const img = randomImage(w, h, w * 7 + h, 3, 2);
        expect(samePixels(decodeLz(encodeLz(img, "rgba")).data, img, true)).toBe(true);
        expect(samePixels(decodeLz(encodeLz(img)).data, img, false)).toBe(true);
      }
    }
  });

  it("a reused LzEncoder gives the same streams as encodeLz", () => {
    const enc = new LzEncoder();
    for (let i = 0; i < 4; i++) {
      const img = randomImage(50 + i * 30, 20 + i, 10 + i, 40, i & 1 ? 4 : 0);
      const type = i & 1 ? "rgba" : "rgb32";
      expect(enc.encode(img, type)).toEqual(encodeLz(img, type));
    }
  });

  it("property: any image round trips exactly and never throws", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.boolean(),
        fc.boolean(),
        (w, h, seed, colours, rgba, topDown) => {
          const img = randomImage(w, h, seed, colours, rgba ? 5 : 0);
          const out = decodeLz(encodeLz(img, rgba ? "rgba" : "rgb32", { topDown }));
          return samePixels(out.data, img, rgba);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("rejects bad input with a RangeError", () => {
    expect(() => encodeLz({ width: 0, height: 1, data: new Uint8Array(4) })).toThrow(RangeError);
    expect(() => encodeLz({ width: 4, height: 4, data: new Uint8Array(60) })).toThrow(RangeError);
    expect(() => encodeLz({ width: 4, height: 1, data: new Uint8Array(16), stride: 8 })).toThrow(RangeError);
  });
});
