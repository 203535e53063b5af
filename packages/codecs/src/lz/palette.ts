import { streamError } from "./lz-errors.js";
import { LzImageType } from "./lz-image-type.js";

/**
 * Palette lookup for a palette image type: entry i is the opaque BGRA word of index i. Palette
 * entries are 0x00RRGGBB (§5.1). Indices past the palette wrap modulo its length, as spice-common
 * does for the 4-bit types; PLT1 uses entries 0 (clear bit) and 1 (set bit).
 */
export function paletteLut(type: number, palette: Uint32Array | undefined, code: "ERR_LZ_CORRUPT" | "ERR_GLZ_CORRUPT"): Uint32Array {
  if (!palette || palette.length === 0) throw streamError(code, "palette image without a palette");
  const n = type === LzImageType.Plt8 ? 256 : type === LzImageType.Plt1Le || type === LzImageType.Plt1Be ? 2 : 16;
  const lut = new Uint32Array(n);
  for (let i = 0; i < n; i++) lut[i] = (0xff000000 | (palette[i % palette.length] & 0xffffff)) >>> 0;
  return lut;
}

/**
 * Expands one row of packed palette indices (`row` bytes starting at `src[s]`) into `width`
 * BGRA words at `out[d]`. Nibble and bit order follow the _LE/_BE suffix (BE = high first).
 */
export function expandPaletteRow(type: number, lut: Uint32Array, src: Uint8Array, s: number, out: Uint32Array, d: number, width: number): void {
  switch (type) {
    case LzImageType.Plt8:
      for (let x = 0; x < width; x++) out[d + x] = lut[src[s + x]];
      return;
    case LzImageType.Plt4Le:
      for (let x = 0; x < width; x++) {
        const b = src[s + (x >> 1)];
        out[d + x] = lut[x & 1 ? b >> 4 : b & 15];
      }
      return;
    case LzImageType.Plt4Be:
      for (let x = 0; x < width; x++) {
        const b = src[s + (x >> 1)];
        out[d + x] = lut[x & 1 ? b & 15 : b >> 4];
      }
      return;
    case LzImageType.Plt1Le:
      for (let x = 0; x < width; x++) out[d + x] = lut[(src[s + (x >> 3)] >> (x & 7)) & 1];
      return;
    case LzImageType.Plt1Be:
      for (let x = 0; x < width; x++) out[d + x] = lut[(src[s + (x >> 3)] >> (7 - (x & 7))) & 1];
      return;
    default:
      throw new Error(`not a palette type: ${type}`);
  }
}
