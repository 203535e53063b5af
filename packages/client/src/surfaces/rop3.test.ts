import { describe, expect, it } from "vitest";
import { Rop3, rop3Bit } from "./rop3.js";

describe("Rop3", () => {
  it("evaluates every one of the 256 codes bit by bit", () => {
    const p = 0xf0f0f0f0 | 0;
    const s = 0xcccccccc | 0;
    const d = 0xaaaaaaaa | 0;
    for (let code = 0; code < 256; code++) {
      const dst = new Uint32Array([d]);
      new Rop3(code).row(dst, 0, new Uint32Array([s]), 0, 1, null, 0, p);
      // With P=F0, S=CC, D=AA the result byte is the code itself (the definition of rop3 codes).
      expect(dst[0], `code ${code}`).toBe((code * 0x01010101) >>> 0);
    }
  });

  it("matches the reference on random words, with a pattern row", () => {
    let seed = 12345;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let code = 0; code < 256; code += 7) {
      const pat = new Uint32Array([rnd(), rnd()]);
      const src = new Uint32Array([rnd(), rnd()]);
      const dst = new Uint32Array([rnd(), rnd()]);
      const before = dst.slice();
      new Rop3(code).row(dst, 0, src, 0, 2, pat, 0, 0);
      for (let k = 0; k < 2; k++) {
        let want = 0;
        for (let bit = 0; bit < 32; bit++) {
          want |= rop3Bit(code, (pat[k] >>> bit) & 1, (src[k] >>> bit) & 1, (before[k] >>> bit) & 1) << bit;
        }
        expect(dst[k]).toBe(want >>> 0);
      }
    }
  });

  it("knows the classic codes", () => {
    const run = (code: number): number => {
      const dst = new Uint32Array([0x0000ffff]);
      new Rop3(code).row(dst, 0, new Uint32Array([0x00ff00ff]), 0, 1, null, 0, 0xff00ff00 | 0);
      return dst[0];
    };
    expect(run(0xcc)).toBe(0x00ff00ff); // SRCCOPY
    expect(run(0xf0)).toBe(0xff00ff00); // PATCOPY
    expect(run(0x66)).toBe(0x00ffff00); // SRCINVERT
    expect(run(0x5a)).toBe(0xff0000ff); // PATINVERT
    expect(run(0x00)).toBe(0); // BLACKNESS
    expect(run(0xff)).toBe(0xffffffff); // WHITENESS
    expect(run(0xaa)).toBe(0x0000ffff); // D
  });
});
