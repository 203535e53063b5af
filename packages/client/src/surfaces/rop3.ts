/**
 * Generic evaluator for the 256 Windows ternary raster operations. Bit (p << 2 | s << 1 | d)
 * of the code is the result for pattern bit p, source bit s and dest bit d (P = 0xF0,
 * S = 0xCC, D = 0xAA).
 *
 * For each of the four (p, s) combinations the result is one of 0, d, ~d, 1, i.e.
 * (d & a) ^ b with a, b in {0, -1}; the evaluator selects among the four with p and s masks.
 */
export class Rop3 {
  readonly a: Int32Array = new Int32Array(4);
  readonly b: Int32Array = new Int32Array(4);

  constructor(readonly code: number) {
    for (let ps = 0; ps < 4; ps++) {
      const g0 = (code >> (ps << 1)) & 1;
      const g1 = (code >> ((ps << 1) | 1)) & 1;
      this.a[ps] = g0 !== g1 ? -1 : 0;
      this.b[ps] = g0 ? -1 : 0;
    }
  }

  /** dst[di+k] = rop(pat[pi+k] or patColor, src[si+k], dst[di+k]) for k in [0, n). */
  row(dst: Uint32Array, di: number, src: Uint32Array, si: number, n: number, pat: Uint32Array | null, pi: number, patColor: number): void {
    const [a0, a1, a2, a3] = this.a;
    const [b0, b1, b2, b3] = this.b;
    for (let k = 0; k < n; k++) {
      const p = pat ? pat[pi + k] : patColor;
      const s = src[si + k];
      const d = dst[di + k];
      dst[di + k] =
        (~p & ~s & ((d & a0) ^ b0)) | (~p & s & ((d & a1) ^ b1)) | (p & ~s & ((d & a2) ^ b2)) | (p & s & ((d & a3) ^ b3));
    }
  }
}

/** Reference single-bit evaluation, used by tests. */
export function rop3Bit(code: number, p: number, s: number, d: number): number {
  return (code >> ((p << 2) | (s << 1) | d)) & 1;
}
