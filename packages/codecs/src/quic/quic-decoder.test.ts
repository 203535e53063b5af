import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import pngjs from "pngjs";
import { describe, expect, it } from "vitest";
import { CodecError } from "../errors.js";
import { QuicDecoder, decodeQuic } from "./quic-decoder.js";
import { QuicImageType, readQuicHeader } from "./quic-header.js";

const vectors = fileURLToPath(new URL("../../__fixtures__/vectors/", import.meta.url));
const fixtures = fileURLToPath(new URL("./__fixtures__/", import.meta.url));

const VECTORS = ["uitile_256x256", "term_1280x800", "ui_1280x800", "photo_1280x800", "mixed_1920x1080"];

interface Fixture {
  name: string;
  type: "gray" | "rgb16" | "rgb24" | "rgb32" | "rgba";
  quicType: number;
  width: number;
  height: number;
}
const FIXTURES = JSON.parse(readFileSync(`${fixtures}manifest.json`, "utf8")) as Fixture[];

function bytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/** Expected BGRA output for a fixture's raw source pixels (see __fixtures__/README.md). */
function expectedBgra(f: Fixture, raw: Uint8Array): Uint8Array {
  const out = new Uint8Array(f.width * f.height * 4);
  const wide = (v: number) => (v << 3) | (v >> 2);
  for (let k = 0; k < f.width * f.height; k++) {
    let px: number[];
    switch (f.type) {
      case "gray":
        px = [raw[k], raw[k], raw[k], 255];
        break;
      case "rgb16": {
        const v = raw[2 * k] | (raw[2 * k + 1] << 8);
        px = [wide(v & 31), wide((v >> 5) & 31), wide((v >> 10) & 31), 255];
        break;
      }
      case "rgb24":
        px = [raw[3 * k], raw[3 * k + 1], raw[3 * k + 2], 255];
        break;
      case "rgb32":
        px = [raw[4 * k], raw[4 * k + 1], raw[4 * k + 2], 255];
        break;
      case "rgba":
        px = [raw[4 * k], raw[4 * k + 1], raw[4 * k + 2], raw[4 * k + 3]];
        break;
    }
    out.set(px, 4 * k);
  }
  return out;
}

/** Index of the first pixel whose bytes differ, or -1. */
function firstMismatch(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i >> 2;
  return a.length === b.length ? -1 : a.length >> 2;
}

/** Runs f; passes if it returns or throws CodecError ERR_QUIC_CORRUPT, rethrows anything else. */
function onlyQuicErrors(f: () => unknown): boolean {
  try {
    f();
  } catch (e) {
    if (e instanceof CodecError && e.code === "ERR_QUIC_CORRUPT") return true;
    throw e;
  }
  return true;
}

/** Both decoders: WebAssembly (the default in Node) and the JS fallback. */
const PATHS = [
  { path: "wasm", decoder: new QuicDecoder() },
  { path: "js", decoder: new QuicDecoder({ wasm: false }) },
] as const;

describe.each(PATHS)("QuicDecoder ($path): reference RGB32 vectors", ({ decoder }) => {
  for (const name of VECTORS) {
    it(`${name} matches the PNG on B, G, R of every pixel, A = 255`, () => {
      const png = pngjs.PNG.sync.read(readFileSync(`${vectors}${name}.png`));
      const img = decoder.decode(bytes(`${vectors}${name}.quic`));
      expect([img.width, img.height, img.hasAlpha]).toEqual([png.width, png.height, false]);
      const want = new Uint8Array(png.width * png.height * 4);
      for (let i = 0; i < want.length; i += 4) {
        want[i] = png.data[i + 2];
        want[i + 1] = png.data[i + 1];
        want[i + 2] = png.data[i];
        want[i + 3] = 255;
      }
      const bad = firstMismatch(img.data, want);
      expect(bad < 0 ? "identical" : `pixel ${bad % png.width},${Math.floor(bad / png.width)}`).toBe("identical");
    });
  }
});

describe.each(PATHS)("QuicDecoder ($path): every image type (reference-encoded synthetic images)", ({ decoder }) => {
  for (const f of FIXTURES) {
    it(`${f.name}`, () => {
      const data = bytes(`${fixtures}${f.name}.quic`);
      expect(readQuicHeader(data)).toEqual({ type: f.quicType, width: f.width, height: f.height });
      const img = decoder.decode(data);
      expect([img.width, img.height, img.hasAlpha]).toEqual([f.width, f.height, f.type === "rgba"]);
      const bad = firstMismatch(img.data, expectedBgra(f, bytes(`${fixtures}${f.name}.raw`)));
      expect(bad < 0 ? "identical" : `pixel ${bad % f.width},${Math.floor(bad / f.width)}`).toBe("identical");
    });
  }
});

describe("QuicDecoder", () => {
  it("reads the header", () => {
    expect(readQuicHeader(bytes(`${vectors}mixed_1920x1080.quic`))).toEqual({
      type: QuicImageType.Rgb32,
      width: 1920,
      height: 1080,
    });
  });

  it.each(PATHS)("$path: decodes into a caller buffer, aligned or not, and keeps independent instances apart", ({ decoder }) => {
    const tile = bytes(`${vectors}uitile_256x256.quic`);
    const rgba = bytes(`${fixtures}rgba-67x45.quic`);
    const wasm = decoder.usesWasm;
    const a = new QuicDecoder({ wasm });
    const b = new QuicDecoder({ wasm });
    const wantTile = a.decode(tile).data.slice();
    const wantRgba = b.decode(rgba).data.slice();

    const big = new Uint8Array(256 * 256 * 4 + 1);
    const unaligned = big.subarray(1);
    const img = b.decode(tile, unaligned);
    expect(img.data.buffer).toBe(big.buffer);
    expect(firstMismatch(unaligned, wantTile)).toBe(-1);

    const out = new Uint8Array(67 * 45 * 4 + 100);
    const img2 = a.decode(rgba, out);
    expect(img2.data.length).toBe(67 * 45 * 4);
    expect(firstMismatch(img2.data, wantRgba)).toBe(-1);
    expect(firstMismatch(a.decode(tile).data, wantTile)).toBe(-1);
  });

  it("rejects a caller buffer that is too small with RangeError", () => {
    const tile = bytes(`${vectors}uitile_256x256.quic`);
    for (const { decoder } of PATHS) expect(() => decoder.decode(tile, new Uint8Array(256 * 256 * 4 - 1))).toThrow(RangeError);
  });

  it("rejects bad headers with ERR_QUIC_CORRUPT", () => {
    const tile = bytes(`${vectors}uitile_256x256.quic`);
    const patch = (at: number, v: number) => {
      const d = tile.slice();
      new DataView(d.buffer).setUint32(at, v, true);
      return d;
    };
    for (const d of [tile.subarray(0, 19), patch(0, 0x43495552), patch(4, 1), patch(8, 0), patch(8, 6), patch(12, 0), patch(16, 0), patch(12, 0x10000000), patch(16, 0xffffffff)]) {
      expect(() => decodeQuic(d)).toThrowError(expect.objectContaining({ name: "CodecError", code: "ERR_QUIC_CORRUPT" }));
    }
  });

  it.each(PATHS)("$path: reports truncation, at the end of the data", ({ decoder }) => {
    const tile = bytes(`${vectors}uitile_256x256.quic`);
    const half = tile.subarray(0, (tile.length >> 1) + 3);
    expect(() => decoder.decode(half)).toThrowError(
      expect.objectContaining({ code: "ERR_QUIC_CORRUPT", message: "QUIC stream truncated", offset: half.length - 3 }),
    );
  });
});

describe.each(PATHS)("QuicDecoder ($path) on garbage: only CodecError ERR_QUIC_CORRUPT", ({ decoder }) => {
  const decodeQuic = (d: Uint8Array) => decoder.decode(d);
  const header = (type: number, w: number, h: number) => {
    const d = new Uint8Array(20);
    const v = new DataView(d.buffer);
    v.setUint32(0, 0x43495551, true);
    v.setUint32(8, type, true);
    v.setUint32(12, w, true);
    v.setUint32(16, h, true);
    return d;
  };
  const concat = (a: Uint8Array, b: Uint8Array) => {
    const d = new Uint8Array(a.length + b.length);
    d.set(a);
    d.set(b, a.length);
    return d;
  };
  const reals = [bytes(`${vectors}uitile_256x256.quic`), ...FIXTURES.map((f) => bytes(`${fixtures}${f.name}.quic`))];

  it("random bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (d) => onlyQuicErrors(() => decodeQuic(d))), { numRuns: 300 });
  });

  it("valid header, random body", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 1, max: 48 }),
        fc.uint8Array({ maxLength: 2000 }),
        (type, w, h, body) => onlyQuicErrors(() => decodeQuic(concat(header(type, w, h), body))),
      ),
      { numRuns: 300 },
    );
  });

  it("truncated real streams", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: reals.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (k, frac) =>
        onlyQuicErrors(() => decodeQuic(reals[k].subarray(0, Math.floor(reals[k].length * frac)))),
      ),
      { numRuns: 200 },
    );
  });

  it("mutated real streams", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: reals.length - 1 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (k, edits) => {
          const d = reals[k].slice();
          // Header edits are included: dimensions that the stream cannot hold are rejected early.
          for (const [at, v] of edits) d[Math.floor(at * (d.length - 1))] = v;
          return onlyQuicErrors(() => decodeQuic(d));
        },
      ),
      { numRuns: 300 },
    );
  });
});
