import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { QuicWasmEncoder } from "./quic-encode-wasm.js";
import { QuicEncoder, type QuicEncodeType } from "./quic-encoder.js";

// The WebAssembly encoder must give the JS encoder's bytes for every image (the C fixtures are
// checked through both paths in quic-encoder.test.ts). Images here: every type, sizes from 1x1
// up past the wait-mask steps, flat, noisy, gradient and run-heavy content, strides, unaligned
// views.

const TYPES: readonly QuicEncodeType[] = ["rgb32", "rgba", "rgb24", "rgb16", "gray"];
const KINDS = ["flat", "noise", "gradient", "runs", "ui", "alpha"] as const;
type Kind = (typeof KINDS)[number];

/** xorshift32, deterministic. */
function rng(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/** A BGRA image of the given kind with `stride` bytes per row (the padding is noise). */
function image(kind: Kind, width: number, height: number, seed: number, stride = width * 4): Uint8Array {
  const next = rng(seed);
  const data = new Uint8Array(stride * height);
  for (let k = 0; k < data.length; k++) data[k] = next() & 0xff;
  const view = new DataView(data.buffer);
  const palette = [0xff000000, 0xffffffff, 0x80336699, 0x00ff0000, next(), next()];
  for (let y = 0; y < height; y++) {
    let run = 0;
    let v = 0;
    for (let x = 0; x < width; x++) {
      switch (kind) {
        case "flat":
          v = 0xff7f4020;
          break;
        case "noise":
          v = next();
          break;
        case "gradient":
          v = (0xff000000 | (((x * 5 + y * 3) & 0xff) << 16) | (((x + y * 7) & 0xff) << 8) | ((x * y) & 0xff)) >>> 0;
          break;
        case "runs":
          if (run-- <= 0) {
            run = next() % 40;
            v = palette[next() % palette.length];
          }
          break;
        case "ui": {
          const band = ((x >> 4) + (y >> 3)) % 4;
          if (band === 0) v = palette[((x >> 2) ^ (y >> 2)) % palette.length];
          else if (band === 1) v = next();
          else if (band === 2) v = ((x * 3 + y) & 0xff) * 0x010101 + ((next() & 3) << 24);
          else v = palette[next() % 3];
          break;
        }
        case "alpha":
          v = (((((x >> 3) + y) & 1 ? 0xff : (x * 9) & 0xff) << 24) | (next() & 0x0f0f0f)) >>> 0;
          break;
      }
      view.setUint32(y * stride + x * 4, v >>> 0, true);
    }
  }
  return data;
}

/** Index of the first differing byte, or -1 when equal. */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

const WASM = new QuicEncoder();
const JS = new QuicEncoder({ wasm: false });

function expectSame(width: number, height: number, data: Uint8Array, type: QuicEncodeType, stride?: number): void {
  const img = { width, height, data, stride };
  const a = WASM.encode(img, type);
  const b = JS.encode(img, type);
  const at = firstDiff(a, b);
  if (at >= 0) throw new Error(`${type} ${width}x${height}: byte ${at} of ${b.length} differs (wasm ${a.length} bytes)`);
}

describe("QuicEncoder with WebAssembly", () => {
  it("is used by default in Node, and { wasm: false } selects the JS encoder", () => {
    expect(WASM.usesWasm).toBe(true);
    expect(JS.usesWasm).toBe(false);
  });

  it("gives the JS bytes for small and odd sizes, every type and content", () => {
    const sizes = [
      [1, 1],
      [1, 2],
      [2, 1],
      [2, 2],
      [3, 1],
      [1, 3],
      [3, 3],
      [2, 7],
      [3, 11],
      [5, 4],
      [7, 9],
      [13, 17],
      [31, 3],
      [33, 33],
      [64, 5],
      [101, 23],
    ];
    let seed = 1;
    for (const type of TYPES) {
      for (const kind of KINDS) for (const [w, h] of sizes) expectSame(w, h, image(kind, w, h, seed++), type);
    }
  });

  it("gives the JS bytes past the wait-mask steps and for rows wider than a segment", () => {
    for (const type of TYPES) {
      for (const kind of ["ui", "runs", "flat", "noise"] as const) {
        expectSame(5000, 3, image(kind, 5000, 3, 7), type);
        expectSame(2, 7000, image(kind, 2, 7000, 8), type);
        expectSame(150, 120, image(kind, 150, 120, 9), type);
      }
    }
    // Several chunks of rows (the module takes about 128 KB of rows at a time: 8 rows of 4096
    // pixels, 21 of 1500), the last one partial, packed or strided.
    for (const type of TYPES) {
      for (const kind of KINDS) {
        expectSame(4096, 20, image(kind, 4096, 20, 10), type);
        expectSame(1500, 45, image(kind, 1500, 45, 11, 1503 * 4).subarray(2), type, 1503 * 4);
      }
    }
    // Very long runs: MELCODE at its top state.
    expectSame(4096, 40, image("flat", 4096, 40, 1), "rgba");
  });

  it("gives the JS bytes for random images, strides and unaligned views", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer(),
        fc.constantFrom(...TYPES),
        fc.constantFrom(...KINDS),
        fc.boolean(),
        (width, height, padPixels, seed, type, kind, unaligned) => {
          const stride = (width + padPixels) * 4 + (unaligned ? 1 : 0);
          let data = image(kind, width, height, seed, stride);
          if (unaligned) data = data.subarray(1);
          expectSame(width, height, data, type, stride);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reuses its memory across images of any size and type; a result stays valid until the next encode", () => {
    const enc = new QuicEncoder();
    const small = image("ui", 20, 10, 3);
    const big = image("noise", 300, 200, 4);
    const s1 = enc.encode({ width: 20, height: 10, data: small }, "rgba").slice();
    const s2 = enc.encode({ width: 300, height: 200, data: big }, "rgb32").slice();
    const s3 = enc.encode({ width: 20, height: 10, data: small }, "rgba");
    expect(firstDiff(s3, s1)).toBe(-1);
    expect(firstDiff(s2, JS.encode({ width: 300, height: 200, data: big }, "rgb32"))).toBe(-1);
  });
});

describe("QuicEncoder: WebAssembly instance and fallbacks", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("instantiates once per encoder, and drops an instance whose memory passed 64 MiB", () => {
    const create = vi.spyOn(QuicWasmEncoder, "create");
    const enc = new QuicEncoder();
    const small = image("ui", 50, 40, 3);
    const want = JS.encode({ width: 50, height: 40, data: small }).slice();
    expect(enc.encode({ width: 50, height: 40, data: small })).toEqual(want);
    expect(enc.encode({ width: 50, height: 40, data: small })).toEqual(want);
    expect(create).toHaveBeenCalledTimes(1);
    // The memory holds the stream and a chunk of rows: a stream past 64 MiB takes a very large
    // image, so its size is faked here. The stream returned stays valid.
    const size = vi.spyOn(QuicWasmEncoder.prototype, "memoryBytes", "get").mockReturnValue((64 << 20) + 1);
    expect(enc.encode({ width: 50, height: 40, data: small })).toEqual(want);
    size.mockRestore();
    expect(enc.encode({ width: 50, height: 40, data: small })).toEqual(want);
    expect(create).toHaveBeenCalledTimes(2);
    expect(enc.usesWasm).toBe(true);
  });

  it("keeps its memory to the stream and a chunk of rows, whatever the image size", () => {
    const enc = new QuicEncoder();
    const w = 4096;
    const flat = new Uint8Array(w * 1024 * 4).fill(0x5a);
    expect(firstDiff(enc.encode({ width: w, height: 1024, data: flat }), JS.encode({ width: w, height: 1024, data: flat }))).toBe(-1);
    // 16 MiB of pixels; the memory holds the first share of the stream (a byte per pixel) and
    // a few rows.
    const wasm = (enc as unknown as { wasm: QuicWasmEncoder }).wasm;
    expect(wasm.memoryBytes).toBeLessThan(6 << 20);
  });

  it("uses the JS encoder when WebAssembly is missing", () => {
    const data = image("alpha", 30, 20, 9);
    const saved = globalThis.WebAssembly;
    let enc: QuicEncoder;
    try {
      (globalThis as { WebAssembly?: unknown }).WebAssembly = undefined;
      enc = new QuicEncoder();
      expect(enc.usesWasm).toBe(false);
    } finally {
      globalThis.WebAssembly = saved;
    }
    expect(enc.encode({ width: 30, height: 20, data }, "rgba")).toEqual(JS.encode({ width: 30, height: 20, data }, "rgba"));
  });

  it("uses the JS encoder for an image its memory cannot grow to", () => {
    const spy = vi.spyOn(QuicWasmEncoder.prototype, "encode").mockReturnValue(null);
    const data = image("gradient", 30, 20, 9);
    const enc = new QuicEncoder();
    expect(enc.encode({ width: 30, height: 20, data }, "gray").slice()).toEqual(
      JS.encode({ width: 30, height: 20, data }, "gray").slice(),
    );
    expect(spy).toHaveBeenCalledTimes(1);
  });
});
