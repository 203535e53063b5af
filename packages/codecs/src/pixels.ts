import { CodecError } from "./errors.js";

/**
 * Decoded images are always 32 bits per pixel in SPICE's native surface byte order:
 * B, G, R, A in memory (a little-endian 0xAARRGGBB word). Formats without alpha get A = 255.
 * Rows are top-down and tightly packed: stride = width * 4.
 */
export interface DecodedImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, B G R A per pixel, top-down. */
  data: Uint8Array;
  /** True when the source format carried a real alpha channel (RGBA, XXXA, JPEG_ALPHA). */
  hasAlpha: boolean;
}

/** Largest image any decoder accepts (pixels). Guards allocations against hostile headers. */
export const MAX_IMAGE_PIXELS = 16384 * 16384;

export function checkDimensions(width: number, height: number, code: CodecError["code"] = "ERR_IMAGE_TOO_LARGE"): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width * height > MAX_IMAGE_PIXELS) {
    throw new CodecError(code, `bad image dimensions ${width}x${height}`);
  }
}

/** Allocates an output image, or checks that a caller-provided buffer is big enough. */
export function allocImage(width: number, height: number, hasAlpha: boolean, out?: Uint8Array): DecodedImage {
  checkDimensions(width, height);
  const size = width * height * 4;
  let data: Uint8Array;
  if (out) {
    if (out.length < size) throw new RangeError(`output buffer too small: ${out.length} < ${size}`);
    data = out.length === size ? out : out.subarray(0, size);
  } else {
    data = new Uint8Array(size);
  }
  return { width, height, data, hasAlpha };
}

/** SPICE bitmap formats (SpiceBitmapFmt), used by BITMAP images and LZ/LZ4 headers. */
export const BitmapFormat = {
  Invalid: 0,
  OneBitLE: 1,
  OneBitBE: 2,
  FourBitLE: 3,
  FourBitBE: 4,
  EightBit: 5,
  Rgb16: 6,
  Rgb24: 7,
  Rgb32: 8,
  Rgba: 9,
  EightBitA: 10,
} as const;
export type BitmapFormat = (typeof BitmapFormat)[keyof typeof BitmapFormat];
