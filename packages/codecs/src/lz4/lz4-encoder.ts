import { BitmapFormat } from "../pixels.js";
import { codedBytes, type EncoderImage } from "../lz/encoder-image.js";
import { compressLz4Block, lz4CompressBound } from "./lz4-block-encoder.js";

export interface Lz4EncodeOptions {
  /** Code the top row first (default); false codes the bottom row first (top_down 0). */
  topDown?: boolean;
  /** Bitmap format byte: 'rgb32' (8, default; the fourth byte is sent as is) or 'rgba' (9). */
  format?: "rgb32" | "rgba";
}

/**
 * A reusable LZ4 image encoder: keeps its hash table and output buffer between images, so an
 * encode allocates nothing once the buffer has grown to the largest image (as the server keeps
 * one per client).
 */
export class Lz4Encoder {
  readonly #table = new Int32Array(1 << 12);
  #out = new Uint8Array(0);

  /**
   * Encodes a BGRA image as SPICE's LZ4 image data (protocol map §6.5, spice-server
   * lz4-encoder.c): top_down byte, bitmap format byte, then one chunk [u32 big-endian
   * length][LZ4 block] holding all rows (width * 4 bytes each, coded order), as the server
   * sends a single-chunk bitmap.
   *
   * Returns a view of the encoder's own buffer, valid until its next encode: send or copy it
   * before encoding again. Never throws on valid input; bad dimensions / short data are a
   * RangeError.
   */
  encode(image: EncoderImage, opts: Lz4EncodeOptions = {}): Uint8Array {
    const topDown = opts.topDown ?? true;
    const src = codedBytes(image, topDown);
    const n = src.length;
    const bound = 6 + lz4CompressBound(n);
    if (this.#out.length < bound) this.#out = new Uint8Array(bound);
    const out = this.#out;
    out[0] = topDown ? 1 : 0;
    out[1] = opts.format === "rgba" ? BitmapFormat.Rgba : BitmapFormat.Rgb32;
    const end = compressLz4Block(src, n, out, 6, this.#table);
    const len = end - 6;
    out[2] = len >>> 24;
    out[3] = len >>> 16;
    out[4] = len >>> 8;
    out[5] = len;
    return out.subarray(0, end);
  }
}

let shared: Lz4Encoder | undefined;

/**
 * Encodes a BGRA image as SPICE's LZ4 image data (see Lz4Encoder.encode) into a new array the
 * caller owns. Uses one shared Lz4Encoder, whose buffer is dropped after a large image.
 */
export function encodeLz4(image: EncoderImage, opts: Lz4EncodeOptions = {}): Uint8Array {
  shared ??= new Lz4Encoder();
  const result = shared.encode(image, opts).slice();
  // The buffer of a large one-off image is not kept.
  if (image.width * image.height * 4 > 16 << 20) shared = undefined;
  return result;
}
