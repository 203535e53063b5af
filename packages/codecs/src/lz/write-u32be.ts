/** Writes a big-endian u32 at `p` (LZ and GLZ header fields are big-endian). */
export function writeU32be(out: Uint8Array, p: number, v: number): void {
  out[p] = v >>> 24;
  out[p + 1] = v >>> 16;
  out[p + 2] = v >>> 8;
  out[p + 3] = v;
}
