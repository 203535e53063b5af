import { Ropd } from "./draw-types.js";

/**
 * Two-input logical ops with X11 GX numbering (the same values as spice-common's SpiceROP):
 * bit ((1 - s) << 1 | (1 - d)) of the code is the result for source bit s and dest bit d.
 */
export const Rop = {
  Clear: 0,
  And: 1,
  AndReverse: 2,
  Copy: 3,
  AndInverted: 4,
  Noop: 5,
  Xor: 6,
  Or: 7,
  Nor: 8,
  Equiv: 9,
  Invert: 10,
  OrReverse: 11,
  CopyInverted: 12,
  OrInverted: 13,
  Nand: 14,
  Set: 15,
} as const;
export type Rop = number;

/** Which operand of the draw op plays "source" and which "dest" for the descriptor's invert bits. */
export type RopInput = "src" | "brush" | "dest";

const INVERT_BIT: Record<RopInput, number> = {
  src: Ropd.InversSrc,
  brush: Ropd.InversBrush,
  dest: Ropd.InversDest,
};

/**
 * Maps a SPICE rop descriptor onto a logical op on (source, dest), as canvas_base.c does:
 * the invert bit of `srcInput` inverts the source, that of `destInput` the dest; the first
 * OP_* bit in the order PUT, OR, AND, XOR, BLACKNESS, WHITENESS, INVERS wins; no OP bit = copy.
 */
export function ropFromDescriptor(desc: number, srcInput: RopInput, destInput: RopInput = "dest"): Rop {
  let base: (s: number, d: number) => number;
  if (desc & Ropd.OpPut) base = (s) => s;
  else if (desc & Ropd.OpOr) base = (s, d) => s | d;
  else if (desc & Ropd.OpAnd) base = (s, d) => s & d;
  else if (desc & Ropd.OpXor) base = (s, d) => s ^ d;
  else if (desc & Ropd.OpBlackness) return Rop.Clear;
  else if (desc & Ropd.OpWhiteness) return Rop.Set;
  else if (desc & Ropd.OpInvers) return Rop.Invert;
  else return Rop.Copy;
  const invS = desc & INVERT_BIT[srcInput] ? 1 : 0;
  const invD = desc & INVERT_BIT[destInput] ? 1 : 0;
  const invR = desc & Ropd.InversRes ? 1 : 0;
  let code = 0;
  for (let s = 0; s <= 1; s++) {
    for (let d = 0; d <= 1; d++) {
      const r = base(s ^ invS, d ^ invD) ^ invR;
      if (r) code |= 1 << (((1 - s) << 1) | (1 - d));
    }
  }
  return code;
}

/** Applies a logical op to 32-bit words (bitwise on every bit). */
export function applyRop(op: Rop, s: number, d: number): number {
  let r = 0;
  if (op & 1) r |= s & d;
  if (op & 2) r |= s & ~d;
  if (op & 4) r |= ~s & d;
  if (op & 8) r |= ~s & ~d;
  return r >>> 0;
}

/**
 * Applies `op` with a constant source to dst[i0..i1). With the source fixed every bit of the
 * result is 0, 1, d or ~d, so the whole op reduces to (d & a) ^ b.
 */
export function solidRopRow(dst: Uint32Array | Uint8Array, i0: number, i1: number, color: number, op: Rop): void {
  if (op === Rop.Noop) return;
  const all = dst instanceof Uint8Array ? 0xff : 0xffffffff;
  const b = applyRop(op, color, 0) & all;
  const a = (b ^ applyRop(op, color, 0xffffffff)) & all;
  if (a === 0) {
    dst.fill(b, i0, i1);
    return;
  }
  for (let i = i0; i < i1; i++) dst[i] = (dst[i] & a) ^ b;
}

/** Applies `op` from src[si..] onto dst[di..di+n). Overlap must be handled by the caller. */
export function copyRopRow(dst: Uint32Array | Uint8Array, di: number, src: Uint32Array | Uint8Array, si: number, n: number, op: Rop): void {
  switch (op) {
    case Rop.Copy:
      dst.set(src.subarray(si, si + n), di);
      return;
    case Rop.Noop:
      return;
    case Rop.Clear:
    case Rop.Set:
    case Rop.Invert:
      solidRopRow(dst, di, di + n, 0, op);
      return;
    case Rop.Xor:
      for (let k = 0; k < n; k++) dst[di + k] ^= src[si + k];
      return;
    case Rop.Or:
      for (let k = 0; k < n; k++) dst[di + k] |= src[si + k];
      return;
    case Rop.And:
      for (let k = 0; k < n; k++) dst[di + k] &= src[si + k];
      return;
  }
  const m0 = op & 1 ? -1 : 0;
  const m1 = op & 2 ? -1 : 0;
  const m2 = op & 4 ? -1 : 0;
  const m3 = op & 8 ? -1 : 0;
  for (let k = 0; k < n; k++) {
    const s = src[si + k];
    const d = dst[di + k];
    dst[di + k] = (s & d & m0) | (s & ~d & m1) | (~s & d & m2) | (~s & ~d & m3);
  }
}
