import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CodecError } from "../errors.js";
import { LzImageType } from "../lz/lz-image-type.js";
import { bgrUnit, byteUnit, glzHeader, greedyOps, rgb16Unit, serializeGlz } from "../lz/__fixtures__/lz-stream-builder.js";
import { firstBgrMismatch, onlyCodecErrors, readPng, readVector, rng, structuredUnits, VECTORS } from "../lz/__fixtures__/test-images.js";
import { decodeGlz } from "./glz-decode.js";
import { GlzDictionary } from "./glz-dictionary.js";
import { readGlzHeader } from "./glz-header.js";
import { GlzMissingImageError } from "./glz-missing-image-error.js";

function words(img: { data: Uint8Array }): Uint32Array {
  return new Uint32Array(img.data.buffer, img.data.byteOffset, img.data.length >> 2);
}

function sameWords(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] >>> 0 !== b[i] >>> 0) return false;
  return true;
}

/** An RGB32 GLZ stream of `units` (24-bit colours), optionally referencing an earlier image. */
function rgbGlz(w: number, h: number, units: ArrayLike<number>, id: number, winHeadDist: number, opts: { topDown?: boolean; prev?: ArrayLike<number>; imageDist?: number } = {}): Uint8Array {
  const prev = opts.prev ? { units: opts.prev, imageDist: opts.imageDist ?? 1 } : undefined;
  const ops = greedyOps(units, { minLen: 1, distances: [1, 2, w, 5000, 200000], prev });
  return Uint8Array.from([...glzHeader(LzImageType.Rgb32, w, h, w * 4, opts.topDown ?? true, id, winHeadDist), ...serializeGlz(ops, bgrUnit, 0)]);
}

describe("decodeGlz golden vectors (spice-server encoder, empty dictionary)", () => {
  for (const name of VECTORS) {
    it(name, () => {
      const png = readPng(name);
      const dict = new GlzDictionary(1 << 24);
      const img = decodeGlz(readVector(`${name}.glz`), dict);
      expect([img.width, img.height, img.hasAlpha]).toEqual([png.width, png.height, false]);
      expect(firstBgrMismatch(img.data, png.data, png.width * png.height)).toBe(-1);
      expect(dict.status(0)).toBe("held");
      expect(dict.retainedPixels).toBe(png.width * png.height);
    });
  }
});

describe("decodeGlz across images", () => {
  it("a second image built from references into the first decodes exactly", () => {
    const dict = new GlzDictionary(1 << 22);
    const first = decodeGlz(readVector("term_1280x800.glz"), dict);
    const w = first.width;
    const h = first.height;
    const base = Array.from(words(first), (v) => v & 0xffffff);
    // Change a block and shift a band so the second image mixes references, matches and literals.
    const next = base.slice();
    const r = rng(4);
    for (let y = 100; y < 140; y++) for (let x = 300; x < 700; x++) next[y * w + x] = Math.floor(r() * 0x1000000);
    for (let y = 500; y < 560; y++) for (let x = 0; x < w - 3; x++) next[y * w + x] = base[y * w + x + 3];
    const stream = rgbGlz(w, h, next, 1, 1, { prev: base });
    expect(stream.length).toBeLessThan(200_000);
    const second = decodeGlz(stream, dict, { out: new Uint8Array(w * h * 4) });
    expect(sameWords(words(second), next.map((v) => 0xff000000 | v))).toBe(true);
    expect(dict.imageCount).toBe(2);

    // Image 2 has win_head_dist 0: images 0 and 1 leave the window.
    decodeGlz(rgbGlz(4, 1, [1, 2, 3, 4], 2, 0), dict);
    expect([dict.imageCount, dict.status(0), dict.status(1), dict.status(2)]).toEqual([1, "released", "released", "held"]);
    const stale = Uint8Array.from([...glzHeader(LzImageType.Rgb32, 4, 1, 16, true, 3, 3), 0x80, 0, 3]); // 4 px from image 0
    const err = (() => {
      try {
        decodeGlz(stale, dict);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(GlzMissingImageError);
    expect(err).toMatchObject({ code: "ERR_GLZ_MISSING_IMAGE", imageId: 0, pending: false });
  });

  it("a reference to an image not decoded yet is a pending miss and leaves the dictionary unchanged", () => {
    const dict = new GlzDictionary(10_000);
    decodeGlz(rgbGlz(4, 1, [1, 2, 3, 4], 0, 0), dict);
    const ahead = Uint8Array.from([...glzHeader(LzImageType.Rgb32, 4, 1, 16, true, 2, 2), 0x80, 0, 1]); // 4 px from id 1
    expect(() => decodeGlz(ahead, dict)).toThrow(expect.objectContaining({ code: "ERR_GLZ_MISSING_IMAGE", imageId: 1, pending: true }));
    expect([dict.imageCount, dict.status(1), dict.status(2)]).toEqual([1, "pending", "pending"]);
    // Once image 1 arrives, the same stream decodes.
    decodeGlz(rgbGlz(4, 1, [5, 6, 7, 8], 1, 1), dict);
    expect(Array.from(words(decodeGlz(ahead, dict)))).toEqual([5, 6, 7, 8].map((v) => (0xff000000 | v) >>> 0));
  });

  it("bottom-up images are flipped for output but referenced in coded order", () => {
    const dict = new GlzDictionary(10_000);
    const w = 5;
    const h = 3;
    const units = structuredUnits(w * h, 1 << 24, 21);
    const img = decodeGlz(rgbGlz(w, h, units, 0, 0, { topDown: false }), dict);
    const rows = [2, 1, 0].flatMap((y) => units.slice(y * w, (y + 1) * w));
    expect(sameWords(words(img), rows.map((v) => 0xff000000 | v))).toBe(true);
    // id 1 copies 5 pixels from index 0 of image 0: the first *coded* row (display bottom row).
    const ref = Uint8Array.from([...glzHeader(LzImageType.Rgb32, 5, 1, 20, true, 1, 1), 0xa0, 0, 1]);
    expect(sameWords(words(decodeGlz(ref, dict)), units.slice(0, 5).map((v) => 0xff000000 | v))).toBe(true);
  });

  it("RGBA: colour and alpha passes both reference the previous image", () => {
    const dict = new GlzDictionary(100_000);
    const w = 30;
    const h = 20;
    const colour = structuredUnits(w * h, 1 << 24, 31);
    const alpha = structuredUnits(w * h, 256, 32, 0xff);
    const rgba = (c: number[], a: number[], id: number, prev?: { c: number[]; a: number[] }): Uint8Array =>
      Uint8Array.from([
        ...glzHeader(LzImageType.Rgba, w, h, w * 4, true, id, id),
        ...serializeGlz(greedyOps(c, { minLen: 1, distances: [1, w], prev: prev && { units: prev.c, imageDist: 1 } }), bgrUnit, 0),
        ...serializeGlz(greedyOps(a, { minLen: 3, distances: [1, w], prev: prev && { units: prev.a, imageDist: 1 } }), byteUnit, 2),
      ]);
    const first = decodeGlz(rgba(colour, alpha, 0), dict);
    expect(first.hasAlpha).toBe(true);
    expect(sameWords(words(first), colour.map((c, i) => (alpha[i] << 24) | c))).toBe(true);
    const c2 = colour.map((c, i) => (i % 97 < 5 ? c ^ 0x10101 : c));
    const a2 = alpha.map((a, i) => (i % 89 < 3 ? 255 - a : a));
    const second = decodeGlz(rgba(c2, a2, 1, { c: colour, a: alpha }), dict);
    expect(sameWords(words(second), c2.map((c, i) => (a2[i] << 24) | c))).toBe(true);
  });

  it("RGB16 with a reference into the previous image", () => {
    const dict = new GlzDictionary(100_000);
    const w = 21;
    const h = 9;
    const u1 = structuredUnits(w * h, 1 << 15, 41, 0x7fff);
    const u2 = u1.map((v, i) => (i % 50 < 4 ? v ^ 0x421 : v));
    const stream = (u: number[], id: number, prev?: number[]): Uint8Array =>
      Uint8Array.from([
        ...glzHeader(LzImageType.Rgb16, w, h, w * 2, true, id, id),
        ...serializeGlz(greedyOps(u, { minLen: 2, distances: [1, w], prev: prev && { units: prev, imageDist: 1 } }), rgb16Unit, 1),
      ]);
    const e5 = (c: number): number => (c << 3) | (c >> 2);
    const want = (u: number[]): number[] => u.map((v) => 0xff000000 | (e5((v >> 10) & 31) << 16) | (e5((v >> 5) & 31) << 8) | e5(v & 31));
    expect(sameWords(words(decodeGlz(stream(u1, 0), dict)), want(u1))).toBe(true);
    expect(sameWords(words(decodeGlz(stream(u2, 1, u1), dict)), want(u2))).toBe(true);
  });

  for (const [type, bits] of [
    [LzImageType.Plt1Le, 1],
    [LzImageType.Plt1Be, 1],
    [LzImageType.Plt4Le, 4],
    [LzImageType.Plt4Be, 4],
    [LzImageType.Plt8, 8],
  ] as const) {
    it(`palette type ${type}: expanded pixels, cropped stride, references scaled by pixels per byte`, () => {
      const dict = new GlzDictionary(100_000);
      const palette = Uint32Array.from({ length: 1 << bits }, (_, i) => (i * 0x2b4c6d) & 0xffffff);
      const w = 11;
      const h = 6;
      const ppb = 8 / bits;
      const stride = Math.ceil(w / ppb) + 1;
      const be = type === LzImageType.Plt1Be || type === LzImageType.Plt4Be;
      const r = rng(type);
      const idx1 = Array.from({ length: h * stride * ppb }, () => Math.floor(r() * (1 << bits)));
      const idx2 = idx1.map((v, i) => (i % 23 === 0 ? (v + 1) % (1 << bits) : v));
      const pack = (idx: number[]): number[] => {
        const out: number[] = [];
        for (let b = 0; b < idx.length / ppb; b++) {
          let v = 0;
          for (let k = 0; k < ppb; k++) v |= idx[b * ppb + k] << (be ? 8 - bits * (k + 1) : bits * k);
          out.push(v);
        }
        return out;
      };
      const stream = (idx: number[], id: number, prev?: number[]): Uint8Array =>
        Uint8Array.from([
          ...glzHeader(type, w, h, stride, true, id, id),
          ...serializeGlz(greedyOps(pack(idx), { minLen: 3, distances: [1, stride], prev: prev && { units: pack(prev), imageDist: 1 } }), byteUnit, 2),
        ]);
      const want = (idx: number[]): number[] => {
        const out: number[] = [];
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.push(0xff000000 | palette[idx[y * stride * ppb + x]]);
        return out;
      };
      expect(sameWords(words(decodeGlz(stream(idx1, 0), dict, { palette })), want(idx1))).toBe(true);
      expect(dict.retainedPixels).toBe(h * stride * ppb);
      expect(sameWords(words(decodeGlz(stream(idx2, 1, idx1), dict, { palette })), want(idx2))).toBe(true);
      expect(() => decodeGlz(stream(idx1, 2), dict)).toThrow(CodecError);
    });
  }
});

describe("GlzDictionary window", () => {
  const tiny = (id: number, whd: number, n = 300): Uint8Array => rgbGlz(n, 1, new Array<number>(n).fill(id & 0xffffff), id, whd);

  it("releases per win_head_dist of the newest contiguous image, also out of order", () => {
    const dict = new GlzDictionary(1 << 20);
    decodeGlz(tiny(0, 0), dict);
    decodeGlz(tiny(2, 0), dict); // arrives before 1: not contiguous yet, nothing released
    expect([dict.status(0), dict.status(1), dict.status(2)]).toEqual(["held", "pending", "held"]);
    decodeGlz(tiny(1, 1), dict); // now 0..2 contiguous; image 2 says only ids >= 2 are needed
    expect([dict.status(0), dict.status(1), dict.status(2)]).toEqual(["released", "released", "held"]);
    decodeGlz(tiny(0, 0), dict); // a late duplicate of a released id is decoded but not kept
    expect(dict.imageCount).toBe(1);
    dict.clear();
    expect([dict.imageCount, dict.retainedPixels, dict.status(2)]).toEqual([0, 0, "pending"]);
  });

  it("stays bounded when the server never releases", () => {
    const dict = new GlzDictionary(1000);
    for (let id = 0; id < 60; id++) {
      decodeGlz(tiny(id, id), dict);
      expect(dict.retainedPixels).toBeLessThanOrEqual(dict.maxRetainedPixels);
    }
    expect(dict.imageCount).toBe(6);
    expect(dict.status(59)).toBe("held");
    expect(dict.status(10)).toBe("released");
    expect(new GlzDictionary(1 << 30).windowPixels).toBe(1 << 25);
  });
});

describe("decodeGlz hostile input", () => {
  const w = 12;
  const h = 6;
  const u0 = structuredUnits(w * h, 1 << 24, 51);
  const u1 = u0.map((v, i) => (i % 7 === 0 ? v ^ 0xff : v));
  const valid = rgbGlz(w, h, u1, 1, 1, { prev: u0 });
  const fresh = (): GlzDictionary => {
    const d = new GlzDictionary(10_000);
    decodeGlz(rgbGlz(w, h, u0, 0, 0), d);
    return d;
  };

  it("reads the header", () => {
    expect(readGlzHeader(valid)).toEqual({ type: LzImageType.Rgb32, width: w, height: h, stride: w * 4, topDown: true, id: 1, winHeadDist: 1 });
  });

  it("every truncation throws CodecError and leaves the dictionary unchanged", () => {
    const dict = fresh();
    for (let n = 0; n < valid.length; n++) expect(() => decodeGlz(valid.subarray(0, n), dict)).toThrow(CodecError);
    expect(dict.imageCount).toBe(1);
  });

  it("random bytes only throw CodecError", () => {
    const dict = fresh();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => onlyCodecErrors(() => decodeGlz(b, dict))), { numRuns: 300 });
  });

  it("a valid header with a random body only throws CodecError", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.uint8Array({ maxLength: 300 }), (t, ww, hh, body) => {
        const dict = fresh();
        return onlyCodecErrors(() => decodeGlz(Uint8Array.from([...glzHeader(t, ww, hh, ww, true, 1, 1), ...body]), dict, { palette: new Uint32Array(5) }));
      }),
      { numRuns: 400 },
    );
  });

  it("mutated cross-image streams only throw CodecError", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (muts) => {
        const s = valid.slice();
        for (const [i, v] of muts) s[33 + (i % (s.length - 33))] = v;
        const dict = fresh();
        return onlyCodecErrors(() => decodeGlz(s, dict));
      }),
      { numRuns: 400 },
    );
  });
});
