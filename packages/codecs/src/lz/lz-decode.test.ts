import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CodecError } from "../errors.js";
import { decodeLz, decodeLzAlpha } from "./lz-decode.js";
import { readLzHeader } from "./lz-header.js";
import { LzImageType } from "./lz-image-type.js";
import { bgrUnit, byteUnit, greedyOps, lzHeader, rgb16Unit, serializeLz } from "./__fixtures__/lz-stream-builder.js";
import { firstBgrMismatch, onlyCodecErrors, readPng, readVector, rng, structuredUnits, VECTORS } from "./__fixtures__/test-images.js";

const FAR = [1, 2, 3, 7, 8191, 8192, 9000, 70000];

function words(img: { data: Uint8Array }): Uint32Array {
  return new Uint32Array(img.data.buffer, img.data.byteOffset, img.data.length >> 2);
}

/** Rows of a unit array in coded order → expected top-down rows. */
function displayOrder<T>(rows: T[], topDown: boolean): T[] {
  return topDown ? rows : [...rows].reverse();
}

function rgbStream(type: number, w: number, h: number, units: number[], topDown: boolean, maxLen?: number): Uint8Array {
  const bias = type === LzImageType.Rgb16 ? 1 : 0;
  const ser = type === LzImageType.Rgb16 ? rgb16Unit : bgrUnit;
  const ops = greedyOps(units, { minLen: bias + 1, distances: [...FAR, w], maxLen });
  return Uint8Array.from([...lzHeader(type, w, h, w * (type === LzImageType.Rgb16 ? 2 : 4), topDown), ...serializeLz(ops, ser, bias)]);
}

function expand5(c: number): number {
  return (c << 3) | (c >> 2);
}

describe("decodeLz golden vectors (spice-common encoder)", () => {
  for (const name of VECTORS) {
    it(name, () => {
      const png = readPng(name);
      const img = decodeLz(readVector(`${name}.lz`));
      expect([img.width, img.height, img.hasAlpha]).toEqual([png.width, png.height, false]);
      expect(firstBgrMismatch(img.data, png.data, png.width * png.height)).toBe(-1);
      expect(img.data.every((v, i) => (i & 3) !== 3 || v === 255)).toBe(true);
    });
  }

  it("decodes into a caller buffer, also at an unaligned offset", () => {
    const data = readVector("uitile_256x256.lz");
    const ref = decodeLz(data);
    const out = new Uint8Array(256 * 256 * 4 + 3);
    const img = decodeLz(data, { out: out.subarray(1) });
    expect(img.data.byteOffset).toBe(1);
    expect(img.data.length).toBe(ref.data.length);
    expect(img.data.every((v, i) => v === ref.data[i])).toBe(true);
  });
});

describe("decodeLz hand-built streams", () => {
  for (const topDown of [true, false]) {
    it(`RGB32 and RGB24 with runs, overlaps, far matches and long lengths (top_down ${topDown})`, () => {
      const w = 97;
      const h = 211;
      const units = structuredUnits(w * h, 1 << 24, 7);
      for (const type of [LzImageType.Rgb32, LzImageType.Rgb24]) {
        const img = decodeLz(rgbStream(type, w, h, units, topDown, 1000));
        const rows = displayOrder(Array.from({ length: h }, (_, y) => units.slice(y * w, (y + 1) * w)), topDown);
        expect(Array.from(words(img))).toEqual(rows.flat().map((u) => (0xff000000 | u) >>> 0));
      }
    });
  }

  it("RGB16 expands x1r5g5b5 to 8-bit channels", () => {
    const w = 31;
    const h = 17;
    const units = structuredUnits(w * h, 1 << 16, 3, 0xffff);
    const img = decodeLz(rgbStream(LzImageType.Rgb16, w, h, units, true));
    const want = units.map((v) => (0xff000000 | (expand5((v >> 10) & 31) << 16) | (expand5((v >> 5) & 31) << 8) | expand5(v & 31)) >>> 0);
    expect(Array.from(words(img))).toEqual(want);
  });

  it("RGBA: colour pass then alpha pass", () => {
    const w = 40;
    const h = 30;
    const colour = structuredUnits(w * h, 1 << 24, 11);
    const alpha = structuredUnits(w * h, 256, 12, 0xff);
    const body = [
      ...serializeLz(greedyOps(colour, { minLen: 1, distances: [1, w] }), bgrUnit, 0),
      ...serializeLz(greedyOps(alpha, { minLen: 3, distances: [1, 2, w] }), byteUnit, 2),
    ];
    const img = decodeLz(Uint8Array.from([...lzHeader(LzImageType.Rgba, w, h, w * 4, true), ...body]));
    expect(img.hasAlpha).toBe(true);
    expect(Array.from(words(img))).toEqual(colour.map((c, i) => ((alpha[i] << 24) | c) >>> 0));
  });

  it("A8 and XXXA through decodeLz give black pixels with the coded alpha", () => {
    const w = 9;
    const h = 4;
    const alpha = structuredUnits(w * h, 256, 5, 0xff);
    const body = serializeLz(greedyOps(alpha, { minLen: 3, distances: [1, w] }), byteUnit, 2);
    for (const type of [LzImageType.A8, LzImageType.Xxxa]) {
      const img = decodeLz(Uint8Array.from([...lzHeader(type, w, h, w, true), ...body]));
      expect(Array.from(words(img))).toEqual(alpha.map((a) => (a << 24) >>> 0));
    }
  });

  for (const topDown of [true, false]) {
    it(`decodeLzAlpha writes only alpha into an existing image (top_down ${topDown})`, () => {
      const w = 23;
      const h = 11;
      const alpha = structuredUnits(w * h, 256, 9, 0xff);
      const stream = Uint8Array.from([
        ...lzHeader(LzImageType.Xxxa, w, h, w * 4, topDown),
        ...serializeLz(greedyOps(alpha, { minLen: 3, distances: [1, 5, w] }), byteUnit, 2),
      ]);
      const target = { width: w, height: h, data: new Uint8Array(w * h * 4).map((_, i) => i * 7), hasAlpha: false };
      const before = target.data.slice();
      decodeLzAlpha(stream, target);
      expect(target.hasAlpha).toBe(true);
      for (let y = 0; y < h; y++) {
        const codedRow = topDown ? y : h - 1 - y;
        for (let x = 0; x < w; x++) {
          const p = (y * w + x) * 4;
          expect([target.data[p], target.data[p + 1], target.data[p + 2]]).toEqual([before[p], before[p + 1], before[p + 2]]);
          expect(target.data[p + 3]).toBe(alpha[codedRow * w + x]);
        }
      }
    });
  }

  it("decodeLzAlpha refuses a non-XXXA stream or a size mismatch", () => {
    const target = { width: 2, height: 2, data: new Uint8Array(16), hasAlpha: false };
    const xxxa = Uint8Array.from([...lzHeader(LzImageType.Xxxa, 2, 2, 8, true), 3, 1, 2, 3, 4]);
    decodeLzAlpha(xxxa, target);
    expect(Array.from(target.data.filter((_, i) => (i & 3) === 3))).toEqual([1, 2, 3, 4]);
    expect(() => decodeLzAlpha(Uint8Array.from([...lzHeader(LzImageType.A8, 2, 2, 2, true), 3, 1, 2, 3, 4]), target)).toThrow(CodecError);
    expect(() => decodeLzAlpha(Uint8Array.from([...lzHeader(LzImageType.Xxxa, 2, 3, 8, true), 5, 1, 2, 3, 4, 5, 6]), target)).toThrow(CodecError);
  });
});

describe("decodeLz palette types", () => {
  const cases: Array<[number, number, string]> = [
    [LzImageType.Plt1Le, 1, "PLT1_LE"],
    [LzImageType.Plt1Be, 1, "PLT1_BE"],
    [LzImageType.Plt4Le, 4, "PLT4_LE"],
    [LzImageType.Plt4Be, 4, "PLT4_BE"],
    [LzImageType.Plt8, 8, "PLT8"],
  ];
  const palette = Uint32Array.from({ length: 13 }, (_, i) => ((i * 0x1f3a57) & 0xffffff) | (i === 3 ? 0xab000000 : 0));

  for (const [type, bits, label] of cases) {
    for (const topDown of [true, false]) {
      it(`${label} (top_down ${topDown}) expands indices through the palette and crops the stride`, () => {
        const w = 13;
        const h = 7;
        const stride = Math.ceil((w * bits) / 8) + 1; // one pad byte per row
        const r = rng(type * 10 + (topDown ? 1 : 0));
        const indices = Array.from({ length: h }, () => Array.from({ length: w }, () => Math.floor(r() * (1 << bits))));
        // a repeated row and a run so matches occur
        indices[3] = indices[2].slice();
        const bytes: number[] = [];
        for (const row of indices) {
          const packed = new Array<number>(stride).fill(0);
          row.forEach((v, x) => {
            const bit = x * bits;
            const shift = type === LzImageType.Plt1Be || type === LzImageType.Plt4Be ? 8 - bits - (bit & 7) : bit & 7;
            packed[bit >> 3] |= v << shift;
          });
          bytes.push(...packed);
        }
        const ops = greedyOps(bytes, { minLen: 3, distances: [1, stride] });
        const stream = Uint8Array.from([...lzHeader(type, w, h, stride, topDown), ...serializeLz(ops, byteUnit, 2)]);
        const img = decodeLz(stream, { palette });
        const want = displayOrder(indices, topDown)
          .flat()
          .map((i) => (0xff000000 | (palette[i % palette.length] & 0xffffff)) >>> 0);
        expect(Array.from(words(img))).toEqual(want);
        expect(() => decodeLz(stream)).toThrow(CodecError);
      });
    }
  }

  it("refuses a palette stride shorter than the width", () => {
    const stream = Uint8Array.from([...lzHeader(LzImageType.Plt4Le, 9, 1, 4, true), 3, 0, 0, 0, 0]);
    expect(() => decodeLz(stream, { palette: new Uint32Array(16) })).toThrow(CodecError);
  });
});

describe("decodeLz hostile input", () => {
  const valid = Uint8Array.from(rgbStream(LzImageType.Rgb32, 16, 8, structuredUnits(128, 1 << 24, 1), true));

  it("reads the header", () => {
    expect(readLzHeader(valid)).toEqual({ type: LzImageType.Rgb32, width: 16, height: 8, stride: 64, topDown: true });
  });

  it("every truncation throws CodecError", () => {
    for (let n = 0; n < valid.length; n++) expect(() => decodeLz(valid.subarray(0, n))).toThrow(CodecError);
  });

  it("refuses a huge image promised by a tiny stream before allocating", () => {
    const s = Uint8Array.from([...lzHeader(LzImageType.Rgb32, 16384, 16384, 65536, true), 0, 1, 2, 3]);
    expect(() => decodeLz(s)).toThrow(CodecError);
    const big = Uint8Array.from([...lzHeader(LzImageType.Rgb32, 0xffffffff, 0xffffffff, 4, true), 0]);
    expect(() => decodeLz(big)).toThrow(CodecError);
  });

  it("random bytes only throw CodecError", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => onlyCodecErrors(() => decodeLz(b))), { numRuns: 300 });
  });

  it("a valid header with a random body only throws CodecError", () => {
    const types = fc.integer({ min: 0, max: 12 });
    fc.assert(
      fc.property(types, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.boolean(), fc.uint8Array({ maxLength: 400 }), (t, w, h, td, body) =>
        onlyCodecErrors(() => decodeLz(Uint8Array.from([...lzHeader(t, w, h, w, td), ...body]), { palette: new Uint32Array(3) })),
      ),
      { numRuns: 500 },
    );
  });

  it("mutated valid streams only throw CodecError", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (muts) => {
        const s = valid.slice();
        for (const [i, v] of muts) s[28 + (i % (s.length - 28))] = v;
        return onlyCodecErrors(() => decodeLz(s));
      }),
      { numRuns: 500 },
    );
  });
});
