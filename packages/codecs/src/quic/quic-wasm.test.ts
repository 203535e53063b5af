import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CodecError } from "../errors.js";
import { QuicDecoder } from "./quic-decoder.js";
import { QuicEncoder, type QuicEncodeType } from "./quic-encoder.js";
import { QuicWasmDecoder } from "./quic-wasm.js";

/*
 * The WebAssembly decoder (assembly/quic-decode.ts) against the JS one (quic-decoder.ts), which
 * the reference vectors pin down (quic-decoder.test.ts runs those on both): identical pixels on
 * streams of every type made by our encoder, and identical errors (code, message, offset) on
 * corrupt ones.
 */

const TYPES: readonly QuicEncodeType[] = ["rgb32", "rgb24", "rgb16", "rgba", "gray"];
const CONTENTS = ["photo", "ui", "gradient", "runs", "noise", "flat"] as const;
type Content = (typeof CONTENTS)[number];

const wasm = new QuicDecoder();
const js = new QuicDecoder({ wasm: false });
const encoder = new QuicEncoder();

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

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v | 0);

/** A BGRA test image of the given kind; every kind has a varying alpha channel too. */
function makeImage(content: Content, width: number, height: number, seed: number): Uint8Array {
  const next = rng(seed * 7919 + width * 31 + height);
  const data = new Uint8Array(width * height * 4);
  const set = (k: number, b: number, g: number, r: number, a: number) => {
    data[4 * k] = clamp(b);
    data[4 * k + 1] = clamp(g);
    data[4 * k + 2] = clamp(r);
    data[4 * k + 3] = clamp(a);
  };
  const palette = [0, 0xffffff, 0x336699, 0xf0f0f0, next(), next(), next() & 0x0f0f0f];
  let run = 0;
  let color = 0;
  for (let y = 0, k = 0; y < height; y++) {
    for (let x = 0; x < width; x++, k++) {
      switch (content) {
        case "photo": {
          // Smooth surfaces plus sensor-like noise (photo_1280x800-like: long Golomb codes).
          const n = () => ((next() & 63) + (next() & 63) - 64) >> 2;
          const base = 128 + 90 * Math.sin(x / 23 + seed) * Math.cos(y / 17);
          set(k, base + n(), base * 0.8 + 20 + n(), 255 - base + n(), 200 + n());
          break;
        }
        case "ui": {
          // Flat windows with borders and text-like glyph cells on a background.
          const inWindow = x % 97 > 8 && y % 61 > 6;
          const border = inWindow && (x % 97 === 9 || y % 61 === 7);
          const glyph = inWindow && (y % 12 > 2) && ((x * 7 + (y >> 2) * 13 + seed) % 11 < 3) && next() % 4 !== 0;
          const c = border ? 0x3c3c3c : glyph ? 0x101010 : inWindow ? 0xf6f6f6 : 0x2d5f8a;
          set(k, c & 0xff, (c >> 8) & 0xff, c >> 16, inWindow ? 255 : 0);
          break;
        }
        case "gradient":
          set(k, (x * 255) / Math.max(1, width - 1), (y * 255) / Math.max(1, height - 1), (x + y + seed) & 0xff, (x * 3) & 0xff);
          break;
        case "runs": {
          // Runs of palette colours of random lengths, and rows repeating the one above.
          if (y > 0 && (y + seed) % 3 === 0) {
            data.copyWithin(4 * k, 4 * (k - width), 4 * (k - width + 1));
            break;
          }
          if (run === 0) {
            run = 1 + (next() % (next() & 1 ? 300 : 6));
            color = palette[next() % palette.length];
          }
          run--;
          set(k, color & 0xff, (color >> 8) & 0xff, (color >> 16) & 0xff, color & 0x80 ? 255 : 17);
          break;
        }
        case "noise": {
          const v = next();
          set(k, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24);
          break;
        }
        case "flat":
          set(k, 0x12, 0x34, 0x56, 0x78);
          break;
      }
    }
  }
  return data;
}

/** What the decoders must give back for a source image coded as `type` (see QuicEncodeType). */
function expectedBgra(src: Uint8Array, type: QuicEncodeType): Uint8Array {
  const out = src.slice();
  if (type === "rgba") return out;
  for (let k = 0; k < out.length; k += 4) {
    if (type === "rgb16") for (let c = 0; c < 3; c++) out[k + c] = (src[k + c] & 0xf8) | (src[k + c] >> 5);
    if (type === "gray") out[k + 1] = out[k + 2] = src[k];
    out[k + 3] = 255;
  }
  return out;
}

function encode(type: QuicEncodeType, content: Content, width: number, height: number, seed: number) {
  const src = makeImage(content, width, height, seed);
  return { src, stream: encoder.encode({ width, height, data: src }, type).slice() };
}

type Outcome = { pixels: Uint8Array; hasAlpha: boolean } | { code: string; message: string; offset?: number };

/** A decode's result, or its CodecError's code, message and offset; any other exception fails. */
function outcome(decoder: QuicDecoder, data: Uint8Array): Outcome {
  try {
    const img = decoder.decode(data);
    return { pixels: img.data, hasAlpha: img.hasAlpha };
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    return { code: e.code, message: e.message, offset: e.offset };
  }
}

/** Index of the first differing byte, or -1. */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function expectSameOutcome(data: Uint8Array, label: string): Outcome {
  const w = outcome(wasm, data);
  const j = outcome(js, data);
  if ("pixels" in w && "pixels" in j) {
    expect(firstDiff(w.pixels, j.pixels), `${label}: first differing byte`).toBe(-1);
    expect(w.hasAlpha, label).toBe(j.hasAlpha);
  } else {
    expect(w, label).toEqual(j);
  }
  return w;
}

describe("QuicDecoder with WebAssembly", () => {
  it("is used by default in Node, and { wasm: false } selects the JS decoder", () => {
    expect(wasm.usesWasm).toBe(true);
    expect(js.usesWasm).toBe(false);
  });

  it("decodes encoder streams of every type and content exactly as the JS decoder does", () => {
    const sizes = [
      [1, 1], [1, 2], [2, 1], [2, 2], [3, 3], [1, 40], [40, 1], [2, 17], [3, 29], [5, 5], [7, 3],
      [33, 17], [67, 45], [160, 120], [2100, 3], [1, 2500],
    ];
    let seed = 1;
    for (const type of TYPES) {
      for (const content of CONTENTS) {
        for (const [w, h] of sizes) {
          const label = `${type} ${content} ${w}x${h}`;
          const { src, stream } = encode(type, content, w, h, seed++);
          const got = expectSameOutcome(stream, label);
          expect("pixels" in got && firstDiff(got.pixels, expectedBgra(src, type)), label).toBe(-1);
        }
      }
    }
   }, 20_000);

  it("large images: past the last wait-mask step, rows wider than a segment", () => {
    for (const [type, content, w, h] of [
      ["rgb32", "photo", 400, 300],
      ["rgba", "ui", 640, 200],
      ["rgb16", "photo", 300, 200],
      ["gray", "runs", 5000, 8],
      ["rgb24", "runs", 4100, 9],
    ] as const) {
      const { src, stream } = encode(type, content, w, h, w);
      const got = expectSameOutcome(stream, `${type} ${content} ${w}x${h}`);
      expect("pixels" in got && firstDiff(got.pixels, expectedBgra(src, type))).toBe(-1);
    }
   }, 20_000);

  it("reuses its memory across images of any size and type, and decodes into unaligned buffers", () => {
    const dec = new QuicDecoder();
    const cases = [
      ["rgb32", "photo", 300, 200],
      ["gray", "ui", 3, 5],
      ["rgba", "runs", 900, 40],
      ["rgb16", "gradient", 17, 1],
      ["rgb32", "photo", 300, 200],
    ] as const;
    for (const [type, content, w, h] of cases) {
      const { src, stream } = encode(type, content, w, h, 5);
      const want = expectedBgra(src, type);
      expect(firstDiff(dec.decode(stream).data, want)).toBe(-1);
      const buf = new Uint8Array(w * h * 4 + 3);
      const img = dec.decode(stream, buf.subarray(3));
      expect(img.data.buffer).toBe(buf.buffer);
      expect(firstDiff(img.data, want)).toBe(-1);
    }
  });
});

describe("QuicDecoder with WebAssembly on corrupt input: the JS decoder's errors, nothing else", () => {
  const stream = fc
    .record({
      type: fc.constantFrom(...TYPES),
      content: fc.constantFrom(...CONTENTS),
      width: fc.integer({ min: 1, max: 40 }),
      height: fc.integer({ min: 1, max: 30 }),
      seed: fc.integer({ min: 1, max: 1 << 20 }),
    })
    .map(({ type, content, width, height, seed }) => encode(type, content, width, height, seed).stream);

  // Positions are drawn as integers and taken modulo the length: fc.double favours 0 and 1.
  const position = fc.nat({ max: 1 << 30 });

  it("truncated streams", () => {
    fc.assert(
      fc.property(stream, position, (s, at) => {
        expectSameOutcome(s.subarray(0, 20 + (at % (s.length - 19))), "truncated");
      }),
      { numRuns: 150 },
    );
  });

  it("streams with flipped bits, overwritten bytes or garbage appended (header included)", () => {
    fc.assert(
      fc.property(
        stream,
        fc.array(fc.tuple(position, fc.integer({ min: 0, max: 255 }), fc.boolean()), { minLength: 1, maxLength: 4 }),
        fc.uint8Array({ maxLength: 64 }),
        (s, edits, tail) => {
          const d = new Uint8Array(s.length + tail.length);
          d.set(s);
          d.set(tail, s.length);
          for (const [at, v, flip] of edits) {
            // Mostly the body (after the 20-byte header); sometimes the header's type and size.
            const k = v < 8 ? 8 + (at % 12) : 20 + (at % (s.length - 20));
            if (flip) d[k] ^= 1 << (v & 7);
            else d[k] = v;
          }
          expectSameOutcome(d, "mutated");
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a valid header of every type, random body", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer(),
        (type, w, h, length, seed) => {
          // Random bytes, or bytes whose bits are mostly 1 (long run codes) or mostly 0.
          const next = rng(seed);
          const bias = seed & 3;
          const body = Uint8Array.from({ length }, () => (bias === 1 ? next() | next() : bias === 2 ? next() & next() : next()));
          const d = new Uint8Array(20 + body.length);
          const v = new DataView(d.buffer);
          v.setUint32(0, 0x43495551, true);
          v.setUint32(8, type, true);
          v.setUint32(12, w, true);
          v.setUint32(16, h, true);
          d.set(body, 20);
          expectSameOutcome(d, "random body");
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("QuicDecoder: WebAssembly instance and fallbacks", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("instantiates once per decoder, and drops an instance whose memory passed 64 MiB", () => {
    const create = vi.spyOn(QuicWasmDecoder, "create");
    const dec = new QuicDecoder();
    const { stream } = encode("rgb32", "ui", 50, 40, 3);
    dec.decode(stream);
    dec.decode(stream);
    expect(create).toHaveBeenCalledTimes(1);
    // A header claiming 8192 x 2100 (69 MB of pixels) over a short body: the memory grows for
    // it, the stream is truncated, and the instance is dropped.
    const big = new Uint8Array(20 + 6000);
    big.set(stream.subarray(0, 20));
    new DataView(big.buffer).setUint32(12, 8192, true);
    new DataView(big.buffer).setUint32(16, 2100, true);
    expect(() => dec.decode(big)).toThrowError(expect.objectContaining({ code: "ERR_QUIC_CORRUPT", message: "QUIC stream truncated" }));
    dec.decode(stream);
    expect(create).toHaveBeenCalledTimes(2);
    expect(dec.usesWasm).toBe(true);
  });

  it("uses the JS decoder when WebAssembly is missing", () => {
    const { src, stream } = encode("rgba", "photo", 30, 20, 9);
    const saved = globalThis.WebAssembly;
    let dec: QuicDecoder;
    try {
      (globalThis as { WebAssembly?: unknown }).WebAssembly = undefined;
      dec = new QuicDecoder();
      expect(dec.usesWasm).toBe(false);
    } finally {
      globalThis.WebAssembly = saved;
    }
    expect(firstDiff(dec.decode(stream).data, expectedBgra(src, "rgba"))).toBe(-1);
  });

  it("uses the JS decoder for an image its memory cannot grow to", () => {
    vi.spyOn(QuicWasmDecoder.prototype, "decode").mockReturnValue(false);
    const { src, stream } = encode("gray", "gradient", 30, 20, 9);
    const dec = new QuicDecoder();
    expect(firstDiff(dec.decode(stream).data, expectedBgra(src, "gray"))).toBe(-1);
  });
});
