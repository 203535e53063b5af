import { describe, expect, it } from "vitest";
import { Ropd } from "./draw-types.js";
import { Rop, applyRop, copyRopRow, ropFromDescriptor, solidRopRow } from "./rop.js";

const S = 0x00ff00ff;
const D = 0x0f0f0f0f;
const u = (v: number): number => v >>> 0;

describe("ropFromDescriptor", () => {
  it("matches spice-common's table for each OP and invert combination", () => {
    const cases: [number, number][] = [
      [Ropd.OpPut, Rop.Copy],
      [Ropd.OpPut | Ropd.InversSrc, Rop.CopyInverted],
      [Ropd.OpPut | Ropd.InversSrc | Ropd.InversRes, Rop.Copy],
      [Ropd.OpPut | Ropd.InversRes, Rop.CopyInverted],
      [Ropd.OpOr, Rop.Or],
      [Ropd.OpOr | Ropd.InversRes, Rop.Nor],
      [Ropd.OpOr | Ropd.InversRes | Ropd.InversSrc, Rop.AndReverse],
      [Ropd.OpOr | Ropd.InversRes | Ropd.InversDest, Rop.AndInverted],
      [Ropd.OpOr | Ropd.InversRes | Ropd.InversSrc | Ropd.InversDest, Rop.And],
      [Ropd.OpOr | Ropd.InversSrc, Rop.OrInverted],
      [Ropd.OpOr | Ropd.InversDest, Rop.OrReverse],
      [Ropd.OpOr | Ropd.InversSrc | Ropd.InversDest, Rop.Nand],
      [Ropd.OpAnd, Rop.And],
      [Ropd.OpAnd | Ropd.InversRes, Rop.Nand],
      [Ropd.OpAnd | Ropd.InversSrc, Rop.AndInverted],
      [Ropd.OpAnd | Ropd.InversDest, Rop.AndReverse],
      [Ropd.OpAnd | Ropd.InversSrc | Ropd.InversDest, Rop.Nor],
      [Ropd.OpAnd | Ropd.InversRes | Ropd.InversSrc, Rop.OrReverse],
      [Ropd.OpAnd | Ropd.InversRes | Ropd.InversDest, Rop.OrInverted],
      [Ropd.OpAnd | Ropd.InversRes | Ropd.InversSrc | Ropd.InversDest, Rop.Or],
      [Ropd.OpXor, Rop.Xor],
      [Ropd.OpXor | Ropd.InversRes, Rop.Equiv],
      [Ropd.OpXor | Ropd.InversSrc, Rop.Equiv],
      [Ropd.OpXor | Ropd.InversDest, Rop.Equiv],
      [Ropd.OpXor | Ropd.InversSrc | Ropd.InversDest, Rop.Xor],
      [Ropd.OpXor | Ropd.InversRes | Ropd.InversSrc, Rop.Xor],
      [Ropd.OpXor | Ropd.InversRes | Ropd.InversSrc | Ropd.InversDest, Rop.Equiv],
      [Ropd.OpBlackness, Rop.Clear],
      [Ropd.OpBlackness | Ropd.InversRes, Rop.Clear],
      [Ropd.OpWhiteness, Rop.Set],
      [Ropd.OpInvers, Rop.Invert],
      [Ropd.OpInvers | Ropd.InversRes, Rop.Invert],
      [0, Rop.Copy],
    ];
    for (const [desc, rop] of cases) expect(ropFromDescriptor(desc, "src"), `desc ${desc}`).toBe(rop);
  });

  it("takes the source invert bit from the named input", () => {
    expect(ropFromDescriptor(Ropd.OpPut | Ropd.InversBrush, "brush")).toBe(Rop.CopyInverted);
    expect(ropFromDescriptor(Ropd.OpPut | Ropd.InversSrc, "brush")).toBe(Rop.Copy);
    expect(ropFromDescriptor(Ropd.OpPut | Ropd.InversBrush, "src")).toBe(Rop.Copy);
    // DRAW_OPAQUE: the brush is the source and the image underneath is the dest.
    expect(ropFromDescriptor(Ropd.OpAnd | Ropd.InversSrc, "brush", "src")).toBe(Rop.AndReverse);
    expect(ropFromDescriptor(Ropd.OpAnd | Ropd.InversDest, "brush", "src")).toBe(Rop.And);
  });

  it("prefers PUT > OR > AND > XOR when several OP bits are set", () => {
    expect(ropFromDescriptor(Ropd.OpPut | Ropd.OpXor, "src")).toBe(Rop.Copy);
    expect(ropFromDescriptor(Ropd.OpOr | Ropd.OpAnd, "src")).toBe(Rop.Or);
    expect(ropFromDescriptor(Ropd.OpXor | Ropd.OpBlackness, "src")).toBe(Rop.Xor);
  });
});

describe("rop rows", () => {
  const expected = (op: number, s: number, d: number): number => {
    const table: Record<number, number> = {
      0: 0,
      1: s & d,
      2: s & ~d,
      3: s,
      4: ~s & d,
      5: d,
      6: s ^ d,
      7: s | d,
      8: ~(s | d),
      9: ~(s ^ d),
      10: ~d,
      11: s | ~d,
      12: ~s,
      13: ~s | d,
      14: ~(s & d),
      15: -1,
    };
    return u(table[op]);
  };

  it("applyRop, solidRopRow and copyRopRow agree with the 16 logical ops", () => {
    for (let op = 0; op < 16; op++) {
      expect(applyRop(op, S, D), `op ${op}`).toBe(expected(op, S, D));
      const row = new Uint32Array([1, D, D, 2]);
      solidRopRow(row, 1, 3, S, op);
      expect([...row], `solid op ${op}`).toEqual([1, expected(op, S, D), expected(op, S, D), 2]);
      const dst = new Uint32Array([1, D, D, 2]);
      copyRopRow(dst, 1, new Uint32Array([9, S, S]), 1, 2, op);
      expect([...dst], `copy op ${op}`).toEqual([1, expected(op, S, D), expected(op, S, D), 2]);
      const bytes = new Uint8Array([1, 0x0f, 2]);
      solidRopRow(bytes, 1, 2, 0xff, op);
      expect(bytes[1], `byte op ${op}`).toBe(expected(op, 0xff, 0x0f) & 0xff);
    }
  });
});
