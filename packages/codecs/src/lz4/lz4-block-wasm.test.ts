import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pngAsBgrx, randomImage, withStride } from "../lz/__fixtures__/encoder-inputs.js";
import { readVector, VECTORS } from "../lz/__fixtures__/test-images.js";
import { compressLz4Block, lz4CompressBound } from "./lz4-block-encoder.js";
import { Lz4WasmCompressor } from "./lz4-block-wasm.js";
import { encodeLz4, Lz4Encoder } from "./lz4-encoder.js";

/** The block of the JS compressor. */
function jsBlock(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(lz4CompressBound(src.length));
  return out.subarray(0, compressLz4Block(src, src.length, out, 0, new Int32Array(4096)));
}

/** The offsets of a block's matches, in order. */
function matchOffsets(block: Uint8Array): number[] {
  const offsets: number[] = [];
  let p = 0;
  const length = (n: number): number => {
    if (n === 15) for (let b = 255; b === 255; n += b) b = block[p++];
    return n;
  };
  while (p < block.length) {
    const token = block[p++];
    const literals = length(token >> 4); // (before p +=: length() moves p)
    p += literals;
    if (p >= block.length) break;
    offsets.push(block[p] | (block[p + 1] << 8));
    p += 2;
    length(token & 15);
  }
  return offsets;
}

/** The block of the wasm compressor (a copy), after `head` header bytes. */
function wasmBlock(c: Lz4WasmCompressor, src: Uint8Array, head = 0): Uint8Array {
  const input = c.input(src.length, head)!;
  input.set(src);
  return c.compress(src.length, head).slice(head);
}

describe("Lz4WasmCompressor: the same blocks as compressLz4Block", () => {
  const wasm = Lz4WasmCompressor.create()!;

  it("is available in Node", () => {
    expect(wasm).not.toBeNull();
    expect(new Lz4Encoder().usesWasm).toBe(true);
    expect(new Lz4Encoder({ wasm: false }).usesWasm).toBe(false);
  });

  it("golden vectors: the JS path (wasm: false) also gives liblz4's stream", () => {
    const enc = new Lz4Encoder({ wasm: false });
    for (const name of VECTORS) {
      const ref = readVector(`${name}.lz4`);
      expect(Buffer.compare(Buffer.from(enc.encode(pngAsBgrx(name))), Buffer.from(ref)), name).toBe(0);
    }
  });

  it("every length 0..64 and periodic inputs, one compressor reused (the table is reset per block)", () => {
    for (let n = 0; n <= 64; n++) {
      for (const period of [1, 3, 4, 100]) {
        const src = Uint8Array.from({ length: n }, (_, i) => ((i % period) * 37 + (i % 5 === 4 ? i : 0)) & 255);
        expect(wasmBlock(wasm, src, n & 7), `n=${n} period=${period}`).toEqual(jsBlock(src));
      }
    }
  });

  it("property: random and repetitive bytes of any length give the JS block", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 5000 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 8 }), (bytes, period, head) => {
        const src = bytes.map((b, i) => (i % 7 < 4 && i >= period ? bytes[i - period] : b));
        expect(wasmBlock(wasm, src, head)).toEqual(jsBlock(src));
      }),
      { numRuns: 300 },
    );
  });

  it("property: long copies at any distance (past 64 KiB too), long runs and literal stretches give the JS block", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 80_000 }), fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 300 })), {
          minLength: 1,
          maxLength: 25,
        }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (copies, seed) => {
          // Noise, then per step: a copy of earlier bytes (distance, length), then that many fresh bytes.
          let x = seed | 1;
          const noise = (): number => ((x = (Math.imul(x, 1103515245) + 12345) | 0) >>> 16) & 255;
          const bytes: number[] = [];
          for (let i = 0; i < 300; i++) bytes.push(noise());
          for (const [distance, length, fresh] of copies) {
            const from = Math.max(0, bytes.length - distance);
            for (let i = 0; i < length; i++) bytes.push(bytes[from + i]);
            for (let i = 0; i < fresh; i++) bytes.push(noise());
          }
          const src = Uint8Array.from(bytes);
          expect(wasmBlock(wasm, src)).toEqual(jsBlock(src));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("the 65535-byte window: a match right at the limit is taken, one byte further is not", () => {
    // [20 odd bytes K][zeros][K again at `distance`][noise]: the zeros are one match of distance 1,
    // then the second K is tried at once against the first (hash table entry of position 0).
    for (const distance of [65534, 65535, 65536]) {
      const src = new Uint8Array(distance + 60);
      for (let i = 0; i < 20; i++) src[i] = src[distance + i] = 1 + ((i * 53) & 127);
      for (let i = distance + 20; i < src.length; i++) src[i] = (i * 7919) >>> 3;
      const block = jsBlock(src);
      expect(matchOffsets(block).includes(distance), `distance ${distance}`).toBe(distance <= 65535);
      expect(wasmBlock(wasm, src), `distance ${distance}`).toEqual(block);
    }
  });

  it("one encoder across growing and shrinking images: the memory grows, every stream stays right", () => {
    const enc = new Lz4Encoder();
    const small = randomImage(40, 30, 1, 50);
    const big = randomImage(1500, 900, 2, 2000, 3); // ~5.4 MB: the wasm memory grows
    const first = enc.encode(small).slice();
    const grown = enc.encode(big);
    expect(Buffer.compare(Buffer.from(grown), Buffer.from(new Lz4Encoder({ wasm: false }).encode(big)))).toBe(0);
    expect(enc.encode(small)).toEqual(first);
    for (const [pad, shift] of [
      [12, 1],
      [4, 0],
    ]) {
      for (const topDown of [true, false]) {
        const img = withStride(small, pad, shift);
        expect(enc.encode(img, { topDown, format: "rgba" })).toEqual(new Lz4Encoder({ wasm: false }).encode(img, { topDown, format: "rgba" }));
      }
    }
  });

  it("bad images are a RangeError on both paths", () => {
    for (const enc of [new Lz4Encoder(), new Lz4Encoder({ wasm: false })]) {
      expect(() => enc.encode({ width: 0, height: 1, data: new Uint8Array(0) })).toThrow(RangeError);
      expect(() => enc.encode({ width: 4, height: 4, data: new Uint8Array(60) })).toThrow(RangeError);
      expect(() => enc.encode({ width: 4, height: 4, data: new Uint8Array(64), stride: 8 })).toThrow(RangeError);
    }
    expect(encodeLz4({ width: 1, height: 1, data: new Uint8Array(4) }).length).toBe(6 + 5);
  });

  it("without WebAssembly, Lz4Encoder falls back to the JS compressor", () => {
    const saved = globalThis.WebAssembly;
    let enc: Lz4Encoder;
    try {
      (globalThis as { WebAssembly?: unknown }).WebAssembly = undefined;
      enc = new Lz4Encoder();
    } finally {
      globalThis.WebAssembly = saved;
    }
    expect(enc.usesWasm).toBe(false);
    const img = randomImage(64, 20, 5, 30);
    expect(enc.encode(img)).toEqual(new Lz4Encoder().encode(img));
  });
});
