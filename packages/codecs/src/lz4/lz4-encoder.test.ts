import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pngAsBgrx, randomImage, samePixels, withStride } from "../lz/__fixtures__/encoder-inputs.js";
import { readVector, VECTORS } from "../lz/__fixtures__/test-images.js";
import { decodeLz4 } from "./decode-lz4.js";
import { decodeLz4Block } from "./lz4-block.js";
import { compressLz4Block, lz4CompressBound } from "./lz4-block-encoder.js";
import { encodeLz4, Lz4Encoder } from "./lz4-encoder.js";

describe("encodeLz4 against liblz4 1.9.4 + spice-server framing (golden vectors)", () => {
  for (const name of VECTORS) {
    it(`${name}: same stream as the reference, and it decodes`, () => {
      const img = pngAsBgrx(name);
      const ref = readVector(`${name}.lz4`);
      const ours = encodeLz4(img);
      expect(Math.abs(ours.length - ref.length) / ref.length).toBeLessThanOrEqual(0.05);
      expect(Buffer.compare(Buffer.from(ours), Buffer.from(ref))).toBe(0);
      expect(samePixels(decodeLz4(ours, img.width, img.height).data, img, true)).toBe(true);
    });
  }
});

describe("encodeLz4 round trips", () => {
  it("framing: top_down, format, one big-endian length + block", () => {
    const img = randomImage(30, 20, 1);
    const s = encodeLz4(img, { topDown: false, format: "rgba" });
    expect([s[0], s[1]]).toEqual([0, 9]);
    const len = ((s[2] << 24) | (s[3] << 16) | (s[4] << 8) | s[5]) >>> 0;
    expect(len).toBe(s.length - 6);
    expect(encodeLz4(img)[0]).toBe(1);
    expect(encodeLz4(img)[1]).toBe(8);
  });

  it("RGBA keeps alpha; bottom-up, padded and unaligned inputs", () => {
    const img = randomImage(257, 33, 2, 900, 5);
    for (const [pad, shift] of [
      [0, 0],
      [8, 2],
      [3, 1],
    ]) {
      for (const topDown of [true, false]) {
        const s = encodeLz4(withStride(img, pad, shift), { topDown, format: "rgba" });
        const out = decodeLz4(s, img.width, img.height);
        expect(samePixels(out.data, img, true)).toBe(true);
      }
    }
  });

  it("blocks of any byte length and content decode exactly (odd lengths, misaligned matches)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 3000 }), fc.integer({ min: 1, max: 8 }), (bytes, period) => {
        // Mix random bytes with periodic repeats so matches at every alignment occur.
        const src = bytes.map((b, i) => (i % 7 < 4 && i >= period ? bytes[i - period] : b));
        const out = new Uint8Array(lz4CompressBound(src.length));
        const end = compressLz4Block(src, src.length, out, 0, new Int32Array(4096));
        const dst = new Uint8Array(src.length);
        expect(decodeLz4Block(out, 0, end, dst, 0, dst.length)).toBe(src.length);
        expect(Buffer.compare(Buffer.from(dst), Buffer.from(src))).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it("long matches at any distance and alignment: aligned and unaligned sources give the same block", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 255 })),
          { minLength: 1, maxLength: 30 },
        ),
        fc.integer({ min: 1, max: 7 }),
        (copies, shift) => {
          // Random bytes, then copies of earlier bytes (distance, length), each ending in one odd byte.
          const bytes: number[] = [];
          for (let i = 0; i < 64; i++) bytes.push((i * 151 + 7) & 255);
          for (const [distance, length, mark] of copies) {
            const from = Math.max(0, bytes.length - distance);
            for (let i = 0; i < length; i++) bytes.push(bytes[from + i]);
            bytes.push(mark);
          }
          const src = Uint8Array.from(bytes);
          const shifted = new Uint8Array(src.length + shift).subarray(shift);
          shifted.set(src);
          const compress = (s: Uint8Array): Uint8Array => {
            const out = new Uint8Array(lz4CompressBound(s.length));
            return out.subarray(0, compressLz4Block(s, s.length, out, 0, new Int32Array(4096)));
          };
          const block = compress(src);
          expect(compress(shifted)).toEqual(block);
          const dst = new Uint8Array(src.length);
          expect(decodeLz4Block(block, 0, block.length, dst, 0, dst.length)).toBe(src.length);
          expect(dst).toEqual(src);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("property: any image round trips and never throws", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.boolean(),
        (w, h, seed, colours, topDown) => {
          const img = randomImage(w, h, seed, colours, 4);
          const out = decodeLz4(encodeLz4(img, { topDown, format: "rgba" }), w, h);
          return samePixels(out.data, img, true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("long runs (255-extended lengths) and 64 KiB distance limit", () => {
    const img = randomImage(1000, 100, 9, 3000);
    const px = new Uint32Array(img.data.buffer);
    px.fill(0xff000000, 0, 20_000);
    px.copyWithin(60_000, 30_000, 31_000); // 120 KB back: beyond LZ4's window
    px.copyWithin(80_000, 70_000, 75_000);
    const out = decodeLz4(encodeLz4(img), 1000, 100);
    expect(samePixels(out.data, img, true)).toBe(true);
  });

  it("Lz4Encoder: same bytes as encodeLz4, a view reused by the next encode", () => {
    const enc = new Lz4Encoder();
    const a = randomImage(120, 50, 3, 40);
    const b = randomImage(30, 10, 4, 5);
    const first = enc.encode(a);
    expect(Buffer.compare(Buffer.from(first), Buffer.from(encodeLz4(a)))).toBe(0);
    const copy = first.slice();
    const second = enc.encode(b, { topDown: false });
    expect(second.buffer).toBe(first.buffer);
    expect(Buffer.compare(Buffer.from(second), Buffer.from(encodeLz4(b, { topDown: false })))).toBe(0);
    expect(Buffer.compare(Buffer.from(enc.encode(a)), Buffer.from(copy))).toBe(0);
  });
});
