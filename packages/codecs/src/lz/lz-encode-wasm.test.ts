import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { pngAsBgrx, randomImage, withStride, type TestImage } from "./__fixtures__/encoder-inputs.js";
import { readVector, rng, VECTORS } from "./__fixtures__/test-images.js";
import { decodeLz } from "./lz-decode.js";
import { LzWasmEncoder } from "./lz-encode-wasm.js";
import { LzEncoder, type LzEncodeType } from "./lz-encoder.js";

const wasmEncoder = new LzEncoder();
const jsEncoder = new LzEncoder({ wasm: false });

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  if (Buffer.compare(a, b) === 0) return -1;
  return a.findIndex((v, i) => v !== b[i]);
}

/** Encodes with the WebAssembly and the JS encoder (both types, both row orders); fails unless the bytes agree. */
function sameStreams(img: TestImage, types: readonly LzEncodeType[] = ["rgb32", "rgba"]): void {
  for (const type of types) {
    for (const topDown of [true, false]) {
      const w = wasmEncoder.encode(img, type, { topDown });
      const j = jsEncoder.encode(img, type, { topDown });
      expect(firstDifference(w, j), `${img.width}x${img.height} ${type} topDown=${topDown}`).toBe(-1);
    }
  }
}

function image(w: number, h: number, pixel: (x: number, y: number) => number): TestImage {
  const data = new Uint8Array(w * h * 4);
  const px = new Uint32Array(data.buffer);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = pixel(x, y) >>> 0;
  return { width: w, height: h, data, stride: w * 4 };
}

describe("LzEncoder: WebAssembly and JS", () => {
  it("uses WebAssembly by default, JS with { wasm: false }", () => {
    expect(wasmEncoder.usesWasm).toBe(true);
    expect(jsEncoder.usesWasm).toBe(false);
  });

  for (const name of VECTORS) {
    it(`${name}: both give the reference stream (RGB32) and the same RGBA stream`, () => {
      const img = pngAsBgrx(name);
      const ref = readVector(`${name}.lz`);
      expect(firstDifference(wasmEncoder.encode(img), ref)).toBe(-1);
      expect(firstDifference(jsEncoder.encode(img), ref)).toBe(-1);
      // Alpha varied in runs, so the alpha pass finds runs, matches and literals.
      const alpha = img.data.slice();
      const r = rng(7);
      let a = 255;
      for (let i = 3; i < alpha.length; i += 4) {
        if (r() < 0.01) a = Math.floor(r() * 4) * 85;
        alpha[i] = a;
      }
      const rgba = { ...img, data: alpha };
      expect(firstDifference(wasmEncoder.encode(rgba, "rgba"), jsEncoder.encode(rgba, "rgba"))).toBe(-1);
      const bottomUp = { topDown: false };
      expect(firstDifference(wasmEncoder.encode(img, "rgb32", bottomUp), jsEncoder.encode(img, "rgb32", bottomUp))).toBe(-1);
    });
  }

  it("tiny and odd sizes (1x1 to 7 pixels, odd widths)", () => {
    for (const [w, h] of [
      [1, 1], [2, 1], [1, 2], [3, 1], [4, 1], [1, 4], [5, 1], [6, 1], [7, 1], [1, 7], [8, 1], [9, 1],
      [3, 3], [13, 5], [33, 3], [31, 7], [257, 3], [1, 301], [99, 1],
    ]) {
      for (let seed = 1; seed <= 3; seed++) sameStreams(randomImage(w, h, seed * 31 + w, seed * 3, seed));
      sameStreams(image(w, h, () => 0xff102030));
    }
  });

  it("flat, noise, gradients, runs, stripes, checkerboards", () => {
    const r = rng(42);
    const noise = (bits: number) => () => (Math.floor(r() * 2 ** 32) & (bits ? (1 << bits) - 1 : -1)) | 0;
    const cases: TestImage[] = [
      image(301, 17, () => 0xff000000),
      image(301, 17, () => 0x00ffffff),
      image(301, 17, noise(0)),
      image(301, 17, noise(2)),
      image(211, 33, (x) => 0xff000000 | (x * 0x010101)),
      image(211, 33, (x, y) => 0xff000000 | ((x + y) & 255) | (y << 16)),
      image(127, 41, (x, y) => (x >> 3) * 0x30201 + (y << 24)),
      image(64, 64, (x, y) => ((x ^ y) & 1 ? 0xffffffff : 0xff000000)),
      image(97, 13, (x) => (x % 5 === 0 ? 0xff123456 : 0x80123456)),
      // Equal colour, different alpha (the colour pass ignores alpha, the alpha pass does not).
      image(97, 13, (x, y) => ((x * y) & 0xff) << 24),
      randomImage(640, 40, 5, 20, 3),
      randomImage(333, 47, 3, 2000, 3),
    ];
    for (const img of cases) sameStreams(img);
  });

  it("long runs and matches (length bytes past 255) and far matches (distances 8191 to 73725)", () => {
    // A block of noise repeated at distances around 8191, 65535 and 73725 pixels, with one run
    // between (runs do not enter the hash table, so the block's entries are still there).
    const r = rng(9);
    const block = Array.from({ length: 300 }, () => Math.floor(r() * 2 ** 24) | 0xff000000);
    for (const gap of [8188, 8190, 8191, 8192, 8195, 65535, 73722, 73724, 73725, 73726, 80000]) {
      const px = new Uint32Array(gap + 800);
      for (let i = 0; i < px.length; i++) px[i] = i < 300 ? block[i] : i >= gap && i < gap + 300 ? block[i - gap] : 0x7f000000;
      sameStreams({ width: px.length, height: 1, data: new Uint8Array(px.buffer), stride: px.length * 4 });
    }
    sameStreams(image(5000, 3, (x, y) => (x < 4000 ? 0xff0000ff : y)));
    sameStreams(image(70000, 2, (x) => (x & 0x3ff ? 0xff000000 | (x & 0xf00) : x)));
  });

  it("padded strides and unaligned buffers", () => {
    const img = randomImage(123, 29, 11, 40, 4);
    for (const [pad, shift] of [
      [0, 0],
      [12, 0],
      [4, 1],
      [0, 3],
      [8, 2],
    ]) {
      sameStreams(withStride(img, pad, shift));
    }
  });

  it("property: random images give the same bytes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 5 }),
        (w, h, seed, colours, alphaLevels) => {
          sameStreams(randomImage(w, h, seed, colours, alphaLevels));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("reuses its memory across sizes, and every stream decodes", () => {
    const enc = new LzEncoder();
    for (const [w, h] of [
      [400, 300],
      [3, 1],
      [1000, 20],
      [17, 17],
    ]) {
      const img = randomImage(w, h, w + h, 100, 3);
      const stream = enc.encode(img, "rgba");
      expect(firstDifference(stream, jsEncoder.encode(img, "rgba"))).toBe(-1);
      expect(firstDifference(decodeLz(stream).data, img.data)).toBe(-1);
    }
  });

  it("an image that grows the memory past 64 MiB: same bytes, and the next image still encodes", () => {
    const w = 4096;
    const h = 2100;
    const img = image(w, h, (x, y) => (x < 4000 ? 0xff204060 : (y * 0x10101) | 0x80000000));
    const enc = new LzEncoder();
    expect(firstDifference(enc.encode(img, "rgba"), jsEncoder.encode(img, "rgba"))).toBe(-1);
    const small = randomImage(50, 50, 3, 50, 2);
    expect(firstDifference(enc.encode(small, "rgba"), jsEncoder.encode(small, "rgba"))).toBe(-1);
    expect(enc.usesWasm).toBe(true);
  });
});

describe("LzWasmEncoder", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("refuses an image its memory cannot hold (more than 4 GiB)", () => {
    const enc = LzWasmEncoder.create();
    expect(enc).not.toBeNull();
    expect(enc!.input(2 ** 30, true)).toBeNull();
    expect(enc!.input(10, false)).not.toBeNull();
  });

  it("without WebAssembly, LzEncoder falls back to JS with the same bytes", () => {
    vi.stubGlobal("WebAssembly", undefined);
    expect(LzWasmEncoder.create()).toBeNull();
    const enc = new LzEncoder();
    expect(enc.usesWasm).toBe(false);
    const img = randomImage(90, 30, 4, 60, 3);
    vi.unstubAllGlobals();
    expect(firstDifference(enc.encode(img, "rgba"), wasmEncoder.encode(img, "rgba"))).toBe(-1);
  });
});
