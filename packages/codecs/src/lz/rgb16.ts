/**
 * x1r5g5b5 → opaque BGRA word lookup, indexed by the 15 low bits of the big-endian coded pixel
 * (§6.2: RGB16 literals are 2 bytes, high byte first). Each 5-bit channel expands to 8 bits as
 * (c << 3) | (c >> 2), which is what spice-common produces for RGB16 → RGB32.
 */
let lut: Uint32Array | undefined;

export function rgb16Lut(): Uint32Array {
  if (lut) return lut;
  const t = new Uint32Array(32768);
  for (let v = 0; v < 32768; v++) {
    const r = (v >> 10) & 31;
    const g = (v >> 5) & 31;
    const b = v & 31;
    t[v] = (0xff000000 | (((r << 3) | (r >> 2)) << 16) | (((g << 3) | (g >> 2)) << 8) | ((b << 3) | (b >> 2))) >>> 0;
  }
  lut = t;
  return t;
}
