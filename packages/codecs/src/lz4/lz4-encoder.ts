import { BitmapFormat } from "../pixels.js";
import { checkEncoderImage, codedBytes, type EncoderImage } from "../lz/encoder-image.js";
import { compressLz4Block, lz4CompressBound } from "./lz4-block-encoder.js";
import { Lz4WasmCompressor } from "./lz4-block-wasm.js";

export interface Lz4EncodeOptions {
  /** Code the top row first (default); false codes the bottom row first (top_down 0). */
  topDown?: boolean;
  /** Bitmap format byte: 'rgb32' (8, default; the fourth byte is sent as is) or 'rgba' (9). */
  format?: "rgb32" | "rgba";
}

export interface Lz4EncoderOptions {
  /**
   * Compress in WebAssembly when the platform has it (default true; the same bytes, about twice
   * as fast). false always uses the JS compressor, compressLz4Block.
   */
  wasm?: boolean;
}

/** top_down, format, u32 length. */
const HEAD = 6;

/**
 * A reusable LZ4 image encoder: keeps its compressor state and output buffer between images,
 * so an encode allocates nothing once they have grown to the largest image (as the server keeps
 * one per client).
 *
 * The block is compressed in WebAssembly where available (Lz4WasmCompressor: the encoder's own
 * wasm memory holds a copy of the input, the output and the hash table, about twice the
 * image's bytes at the largest image; it never shrinks and is released with the encoder), else
 * by compressLz4Block in JS (or when the wasm memory cannot grow to the image).
 */
export class Lz4Encoder {
  readonly #table = new Int32Array(1 << 12);
  #out = new Uint8Array(0);
  readonly #wasm: Lz4WasmCompressor | null;

  constructor(opts: Lz4EncoderOptions = {}) {
    this.#wasm = opts.wasm === false ? null : Lz4WasmCompressor.create();
  }

  /** Whether this encoder compresses in WebAssembly. */
  get usesWasm(): boolean {
    return this.#wasm !== null;
  }

  /**
   * Encodes a BGRA image as SPICE's LZ4 image data (protocol map §6.5, spice-server
   * lz4-encoder.c): top_down byte, bitmap format byte, then one chunk [u32 big-endian
   * length][LZ4 block] holding all rows (width * 4 bytes each, coded order), as the server
   * sends a single-chunk bitmap.
   *
   * Returns a view of the encoder's own buffer (with WebAssembly, of its wasm memory), valid
   * until its next encode: send or copy it before encoding again. Never throws on valid input;
   * bad dimensions / short data are a RangeError.
   */
  encode(image: EncoderImage, opts: Lz4EncodeOptions = {}): Uint8Array {
    const topDown = opts.topDown ?? true;
    const out = this.#encodeWasm(image, topDown) ?? this.#encodeJs(image, topDown);
    const len = out.length - HEAD;
    out[0] = topDown ? 1 : 0;
    out[1] = opts.format === "rgba" ? BitmapFormat.Rgba : BitmapFormat.Rgb32;
    out[2] = len >>> 24;
    out[3] = len >>> 16;
    out[4] = len >>> 8;
    out[5] = len;
    return out;
  }

  /** [HEAD bytes][block] in the wasm memory, or null without WebAssembly or room for the image. */
  #encodeWasm(image: EncoderImage, topDown: boolean): Uint8Array | null {
    if (this.#wasm === null) return null;
    const stride = checkEncoderImage(image);
    const { width, height, data } = image;
    const row = width * 4;
    const n = row * height;
    const input = this.#wasm.input(n, HEAD);
    if (input === null) return null;
    if (topDown && (stride === row || height === 1)) {
      input.set(data.subarray(0, n));
    } else {
      for (let y = 0; y < height; y++) {
        const s = (topDown ? y : height - 1 - y) * stride;
        input.set(data.subarray(s, s + row), y * row);
      }
    }
    return this.#wasm.compress(n, HEAD);
  }

  /** [HEAD bytes][block] in the encoder's JS buffer. */
  #encodeJs(image: EncoderImage, topDown: boolean): Uint8Array {
    const src = codedBytes(image, topDown);
    const n = src.length;
    const bound = HEAD + lz4CompressBound(n);
    if (this.#out.length < bound) this.#out = new Uint8Array(bound);
    const end = compressLz4Block(src, n, this.#out, HEAD, this.#table);
    return this.#out.subarray(0, end);
  }
}

let shared: Lz4Encoder | undefined;

/**
 * Encodes a BGRA image as SPICE's LZ4 image data (see Lz4Encoder.encode) into a new array the
 * caller owns. Uses one shared Lz4Encoder, whose buffers are dropped after a large image.
 */
export function encodeLz4(image: EncoderImage, opts: Lz4EncodeOptions = {}): Uint8Array {
  shared ??= new Lz4Encoder();
  const result = shared.encode(image, opts).slice();
  // The buffers (and wasm memory) of a large one-off image are not kept.
  if (image.width * image.height * 4 > 16 << 20) shared = undefined;
  return result;
}
