import { MAX_IMAGE_PIXELS } from "../pixels.js";
import { HOST_LITTLE_ENDIAN } from "./lz-errors.js";

/**
 * An image handed to the LZ / GLZ / LZ4 encoders: top-down rows of B, G, R, A bytes (SPICE's
 * 32-bit surface order; for RGB32 the fourth byte is padding). `stride` is the byte distance
 * between rows (default width * 4).
 */
export interface EncoderImage {
  width: number;
  height: number;
  data: Uint8Array;
  stride?: number;
}

/**
 * Checks an encoder input and returns its stride. Bad input is a caller bug, so it is a
 * RangeError (never a CodecError, which is reserved for peer data).
 */
export function checkEncoderImage(image: EncoderImage): number {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width * height > MAX_IMAGE_PIXELS) {
    throw new RangeError(`bad image dimensions ${width}x${height}`);
  }
  const stride = image.stride ?? width * 4;
  if (!Number.isInteger(stride) || stride < width * 4) throw new RangeError(`bad stride ${stride} for width ${width}`);
  if (data.length < stride * (height - 1) + width * 4) {
    throw new RangeError(`image data too short: ${data.length} bytes for ${width}x${height}, stride ${stride}`);
  }
  if (!HOST_LITTLE_ENDIAN) throw new Error("@saffron/codecs LZ/GLZ/LZ4 encoders need a little-endian host");
  return stride;
}

/**
 * The image's rows in coded order (top row first when `topDown`, else bottom row first), tightly
 * packed, as bytes. Zero-copy (a view of `image.data`) when the rows already are in that layout.
 */
export function codedBytes(image: EncoderImage, topDown: boolean): Uint8Array {
  const stride = checkEncoderImage(image);
  const { width, height, data } = image;
  const row = width * 4;
  if (topDown && (stride === row || height === 1)) return data.subarray(0, row * height);
  const out = new Uint8Array(row * height);
  for (let y = 0; y < height; y++) {
    const s = (topDown ? y : height - 1 - y) * stride;
    out.set(data.subarray(s, s + row), y * row);
  }
  return out;
}

/**
 * The image's pixels in coded order as 32-bit words (0xAARRGGBB, as signed Int32 so the hot
 * loops stay on small integers). Zero-copy when possible
 * (top-down, tight rows, 4-byte aligned data); `into`, when long enough, receives a copy
 * otherwise. With `copy` the result never aliases `image.data`.
 */
export function codedPixels(image: EncoderImage, topDown: boolean, copy = false, into?: Int32Array): Int32Array {
  const bytes = codedBytes(image, topDown);
  const n = image.width * image.height;
  const aliased = bytes.buffer === image.data.buffer;
  if ((!aliased || !copy) && (bytes.byteOffset & 3) === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, n);
  const out = into && into.length >= n ? into.subarray(0, n) : new Int32Array(n);
  new Uint8Array(out.buffer, out.byteOffset, n * 4).set(bytes);
  return out;
}
