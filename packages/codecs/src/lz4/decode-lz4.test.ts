import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import pngjs from "pngjs";
import { describe, expect, it } from "vitest";
import { CodecError } from "../errors.js";
import { BitmapFormat } from "../pixels.js";
import { decodeLz4 } from "./decode-lz4.js";
import { decodeLz4Block } from "./lz4-block.js";

const vectors = fileURLToPath(new URL("../../__fixtures__/vectors/", import.meta.url));

/** One LZ4 sequence: literals, then optionally a match (offset, length >= 4). */
interface Seq {
  lit: number[];
  offset?: number;
  len?: number;
}

function lengthBytes(extra: number): number[] {
  const out: number[] = [];
  while (extra >= 255) {
    out.push(255);
    extra -= 255;
  }
  out.push(extra);
  return out;
}

/** Builds a raw LZ4 block from sequences; the last one must have no match. */
function block(seqs: Seq[]): number[] {
  const out: number[] = [];
  for (const s of seqs) {
    const litN = s.lit.length;
    const ml = s.len === undefined ? 0 : s.len - 4;
    out.push((Math.min(litN, 15) << 4) | Math.min(ml, 15));
    if (litN >= 15) out.push(...lengthBytes(litN - 15));
    out.push(...s.lit);
    if (s.len !== undefined) {
      out.push(s.offset! & 255, s.offset! >> 8);
      if (ml >= 15) out.push(...lengthBytes(ml - 15));
    }
  }
  return out;
}

function frame(topDown: number, format: number, blocks: number[][]): Uint8Array {
  const out = [topDown, format];
  for (const b of blocks) out.push((b.length >>> 24) & 255, (b.length >>> 16) & 255, (b.length >>> 8) & 255, b.length & 255, ...b);
  return Uint8Array.from(out);
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof CodecError) return e.code;
    throw e;
  }
}

describe("decodeLz4 golden vectors (liblz4 + spice-server framing)", () => {
  for (const name of ["term_1280x800", "ui_1280x800", "photo_1280x800", "mixed_1920x1080", "uitile_256x256"]) {
    it(`${name} matches the PNG exactly on B, G, R`, () => {
      const [w, h] = name.split("_")[1].split("x").map(Number);
      const data = new Uint8Array(readFileSync(`${vectors}${name}.lz4`));
      const png = pngjs.PNG.sync.read(readFileSync(`${vectors}${name}.png`));
      const img = decodeLz4(data, w, h);
      expect(img.width).toBe(w);
      expect(img.height).toBe(h);
      expect(img.hasAlpha).toBe(false);
      expect(img.data.length).toBe(w * h * 4);
      let mismatches = 0;
      let alphaNot255 = 0;
      for (let i = 0; i < w * h * 4; i += 4) {
        if (img.data[i] !== png.data[i + 2] || img.data[i + 1] !== png.data[i + 1] || img.data[i + 2] !== png.data[i]) mismatches++;
        if (img.data[i + 3] !== 255) alphaNot255++;
      }
      expect(mismatches).toBe(0);
      expect(alphaNot255).toBe(0);
    });
  }

  it("decodes into a caller buffer, also a misaligned one", () => {
    const data = new Uint8Array(readFileSync(`${vectors}uitile_256x256.lz4`));
    const ref = decodeLz4(data, 256, 256);
    const big = new Uint8Array(256 * 256 * 4 + 8);
    const aligned = decodeLz4(data, 256, 256, big);
    expect(aligned.data.buffer).toBe(big.buffer);
    expect(Buffer.compare(aligned.data, ref.data)).toBe(0);
    const odd = decodeLz4(data, 256, 256, big.subarray(1));
    expect(odd.data.byteOffset).toBe(1);
    expect(Buffer.compare(odd.data, ref.data)).toBe(0);
  });
});

describe("decodeLz4 hand-built streams", () => {
  // 2x2 RGB32 pixels, bytes B G R X; X = 0 must come out as 255.
  const px = [1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 10, 11, 12, 0];

  it("RGB32 top-down, literals only", () => {
    const img = decodeLz4(frame(1, BitmapFormat.Rgb32, [block([{ lit: px }])]), 2, 2);
    expect([...img.data]).toEqual([1, 2, 3, 255, 4, 5, 6, 255, 7, 8, 9, 255, 10, 11, 12, 255]);
  });

  it("RGB32 bottom-up flips the rows", () => {
    const img = decodeLz4(frame(0, BitmapFormat.Rgb32, [block([{ lit: px }])]), 2, 2);
    expect([...img.data]).toEqual([7, 8, 9, 255, 10, 11, 12, 255, 1, 2, 3, 255, 4, 5, 6, 255]);
  });

  it("RGBA keeps alpha and reports hasAlpha", () => {
    const img = decodeLz4(frame(1, BitmapFormat.Rgba, [block([{ lit: [1, 2, 3, 4, 5, 6, 7, 8] }])]), 2, 1);
    expect([...img.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(img.hasAlpha).toBe(true);
  });

  it("RGB24 bottom-up", () => {
    const img = decodeLz4(frame(0, BitmapFormat.Rgb24, [block([{ lit: [1, 2, 3, 4, 5, 6] }])]), 1, 2);
    expect([...img.data]).toEqual([4, 5, 6, 255, 1, 2, 3, 255]);
  });

  it("RGB16 x1r5g5b5 little-endian, bit-replicated to 8 bits", () => {
    // 0x7fff white, 0x001f blue, 0x03e0 green, 0x7c00 red, 0x8421 (high bit set) = r1 g1 b1
    const lit = [0xff, 0x7f, 0x1f, 0x00, 0xe0, 0x03, 0x00, 0x7c, 0x21, 0x84];
    const img = decodeLz4(frame(1, BitmapFormat.Rgb16, [block([{ lit }])]), 5, 1);
    expect([...img.data]).toEqual([255, 255, 255, 255, 255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 8, 8, 8, 255]);
  });

  it("overlapping, long and far matches", () => {
    const w = 300;
    // 4-byte pixel, repeated by an offset-4 match over 299 pixels (long overlapping copy);
    // then a row copy at offset w*4 (non-overlapping native copy); then an offset-1 run.
    const row0 = [9, 8, 7, 6];
    const img = decodeLz4(
      frame(1, BitmapFormat.Rgba, [
        block([{ lit: row0, offset: 4, len: (w - 1) * 4 }, { lit: [], offset: w * 4, len: w * 4 }, { lit: [1], offset: 1, len: w * 4 - 2 }, { lit: [2] }]),
      ]),
      w,
      3,
    );
    for (let i = 0; i < w * 8; i += 4) expect([...img.data.subarray(i, i + 4)]).toEqual(row0);
    expect(img.data[w * 8]).toBe(1);
    expect(img.data.subarray(w * 8, w * 12 - 1).every((b) => b === 1)).toBe(true);
    expect(img.data[w * 12 - 1]).toBe(2);
  });

  it("X bytes that are not 255, reached by misaligned and aligned matches, come out as 255", () => {
    // Starts opaque (phase 1), a misaligned match puts 9 on X positions (switch to phase 2),
    // then an aligned match and a misaligned one read raw X values (9 and 255).
    const lit0 = [1, 2, 3, 255, 9, 9, 9];
    const img = decodeLz4(
      frame(1, BitmapFormat.Rgb32, [block([{ lit: lit0, offset: 1, len: 5 }, { lit: [], offset: 8, len: 8 }, { lit: [], offset: 13, len: 4 }, { lit: [5, 6, 7, 8] }])]),
      7,
      1,
    );

    const raw: number[] = [...lit0];
    for (let i = 0; i < 5; i++) raw.push(raw[raw.length - 1]);
    for (let i = 0; i < 8; i++) raw.push(raw[raw.length - 8]);
    for (let i = 0; i < 4; i++) raw.push(raw[raw.length - 13]);
    raw.push(5, 6, 7, 8);
    expect([...img.data]).toEqual(raw.map((v, i) => ((i & 3) === 3 ? 255 : v)));
  });

  it("later chunks reference the output of earlier chunks", () => {
    const b1 = block([{ lit: px.slice(0, 8) }]);
    const b2 = block([{ lit: [], offset: 8, len: 4 }, { lit: [7, 8, 9, 0] }]);
    const img = decodeLz4(frame(1, BitmapFormat.Rgb32, [b1, b2]), 2, 2);
    expect([...img.data]).toEqual([1, 2, 3, 255, 4, 5, 6, 255, 1, 2, 3, 255, 7, 8, 9, 255]);
  });

  it("extended literal lengths (>= 15 + 255)", () => {
    const lit = Array.from({ length: 4 * 100 }, (_, i) => i & 255);
    const img = decodeLz4(frame(1, BitmapFormat.Rgba, [block([{ lit }])]), 100, 1);
    expect([...img.data]).toEqual(lit);
  });

  it("rejects malformed streams with ERR_LZ4_CORRUPT", () => {
    const ok = block([{ lit: px }]);
    const cases: Array<[string, Uint8Array]> = [
      ["empty", new Uint8Array(0)],
      ["header only", Uint8Array.of(1, 8)],
      ["bad format", frame(1, 5, [ok])],
      ["truncated length", Uint8Array.of(1, 8, 0, 0)],
      ["length overruns", Uint8Array.of(1, 8, 0, 0, 0, 99, ...ok)],
      ["empty chunk", frame(1, 8, [[], ok])],
      ["zero-output chunk", frame(1, 8, [[0], ok])],
      ["short image", frame(1, 8, [block([{ lit: px.slice(0, 12) }])])],
      ["too long", frame(1, 8, [block([{ lit: [...px, 1] }])])],
      ["offset 0", frame(1, 8, [block([{ lit: [1, 2, 3, 4], offset: 0, len: 8 }, { lit: [1, 2, 3, 4] }])])],
      ["offset before start", frame(1, 8, [block([{ lit: [1, 2, 3, 4], offset: 5, len: 8 }, { lit: [1, 2, 3, 4] }])])],
      ["match overflows", frame(1, 8, [block([{ lit: [1, 2, 3, 4], offset: 4, len: 16 }, { lit: [1] }])])],
      ["ends after match", frame(1, 8, [block([{ lit: [1, 2, 3, 4], offset: 4, len: 12 }])])],
      ["truncated offset", frame(1, 8, [[0x40, 1, 2, 3, 4, 4]])],
    ];
    for (const [what, bytes] of cases) expect(codeOf(() => decodeLz4(bytes, 2, 2)), what).toBe("ERR_LZ4_CORRUPT");
    expect(codeOf(() => decodeLz4(frame(1, 8, [ok]), 0, 2))).toBe("ERR_IMAGE_TOO_LARGE");
    expect(codeOf(() => decodeLz4(frame(1, 8, [ok]), 1e6, 1e6))).toBe("ERR_IMAGE_TOO_LARGE");
  });

  it("decodeLz4Block honours dictStart", () => {
    const dst = new Uint8Array(16);
    dst.set([1, 2, 3, 4]);
    const b = Uint8Array.from(block([{ lit: [], offset: 4, len: 4 }, { lit: [5] }]));
    expect(decodeLz4Block(b, 0, b.length, dst, 4, 16, 0)).toBe(9);
    expect(codeOf(() => decodeLz4Block(b, 0, b.length, dst, 4, 16, 2))).toBe("ERR_LZ4_CORRUPT");
  });
});

/** Greedy LZ4 block encoder for tests (hash of 4 bytes, any offset, optional chunking). */
function encodeLz4(raw: Uint8Array, chunk: number): number[][] {
  const blocks: number[][] = [];
  const table = new Map<number, number>();
  for (let c = 0; c < raw.length; c += chunk) {
    const end = Math.min(raw.length, c + chunk);
    const seqs: Seq[] = [];
    let lit: number[] = [];
    let i = c;
    while (i < end) {
      if (i + 4 <= end) {
        const key = raw[i] | (raw[i + 1] << 8) | (raw[i + 2] << 16) | (raw[i + 3] << 24);
        const cand = table.get(key);
        table.set(key, i);
        if (cand !== undefined && i - cand <= 65535 && i + 5 < end) {
          let len = 0;
          while (i + len < end - 1 && raw[cand + len] === raw[i + len]) len++;
          if (len >= 4) {
            seqs.push({ lit, offset: i - cand, len });
            lit = [];
            i += len;
            continue;
          }
        }
      }
      lit.push(raw[i++]);
    }
    if (lit.length === 0) {
      // A block must end with literals: give back the last byte of the previous match.
      const last = seqs[seqs.length - 1];
      last.len! -= 1;
      lit = [raw[end - 1]];
      if (last.len! < 4) throw new Error("encoder test helper: match too short");
    }
    seqs.push({ lit });
    blocks.push(block(seqs));
  }
  return blocks;
}

describe("decodeLz4 round trip against a test encoder", () => {
  it("random BGRX images with any X values, chunked, both row orders", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(0, 1),
        fc.constantFrom(8, 9),
        fc.integer({ min: 16, max: 400 }),
        fc.constantFrom([255], [0], [0, 255], [0, 1, 2], [255, 255, 255, 7]),
        fc.integer(),
        (w, h, td, fmt, chunk, palette, seed) => {
          let x = seed | 1;
          const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) | 0) >>> 16) % palette.length;
          const raw = new Uint8Array(w * h * 4);
          for (let i = 0; i < raw.length; i++) raw[i] = palette[rnd()];
          const img = decodeLz4(frame(td, fmt, encodeLz4(raw, Math.max(chunk, 8))), w, h);
          for (let y = 0; y < h; y++) {
            const s = (td ? y : h - 1 - y) * w * 4;
            for (let i = 0; i < w * 4; i++) {
              const want = fmt === 8 && (i & 3) === 3 ? 255 : raw[s + i];
              if (img.data[y * w * 4 + i] !== want) throw new Error(`pixel byte ${y},${i}: ${img.data[y * w * 4 + i]} != ${want}`);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("decodeLz4 properties", () => {
  const term = new Uint8Array(readFileSync(`${vectors}uitile_256x256.lz4`));

  it("random input only ever throws CodecError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), (bytes, w, h) => {
        codeOf(() => decodeLz4(bytes, w, h));
      }),
      { numRuns: 500 },
    );
  });

  it("random input behind a valid header only ever throws CodecError", () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1), fc.constantFrom(6, 7, 8, 9), fc.uint8Array({ maxLength: 300 }), (td, fmt, body) => {
        const bytes = Uint8Array.from([td, fmt, 0, 0, (body.length >> 8) & 255, body.length & 255, ...body]);
        codeOf(() => decodeLz4(bytes, 8, 8));
      }),
      { numRuns: 500 },
    );
  });

  it("truncated and bit-flipped real streams only ever throw CodecError", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: term.length }), fc.integer({ min: 0, max: term.length - 1 }), fc.integer({ min: 0, max: 255 }), (cut, pos, val) => {
        expect(codeOf(() => decodeLz4(term.subarray(0, cut), 256, 256))).toBe(cut === term.length ? undefined : "ERR_LZ4_CORRUPT");
        const flipped = term.slice();
        flipped[pos] = val;
        codeOf(() => decodeLz4(flipped, 256, 256));
      }),
      { numRuns: 100 },
    );
  });
});
