import { CodecError } from "../errors.js";
import { BitmapFormat } from "../pixels.js";
import { packBgra, u32View } from "./byte-order.js";
import { setOpaque } from "./row-ops.js";
import { rgb555Table } from "./rgb555.js";

/** Bits per pixel of each SPICE bitmap format; 0 for unknown formats. */
export function bitsPerPixel(format: number): number {
  switch (format) {
    case BitmapFormat.OneBitLE:
    case BitmapFormat.OneBitBE:
      return 1;
    case BitmapFormat.FourBitLE:
    case BitmapFormat.FourBitBE:
      return 4;
    case BitmapFormat.EightBit:
    case BitmapFormat.EightBitA:
      return 8;
    case BitmapFormat.Rgb16:
      return 16;
    case BitmapFormat.Rgb24:
      return 24;
    case BitmapFormat.Rgb32:
    case BitmapFormat.Rgba:
      return 32;
    default:
      return 0;
  }
}

/** Bytes that one row of `width` pixels occupies in `format` (no padding). */
export function minRowBytes(format: number, width: number): number {
  return Math.ceil((width * bitsPerPixel(format)) / 8);
}

export function isPaletteFormat(format: number): boolean {
  return format >= BitmapFormat.OneBitLE && format <= BitmapFormat.EightBit;
}

/**
 * Palette of xRGB entries (0x00RRGGBB, B in the low byte) to a table of `size` host-order
 * BGRA words with alpha 255. Entries the palette lacks read as opaque black.
 */
export function paletteToWords(palette: Uint32Array, size: number): Uint32Array {
  const t = new Uint32Array(size).fill(packBgra(0, 0, 0, 255));
  const n = Math.min(size, palette.length);
  for (let i = 0; i < n; i++) {
    const e = palette[i];
    t[i] = packBgra(e & 0xff, (e >>> 8) & 0xff, (e >>> 16) & 0xff, 255);
  }
  return t;
}

let alphaOnly: Uint32Array | undefined;
function alphaOnlyTable(): Uint32Array {
  if (!alphaOnly) {
    alphaOnly = new Uint32Array(256);
    for (let a = 0; a < 256; a++) alphaOnly[a] = packBgra(0, 0, 0, a);
  }
  return alphaOnly;
}

/** Where the source rows are: row r starts at `offset + r * stride` of `data`. */
export interface SourceRows {
  format: number;
  width: number;
  height: number;
  data: Uint8Array;
  offset: number;
  stride: number;
  /** First source row is the top display row. Otherwise it is the bottom one. */
  topDown: boolean;
  /** xRGB entries, required by the palette formats. */
  palette?: Uint32Array | undefined;
}

/**
 * Converts packed rows in any SPICE bitmap format to top-down, tightly packed BGRA in `dst`
 * (width * height * 4 bytes). The caller has checked dimensions, stride and data length.
 * 8BIT_A gives B = G = R = 0 and A = the value.
 */
export function convertRows(src: SourceRows, dst: Uint8Array): void {
  const { format, width, height, data, offset, stride, topDown } = src;
  const dstStride = width * 4;
  if (format === BitmapFormat.Rgb32 || format === BitmapFormat.Rgba) {
    const rowBytes = width * 4;
    for (let y = 0; y < height; y++) {
      const s = offset + (topDown ? y : height - 1 - y) * stride;
      dst.set(data.subarray(s, s + rowBytes), y * dstStride);
    }
    if (format === BitmapFormat.Rgb32) setOpaque(dst);
    return;
  }
  if (format === BitmapFormat.Rgb24) {
    for (let y = 0; y < height; y++) {
      let s = offset + (topDown ? y : height - 1 - y) * stride;
      let d = y * dstStride;
      const end = d + dstStride;
      while (d < end) {
        dst[d] = data[s];
        dst[d + 1] = data[s + 1];
        dst[d + 2] = data[s + 2];
        dst[d + 3] = 255;
        d += 4;
        s += 3;
      }
    }
    return;
  }
  const words = u32View(dst);
  if (!words) {
    // Misaligned destination: convert into an aligned buffer, then copy.
    const tmp = new Uint8Array(dst.length);
    convertRows(src, tmp);
    dst.set(tmp);
    return;
  }
  switch (format) {
    case BitmapFormat.Rgb16: {
      const t = rgb555Table();
      for (let y = 0; y < height; y++) {
        let s = offset + (topDown ? y : height - 1 - y) * stride;
        let d = y * width;
        const end = d + width;
        while (d < end) {
          words[d++] = t[(data[s] | (data[s + 1] << 8)) & 0x7fff];
          s += 2;
        }
      }
      return;
    }
    case BitmapFormat.EightBitA:
    case BitmapFormat.EightBit: {
      const t = format === BitmapFormat.EightBitA ? alphaOnlyTable() : paletteToWords(requirePalette(src), 256);
      for (let y = 0; y < height; y++) {
        let s = offset + (topDown ? y : height - 1 - y) * stride;
        let d = y * width;
        const end = d + width;
        while (d < end) words[d++] = t[data[s++]];
      }
      return;
    }
    case BitmapFormat.FourBitLE:
    case BitmapFormat.FourBitBE: {
      const t = paletteToWords(requirePalette(src), 16);
      // BE: high nibble is the left pixel; LE: low nibble first.
      const firstShift = format === BitmapFormat.FourBitBE ? 4 : 0;
      const secondShift = 4 - firstShift;
      for (let y = 0; y < height; y++) {
        let s = offset + (topDown ? y : height - 1 - y) * stride;
        let d = y * width;
        const end = d + width;
        while (d + 1 < end) {
          const b = data[s++];
          words[d++] = t[(b >>> firstShift) & 15];
          words[d++] = t[(b >>> secondShift) & 15];
        }
        if (d < end) words[d] = t[(data[s] >>> firstShift) & 15];
      }
      return;
    }
    case BitmapFormat.OneBitLE:
    case BitmapFormat.OneBitBE: {
      const t = paletteToWords(requirePalette(src), 2);
      const back = t[0];
      const fore = t[1];
      const be = format === BitmapFormat.OneBitBE;
      for (let y = 0; y < height; y++) {
        const s = offset + (topDown ? y : height - 1 - y) * stride;
        const d = y * width;
        for (let x = 0; x < width; x++) {
          const b = data[s + (x >>> 3)];
          const bit = be ? (b >>> (7 - (x & 7))) & 1 : (b >>> (x & 7)) & 1;
          words[d + x] = bit ? fore : back;
        }
      }
      return;
    }
    default:
      throw new CodecError("ERR_IMAGE_CORRUPT", `unsupported bitmap format ${format}`);
  }
}

function requirePalette(src: SourceRows): Uint32Array {
  if (!src.palette) throw new CodecError("ERR_IMAGE_CORRUPT", `bitmap format ${src.format} needs a palette`);
  return src.palette;
}
