import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CodecError } from "../errors.js";
import type { DecodedImage } from "../pixels.js";
import { randomImage, type TestImage } from "./__fixtures__/encoder-inputs.js";
import { bgrUnit, byteUnit, greedyOps, lzHeader, rgb16Unit, serializeLz } from "./__fixtures__/lz-stream-builder.js";
import { readVector, rng, structuredUnits, VECTORS } from "./__fixtures__/test-images.js";
import { decodeLz, decodeLzAlpha, type LzDecodeOptions } from "./lz-decode.js";
import { encodeLz } from "./lz-encoder.js";
import { LzImageType } from "./lz-image-type.js";
import { readLzHeader } from "./lz-header.js";
import { isShortFlatLzStream, sharedLzWasmDecoder } from "./lz-wasm.js";

/** What a decode gave: the image bytes, or the CodecError's code, message and offset. */
type Outcome = { image: DecodedImage } | { error: { code: string; message: string; offset: number | undefined } };

function outcome(fn: () => DecodedImage): Outcome {
  try {
    return { image: fn() };
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    return { error: { code: e.code, message: e.message, offset: e.offset } };
  }
}

/** Decodes with the WebAssembly module and with the JS passes; fails unless both agree exactly. */
function same(data: Uint8Array, opts: LzDecodeOptions = {}): Outcome {
  const w = outcome(() => decodeLz(data, { ...opts, wasm: true }));
  const j = outcome(() => decodeLz(data, { ...opts, wasm: false }));
  if ("error" in w || "error" in j) {
    expect(w).toEqual(j);
    return w;
  }
  const a = w.image;
  const b = j.image;
  expect([a.width, a.height, a.hasAlpha]).toEqual([b.width, b.height, b.hasAlpha]);
  expect(firstDifference(a.data, b.data)).toBe(-1);
  return w;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  if (Buffer.compare(a, b) === 0) return -1;
  return a.findIndex((v, i) => v !== b[i]);
}

function withType(stream: Uint8Array, type: number): Uint8Array {
  const s = stream.slice();
  s[11] = type;
  return s;
}

function image(w: number, h: number, pixel: (x: number, y: number) => number, alpha?: (x: number, y: number) => number): TestImage {
  const data = new Uint8Array(w * h * 4);
  const px = new Uint32Array(data.buffer);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) px[y * w + x] = ((alpha ? alpha(x, y) : 255) << 24) | (pixel(x, y) & 0xffffff);
  }
  return { width: w, height: h, data, stride: w * 4 };
}

const noise = (seed: number): ((x: number, y: number) => number) => {
  const r = rng(seed);
  return () => Math.floor(r() * 0x1000000);
};

/** Encoder inputs: flat, runs, noise, gradients, 1-pixel and odd sizes. */
function encoderImages(): Array<[string, TestImage]> {
  return [
    ["flat 320x200", image(320, 200, () => 0x3366cc)],
    ["flat white 64x64", image(64, 64, () => 0xffffff, () => 255)],
    ["runs", randomImage(301, 77, 5, 4, 3)],
    ["structured", randomImage(257, 129, 6, 3000, 5)],
    ["noise", image(123, 45, noise(7), (x, y) => (x * y) & 255)],
    ["gradient", image(200, 150, (x, y) => (x << 16) | (y << 8) | ((x + y) & 255), (x) => x & 255)],
    ["vertical stripes", image(97, 31, (x) => (x % 3) * 0x404040, (x, y) => (y >> 2) * 40)],
    ["1x1", image(1, 1, () => 0x123456, () => 7)],
    ["1x37", image(1, 37, (_, y) => (y >> 2) * 0x10203, () => 128)],
    ["37x1", image(37, 1, (x) => (x >> 3) * 0x30201)],
    ["3x5", image(3, 5, noise(9))],
    ["13x7", randomImage(13, 7, 10, 5, 2)],
  ];
}

const LENGTHS = [...Array.from({ length: 40 }, (_, i) => i + 1), 47, 64, 65, 100, 333];

describe("LZ WebAssembly decoder", () => {
  it("is available in Node", () => {
    expect(sharedLzWasmDecoder()).not.toBeNull();
  });

  it("by default leaves flat RGB streams (few control bytes per pixel) to the JS passes", () => {
    const decoder = sharedLzWasmDecoder()!;
    const takes = (s: Uint8Array): boolean => {
      const h = readLzHeader(s);
      return decoder.decode(s, h.type, h.width, h.height, h.stride, h.topDown, undefined, new Uint8Array(h.width * h.height * 4), true);
    };
    const r = rng(77);
    const solid = image(1024, 768, () => 0x336699);
    const noiseTop = image(512, 512, (_, y) => (y < 20 ? Math.floor(r() * 0x1000000) : 0x102030));
    const noiseTopStream = encodeLz(noiseTop);
    // too long a body to be judged without reading it, but few control bytes (long literal runs)
    expect(isShortFlatLzStream(LzImageType.Rgb32, 512 * 512, noiseTopStream.length)).toBe(false);
    expect(isShortFlatLzStream(LzImageType.Rgb32, 1024 * 768, encodeLz(solid).length)).toBe(true);
    expect(isShortFlatLzStream(LzImageType.Rgba, 1024 * 768, encodeLz(solid, "rgba").length)).toBe(false);
    expect(takes(encodeLz(solid))).toBe(false);
    expect(takes(withType(encodeLz(solid), LzImageType.Rgb24))).toBe(false);
    expect(takes(noiseTopStream)).toBe(false);
    expect(takes(encodeLz(solid, "rgba"))).toBe(true); // the alpha pass is a byte loop in JS
    expect(takes(readVector("term_1280x800.lz"))).toBe(true);
    expect(takes(readVector("uitile_256x256.lz"))).toBe(true);
    for (const s of [encodeLz(solid), noiseTopStream]) {
      expect(firstDifference(decodeLz(s).data, decodeLz(s, { wasm: true }).data)).toBe(-1);
    }
  });

  for (const name of VECTORS) {
    it(`${name}: same pixels as the JS decoder, RGB32 and RGB24`, () => {
      const data = readVector(`${name}.lz`);
      same(data);
      same(withType(data, LzImageType.Rgb24));
    });
  }

  it("encoder streams: RGB32, RGB24 and RGBA, both row orders", () => {
    for (const [name, img] of encoderImages()) {
      for (const topDown of [true, false]) {
        const rgb = encodeLz(img, "rgb32", { topDown });
        const rgba = encodeLz(img, "rgba", { topDown });
        for (const s of [rgb, withType(rgb, LzImageType.Rgb24), rgba]) {
          const r = same(s);
          expect("image" in r, `${name} top_down ${topDown}`).toBe(true);
        }
      }
    }
  });

  it("a 1024x768 solid screen, into an unaligned caller buffer", () => {
    const stream = encodeLz(image(1024, 768, () => 0x204060));
    const buf = new Uint8Array(1024 * 768 * 4 + 1);
    const img = decodeLz(stream, { out: buf.subarray(1), wasm: true });
    expect(img.data.byteOffset).toBe(1);
    expect(firstDifference(img.data, decodeLz(stream, { wasm: false }).data)).toBe(-1);
  });

  it("match lengths 1..40 and longer at every distance 1..40 (RGB32, RGB16, palette bytes, alpha)", () => {
    const r = rng(3);
    const kinds = [
      { type: LzImageType.Rgb32, bias: 0, unit: bgrUnit, value: () => Math.floor(r() * 0x1000000) },
      { type: LzImageType.Rgb16, bias: 1, unit: rgb16Unit, value: () => Math.floor(r() * 0x10000) },
      { type: LzImageType.Plt8, bias: 2, unit: byteUnit, value: () => Math.floor(r() * 256) },
      { type: LzImageType.Xxxa, bias: 2, unit: byteUnit, value: () => Math.floor(r() * 256) },
    ];
    const palette = Uint32Array.from({ length: 256 }, (_, i) => i * 0x010203);
    for (const k of kinds) {
      for (let dist = 1; dist <= 40; dist++) {
        const lits = Array.from({ length: dist }, k.value);
        const litBytes = greedyOps(lits, { minLen: 1 << 30, distances: [] });
        for (const len of LENGTHS) {
          if (len <= k.bias) continue;
          const body = serializeLz([...litBytes, { kind: "match", len, dist }], k.unit, k.bias);
          const w = dist + len;
          const s = Uint8Array.from([...lzHeader(k.type, w, 1, w, true), ...body]);
          expect("image" in same(s, { palette })).toBe(true);
        }
      }
    }
  });

  for (const topDown of [true, false]) {
    it(`hand-built RGB16, XXXA, A8 and RGBA streams with far matches (top_down ${topDown})`, () => {
      const w = 97;
      const h = 61;
      const far = [1, 2, 3, 7, 8191, 8192, 9000, w];
      const colour = structuredUnits(w * h, 1 << 24, 21);
      const rgb16 = structuredUnits(w * h, 1 << 16, 22, 0xffff);
      const alpha = structuredUnits(w * h, 256, 23, 0xff);
      const alphaBody = serializeLz(greedyOps(alpha, { minLen: 3, distances: far, maxLen: 600 }), byteUnit, 2);
      const streams = [
        [...lzHeader(LzImageType.Rgb16, w, h, w * 2, topDown), ...serializeLz(greedyOps(rgb16, { minLen: 2, distances: far }), rgb16Unit, 1)],
        [...lzHeader(LzImageType.Xxxa, w, h, w * 4, topDown), ...alphaBody],
        [...lzHeader(LzImageType.A8, w, h, w, topDown), ...alphaBody],
        [
          ...lzHeader(LzImageType.Rgba, w, h, w * 4, topDown),
          ...serializeLz(greedyOps(colour, { minLen: 1, distances: far, maxLen: 2000 }), bgrUnit, 0),
          ...alphaBody,
        ],
      ];
      for (const s of streams) {
        expect("image" in same(Uint8Array.from(s))).toBe(true);
        // XXXA and A8 clear the colour bytes of a reused caller buffer.
        same(Uint8Array.from(s), { out: new Uint8Array(w * h * 4).fill(0x5a) });
      }
    });
  }

  const paletteCases: Array<[number, number]> = [
    [LzImageType.Plt1Le, 1],
    [LzImageType.Plt1Be, 1],
    [LzImageType.Plt4Le, 4],
    [LzImageType.Plt4Be, 4],
    [LzImageType.Plt8, 8],
  ];
  for (const [type, bits] of paletteCases) {
    it(`palette type ${type}: both row orders, padded stride, short palettes`, () => {
      for (const [w, h] of [
        [1, 1],
        [13, 7],
        [64, 33],
      ]) {
        const stride = Math.ceil((w * bits) / 8) + (w & 1);
        const bytes = structuredUnits(stride * h, 256, type * 100 + w, 0xff);
        const body = serializeLz(greedyOps(bytes, { minLen: 3, distances: [1, 2, stride, 9000] }), byteUnit, 2);
        for (const topDown of [true, false]) {
          const s = Uint8Array.from([...lzHeader(type, w, h, stride, topDown), ...body]);
          for (const n of [1, 3, 16, 256]) {
            const palette = Uint32Array.from({ length: n }, (_, i) => (i * 0x1f3a57) | (i === 2 ? 0xab000000 : 0));
            expect("image" in same(s, { palette })).toBe(true);
          }
          same(s); // no palette: the same CodecError
        }
      }
    });
  }

  for (const topDown of [true, false]) {
    it(`decodeLzAlpha: same target bytes as the JS path (top_down ${topDown})`, () => {
      const w = 45;
      const h = 19;
      const alpha = structuredUnits(w * h, 256, 31, 0xff);
      const s = Uint8Array.from([
        ...lzHeader(LzImageType.Xxxa, w, h, w * 4, topDown),
        ...serializeLz(greedyOps(alpha, { minLen: 3, distances: [1, 4, w] }), byteUnit, 2),
      ]);
      const fresh = (): DecodedImage => ({ width: w, height: h, data: new Uint8Array(w * h * 4).map((_, i) => i * 13), hasAlpha: false });
      const a = fresh();
      const b = fresh();
      decodeLzAlpha(s, a);
      decodeLzAlpha(s, b, { wasm: false });
      expect(a.hasAlpha).toBe(true);
      expect(firstDifference(a.data, b.data)).toBe(-1);
      for (let cut = 28; cut < s.length; cut += 7) {
        const wasm = outcome(() => (decodeLzAlpha(s.subarray(0, cut), fresh()), a));
        const js = outcome(() => (decodeLzAlpha(s.subarray(0, cut), fresh(), { wasm: false }), a));
        expect(wasm).toEqual(js);
      }
    });
  }
});

describe("LZ WebAssembly decoder on hostile input: the same CodecError as the JS decoder", () => {
  const seeds = (): Array<[string, Uint8Array, LzDecodeOptions]> => {
    const img = randomImage(24, 9, 41, 40, 3);
    const w = 21;
    const h = 5;
    const bytes = structuredUnits(w * h, 256, 42, 0xff);
    const idx = serializeLz(greedyOps(bytes, { minLen: 3, distances: [1, 2, w] }), byteUnit, 2);
    const rgb16 = serializeLz(greedyOps(structuredUnits(w * h, 1 << 16, 43, 0xffff), { minLen: 2, distances: [1, 3, w] }), rgb16Unit, 1);
    return [
      ["RGB32", encodeLz(img), {}],
      ["RGB24 bottom-up", withType(encodeLz(img, "rgb32", { topDown: false }), LzImageType.Rgb24), {}],
      ["RGBA", encodeLz(img, "rgba"), {}],
      ["RGB16", Uint8Array.from([...lzHeader(LzImageType.Rgb16, w, h, w * 2, true), ...rgb16]), {}],
      ["XXXA", Uint8Array.from([...lzHeader(LzImageType.Xxxa, w, h, w, false), ...idx]), {}],
      ["PLT4_BE", Uint8Array.from([...lzHeader(LzImageType.Plt4Be, 2 * w - 1, h, w, true), ...idx]), { palette: new Uint32Array(5) }],
      ["PLT8", Uint8Array.from([...lzHeader(LzImageType.Plt8, w, h, w, false), ...idx]), { palette: new Uint32Array(256) }],
    ];
  };

  it("every truncation", () => {
    for (const [, s, opts] of seeds()) for (let n = 0; n <= s.length; n++) same(s.subarray(0, n), opts);
  });

  it("random byte changes", () => {
    const all = seeds();
    fc.assert(
      fc.property(fc.nat(all.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (k, muts) => {
        const [, seed, opts] = all[k];
        const s = seed.slice();
        for (const [i, v] of muts) s[28 + (i % (s.length - 28))] = v;
        same(s, opts);
      }),
      { numRuns: 700 },
    );
  });

  it("a valid header with a random body", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 11 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.uint8Array({ maxLength: 400 }),
        (t, w, h, td, body) => {
          same(Uint8Array.from([...lzHeader(t, w, h, w, td), ...body]), { palette: new Uint32Array(3) });
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a match length of 4.5 M 255-bytes (saturated in wasm) fails as in JS", () => {
    const s = new Uint8Array(28 + 3 + 4_500_000 + 2).fill(255);
    s.set(lzHeader(LzImageType.Rgb32, 10, 10, 40, true));
    s.set([0, 1, 2, 3, 0xe0], 28);
    s[s.length - 2] = 7;
    s[s.length - 1] = 0;
    expect(same(s)).toMatchObject({ error: { message: "LZ match past the image end", offset: s.length } });
  });

  it("an image larger than the retained memory is decoded, then its instance is dropped", () => {
    const before = sharedLzWasmDecoder();
    const w = 4200;
    const h = 4100;
    // one literal pixel, then one run of the rest: L = 7 plus 255-bytes and a last byte
    const rest = w * h - 1 - 7;
    const ext = [...new Array<number>(Math.floor(rest / 255)).fill(255), rest % 255];
    const big = Uint8Array.from([...lzHeader(LzImageType.Rgb32, w, h, w * 4, true), 0, 0x80, 0x80, 0x80, 0xe0, ...ext, 0]);
    const img = decodeLz(big, { wasm: true });
    expect(img.data[0]).toBe(0x80);
    expect(img.data[img.data.length - 1]).toBe(255);
    expect(sharedLzWasmDecoder()).not.toBe(before);
  });
});
