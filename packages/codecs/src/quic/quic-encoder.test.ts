import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import pngjs from "pngjs";
import { describe, expect, it } from "vitest";
import { decodeQuic } from "./quic-decoder.js";
import { QuicEncoder, type QuicEncodeType, encodeQuic } from "./quic-encoder.js";
import { QuicImageType, readQuicHeader } from "./quic-header.js";

const vectors = fileURLToPath(new URL("../../__fixtures__/vectors/", import.meta.url));
const fixtures = fileURLToPath(new URL("./__fixtures__/", import.meta.url));

const VECTORS = ["uitile_256x256", "term_1280x800", "ui_1280x800", "photo_1280x800", "mixed_1920x1080"];

interface Fixture {
  name: string;
  type: string;
  width: number;
  height: number;
}
const FIXTURES = JSON.parse(readFileSync(`${fixtures}manifest.json`, "utf8")) as Fixture[];

/** A fixture's raw source pixels (in the type's own layout, see __fixtures__/README.md) as BGRA. */
function fixtureBgra(f: Fixture, raw: Uint8Array): Uint8Array {
  const out = new Uint8Array(f.width * f.height * 4);
  for (let k = 0; k < f.width * f.height; k++) {
    let px: number[];
    switch (f.type) {
      case "gray":
        px = [raw[k], raw[k], raw[k], 255];
        break;
      case "rgb16": {
        const v = raw[2 * k] | (raw[2 * k + 1] << 8);
        px = [(v & 31) << 3, ((v >> 5) & 31) << 3, ((v >> 10) & 31) << 3, 255];
        break;
      }
      case "rgb24":
        px = [raw[3 * k], raw[3 * k + 1], raw[3 * k + 2], 255];
        break;
      default:
        px = [raw[4 * k], raw[4 * k + 1], raw[4 * k + 2], raw[4 * k + 3]];
    }
    out.set(px, 4 * k);
  }
  return out;
}

function bytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/** The PNG as BGRA with A = 255 (the corpus's .bgrx layout). */
function pngToBgra(path: string): { width: number; height: number; data: Uint8Array } {
  const png = pngjs.PNG.sync.read(readFileSync(path));
  const data = new Uint8Array(png.width * png.height * 4);
  for (let k = 0; k < data.length; k += 4) {
    data[k] = png.data[k + 2];
    data[k + 1] = png.data[k + 1];
    data[k + 2] = png.data[k];
    data[k + 3] = 255;
  }
  return { width: png.width, height: png.height, data };
}

/** Index of the first differing byte, or -1 when equal. */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

const QUIC_TYPES: Record<QuicEncodeType, number> = {
  rgb32: QuicImageType.Rgb32,
  rgba: QuicImageType.Rgba,
  rgb24: QuicImageType.Rgb24,
  rgb16: QuicImageType.Rgb16,
  gray: QuicImageType.Gray,
};

/**
 * What decodeQuic must give back for a tightly packed source: RGB32 and RGB24 drop the 4th byte
 * (A = 255), RGB16 keeps the top 5 bits of B, G, R widened back (v << 3 | v >> 2), GRAY the B byte.
 */
function expectedBgra(src: Uint8Array, type: QuicEncodeType): Uint8Array {
  if (type === "rgba") return src;
  const out = src.slice();
  for (let k = 0; k < out.length; k += 4) {
    if (type === "rgb16") {
      for (let c = 0; c < 3; c++) out[k + c] = (src[k + c] & 0xf8) | (src[k + c] >> 5);
    } else if (type === "gray") {
      out[k + 1] = out[k + 2] = src[k];
    }
    out[k + 3] = 255;
  }
  return out;
}

/** Encodes, checks the header, decodes, and expects the exact pixels back. */
function roundTrip(width: number, height: number, data: Uint8Array, type: QuicEncodeType, stride?: number): Uint8Array {
  const stream = encodeQuic({ width, height, data, stride }, type);
  expect(readQuicHeader(stream)).toEqual({ type: QUIC_TYPES[type], width, height });
  expect(stream.length % 4).toBe(0);
  const img = decodeQuic(stream);
  const s = stride ?? width * 4;
  const packed = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) packed.set(data.subarray(y * s, y * s + width * 4), y * width * 4);
  const want = expectedBgra(packed, type);
  const at = firstDiff(img.data, want);
  if (at >= 0) throw new Error(`${type} ${width}x${height}: pixel ${at >> 2} differs after the round trip`);
  expect(img.hasAlpha).toBe(type === "rgba");
  return stream;
}

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

/**
 * A test image: mostly flat blocks from a small palette (runs), with noisy and gradient areas
 * (long Golomb codes), so both coding modes and the model updates are exercised.
 */
function syntheticImage(width: number, height: number, seed: number, stride = width * 4): Uint8Array {
  const next = rng(seed);
  const palette = [0xff000000, 0xffffffff, 0x80336699, 0x00ff0000, next(), next()];
  const data = new Uint8Array(stride * height + 3);
  const view = new DataView(data.buffer);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const band = ((x >> 4) + (y >> 3)) % 4;
      let v: number;
      if (band === 0) v = palette[((x >> 2) ^ (y >> 2)) % palette.length];
      else if (band === 1) v = next();
      else if (band === 2) v = ((x * 3 + y) & 0xff) * 0x010101 + ((next() & 3) << 24);
      else v = palette[next() % 3];
      view.setUint32(y * stride + x * 4, v >>> 0, true);
    }
  }
  return data;
}

/** The JS encoder (the wasm one is the default, through encodeQuic): both must give the reference bytes. */
const JS_ENCODER = new QuicEncoder({ wasm: false });

describe("encodeQuic: reference RGB32 vectors", () => {
  for (const name of VECTORS) {
    it(`${name} is byte-identical to the reference stream and decodes back exactly`, () => {
      const img = pngToBgra(`${vectors}${name}.png`);
      const ref = bytes(`${vectors}${name}.quic`);
      const ours = roundTrip(img.width, img.height, img.data, "rgb32");
      // Size first, for a readable failure if the streams ever drift apart.
      expect(Math.abs(ours.length / ref.length - 1)).toBeLessThan(0.05);
      expect(firstDiff(ours, ref)).toBe(-1);
      expect(firstDiff(JS_ENCODER.encode(img, "rgb32"), ref)).toBe(-1);
    });
  }
});

describe("encodeQuic: reference fixtures of every type", () => {
  for (const f of FIXTURES) {
    it(`${f.name} is byte-identical to the reference stream`, () => {
      const src = fixtureBgra(f, bytes(`${fixtures}${f.name}.raw`));
      const ref = bytes(`${fixtures}${f.name}.quic`);
      const ours = roundTrip(f.width, f.height, src, f.type as QuicEncodeType);
      expect(firstDiff(ours, ref)).toBe(-1);
      const js = JS_ENCODER.encode({ width: f.width, height: f.height, data: src }, f.type as QuicEncodeType);
      expect(firstDiff(js, ref)).toBe(-1);
    });
  }
});

describe("encodeQuic: round trips", () => {
  it("random images of random sizes, strides and content, every type", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer(),
        fc.constantFrom<QuicEncodeType>("rgb32", "rgba", "rgb24", "rgb16", "gray"),
        fc.boolean(),
        (width, height, padPixels, seed, type, noise) => {
          const stride = (width + padPixels) * 4;
          let data = syntheticImage(width, height, seed, stride);
          if (noise) for (let k = 0, next = rng(seed ^ 0x5a5a); k < data.length; k++) data[k] = next() & 0xff;
          if (seed & 1) data = data.subarray(1); // unaligned view
          roundTrip(width, height, data, type, stride);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("1x1, 1xN and Nx1 images, across the wait-mask steps", () => {
    for (const type of ["rgb32", "rgba", "rgb16", "gray"] as const) {
      for (const [w, h] of [
        [1, 1],
        [1, 2],
        [2, 1],
        [1, 3],
        [3, 1],
        [1, 2049],
        [2049, 1],
        [1, 13000],
        [13000, 1],
        [4, 4],
      ]) {
        roundTrip(w, h, syntheticImage(w, h, w * 31 + h), type);
        const flat = new Uint8Array(w * h * 4).fill(0x7f);
        roundTrip(w, h, flat, type);
      }
    }
  });

  it("rows wider than the wait-mask steps, with runs that end on segment boundaries", () => {
    // A flat image: every later row is one long run, cut at each 2048-pixel segment end.
    const w = 5000;
    const h = 4;
    roundTrip(w, h, new Uint8Array(w * h * 4), "rgb32");
    roundTrip(w, h, syntheticImage(w, h, 99), "rgba");
    roundTrip(w, h, syntheticImage(w, h, 98), "rgb16");
    roundTrip(w, h, new Uint8Array(w * h * 4), "gray");
  });

  it("very long runs (MELCODE at its top state)", () => {
    const w = 4096;
    const h = 64;
    const data = new Uint8Array(w * h * 4).fill(0x42);
    roundTrip(w, h, data, "rgba");
  });
});

describe("QuicEncoder reuse", () => {
  it("gives the same bytes as a fresh encoder, whatever it encoded before", () => {
    const enc = new QuicEncoder();
    const a = syntheticImage(67, 45, 1);
    const b = syntheticImage(300, 9, 2);
    const fresh = (d: Uint8Array, w: number, h: number, t: QuicEncodeType) =>
      new QuicEncoder().encode({ width: w, height: h, data: d }, t).slice();
    expect(enc.encode({ width: 67, height: 45, data: a }, "rgba").slice()).toEqual(fresh(a, 67, 45, "rgba"));
    expect(enc.encode({ width: 300, height: 9, data: b }).slice()).toEqual(fresh(b, 300, 9, "rgb32"));
    expect(enc.encode({ width: 67, height: 45, data: a }).slice()).toEqual(fresh(a, 67, 45, "rgb32"));
  });

  it("encodeQuic returns its own copy", () => {
    const a = encodeQuic({ width: 8, height: 8, data: syntheticImage(8, 8, 3) });
    const keep = a.slice();
    encodeQuic({ width: 30, height: 30, data: syntheticImage(30, 30, 4) });
    expect(a).toEqual(keep);
  });

  it("the fourth byte does not change an RGB32 stream", () => {
    const d = syntheticImage(40, 20, 5);
    const opaque = d.slice();
    for (let k = 3; k < opaque.length; k += 4) opaque[k] = 255;
    expect(encodeQuic({ width: 40, height: 20, data: d })).toEqual(encodeQuic({ width: 40, height: 20, data: opaque }));
  });
});

describe("encodeQuic: argument checks", () => {
  it("rejects bad dimensions, strides, short data and unknown types with RangeError", () => {
    const data = new Uint8Array(64);
    expect(() => encodeQuic({ width: 0, height: 1, data })).toThrow(RangeError);
    expect(() => encodeQuic({ width: 1, height: -1, data })).toThrow(RangeError);
    expect(() => encodeQuic({ width: 1.5, height: 1, data })).toThrow(RangeError);
    expect(() => encodeQuic({ width: 4, height: 1, data, stride: 8 })).toThrow(RangeError);
    expect(() => encodeQuic({ width: 4, height: 5, data })).toThrow(RangeError);
    expect(() => encodeQuic({ width: 4, height: 4, data }, "rgb8" as QuicEncodeType)).toThrow(RangeError);
    expect(() => encodeQuic({ width: 4, height: 4, data }, "toString" as QuicEncodeType)).toThrow(RangeError);
    expect(() => encodeQuic({ width: 4, height: 4, data })).not.toThrow();
  });
});
