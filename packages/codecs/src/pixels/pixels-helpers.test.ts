import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALPHA_MASK, packBgra } from "./byte-order.js";
import { expand5, rgb555Table, rgb555ToBgraWord } from "./rgb555.js";
import { flipRows, setOpaque } from "./row-ops.js";
import { bgraToRgba, rgbaToBgra, swapRedBlue } from "./swizzle.js";

function bytesOfWord(w: number): number[] {
  return [...new Uint8Array(Uint32Array.of(w).buffer)];
}

describe("pixel helpers", () => {
  it("packBgra and ALPHA_MASK are in memory byte order", () => {
    expect(bytesOfWord(packBgra(1, 2, 3, 4))).toEqual([1, 2, 3, 4]);
    expect(bytesOfWord(ALPHA_MASK)).toEqual([0, 0, 0, 255]);
  });

  it("swapRedBlue: aligned word path equals misaligned byte path, in place and copying", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), (raw) => {
        const n = raw.length & ~3;
        const want: number[] = [];
        for (let i = 0; i < n; i += 4) want.push(raw[i + 2], raw[i + 1], raw[i], raw[i + 3]);
        expect([...bgraToRgba(raw.slice(0, n))].slice(0, n)).toEqual(want);
        const odd = new Uint8Array(n + 1).subarray(1);
        odd.set(raw.subarray(0, n));
        expect([...rgbaToBgra(odd, new Uint8Array(n))]).toEqual(want);
        const inPlace = raw.slice(0, n);
        expect(swapRedBlue(swapRedBlue(inPlace))).toEqual(raw.slice(0, n));
      }),
    );
  });

  it("5-bit expansion is bit replication (canvas_16bpp_to_32bpp)", () => {
    expect([0, 1, 15, 16, 30, 31].map(expand5)).toEqual([0, 8, 123, 132, 247, 255]);
    expect(bytesOfWord(rgb555ToBgraWord(0x7c00 | (1 << 5) | 31 | 0x8000))).toEqual([255, 8, 255, 255]);
    const t = rgb555Table();
    for (let p = 0; p < 32768; p += 257) expect(t[p]).toBe(rgb555ToBgraWord(p));
  });

  it("flipRows and setOpaque", () => {
    const d = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    flipRows(d, 4, 3);
    expect([...d]).toEqual([9, 10, 11, 12, 5, 6, 7, 8, 1, 2, 3, 4]);
    flipRows(d, 6, 2);
    expect([...d]).toEqual([7, 8, 1, 2, 3, 4, 9, 10, 11, 12, 5, 6]);
    setOpaque(d);
    expect([...d]).toEqual([7, 8, 1, 255, 3, 4, 9, 255, 11, 12, 5, 255]);
    const odd = new Uint8Array(9).subarray(1);
    setOpaque(odd);
    expect([...odd]).toEqual([0, 0, 0, 255, 0, 0, 0, 255]);
  });
});
