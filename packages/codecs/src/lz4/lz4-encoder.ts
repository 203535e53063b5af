import { BitmapFormat } from "../pixels.js";
import { codedBytes, type EncoderImage } from "../lz/encoder-image.js";
import { compressLz4Block, lz4CompressBound } from "./lz4-block-encoder.js";

export interface Lz4EncodeOptions {
  /** Code the top row first (default); false codes the bottom row first (top_down 0). */
  topDown?: boolean;
  /** Bitmap format byte: 'rgb32' (8, default; the fourth byte is sent as is) or 'rgba' (9). */
  format?: "rgb32" | "rgba";
}

const table = new Int32Array(1 << 12);
let scratch = new Uint8Array(0);

/**
 * Encodes a BGRA image as SPICE's LZ4 image data (protocol map §6.5, spice-server lz4-encoder.c):
 * top_down byte, bitmap format byte, then one chunk [u32 big-endian length][LZ4 block] holding
 * all rows (width * 4 bytes each, coded order), as the server sends a single-chunk bitmap.
 * Never throws on valid input; bad dimensions / short data are a RangeError.
 */
export function encodeLz4(image: EncoderImage, opts: Lz4EncodeOptions = {}): Uint8Array {
  const topDown = opts.topDown ?? true;
  const src = codedBytes(image, topDown);
  const n = src.length;
  const bound = 6 + lz4CompressBound(n);
  if (scratch.length < bound) scratch = new Uint8Array(bound);
  const out = scratch;
  out[0] = topDown ? 1 : 0;
  out[1] = opts.format === "rgba" ? BitmapFormat.Rgba : BitmapFormat.Rgb32;
  const end = compressLz4Block(src, n, out, 6, table);
  const len = end - 6;
  out[2] = len >>> 24;
  out[3] = len >>> 16;
  out[4] = len >>> 8;
  out[5] = len;
  const result = out.slice(0, end);
  if (scratch.length > 16 << 20) scratch = new Uint8Array(0);
  return result;
}
