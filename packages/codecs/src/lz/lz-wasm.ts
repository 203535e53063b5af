import { CodecError } from "../errors.js";
import { LazyWasmModule, SharedWasmInstance, WasmInstance, type WasmMemoryLike } from "../wasm/lazy-wasm-module.js";
import { LZ_DECODE_WASM } from "../wasm/lz-decode.wasm.js";
import { LZ_HEADER_SIZE } from "./lz-header.js";
import { LzImageType, palettePixelsPerByte } from "./lz-image-type.js";

/** The exports of assembly/lz-decode.ts (addresses are i32 in JS: read them >>> 0). */
interface LzDecodeExports {
  memory: WasmMemoryLike;
  prepare(nBytes: number, pixels: number, scratch: number): number;
  decode(type: number, width: number, height: number, stride: number, topDown: number): number;
  decode_alpha(pixels: number): number;
  count_ops(type: number, pixels: number, limit: number): number;
  output_ptr(): number;
  lut_ptr(): number;
  error_pos(): number;
}

const MODULE = /* @__PURE__ */ new LazyWasmModule(LZ_DECODE_WASM);
const FUNCTIONS = ["prepare", "decode", "decode_alpha", "count_ops", "output_ptr", "lut_ptr", "error_pos"] as const;

/** The CodecError messages of the module's statuses 1..4, as lz-passes.ts words them. */
const STATUS_MESSAGES = [
  "",
  "LZ stream truncated",
  "LZ literal run past the image end",
  "LZ reference before the image start",
  "LZ match past the image end",
];

/**
 * In the "auto" mode, RGB16/24/32 streams with at most one control byte (literal run or match)
 * per this many pixels are left to the JS passes. Such images are mostly long runs and copies,
 * which both decoders do with native fills and copies; the JS passes then have little to
 * interpret even when cold, and write the runs straight into the output, where this module
 * writes them into its memory and then copies every pixel out. Measured in Node on 1024x768
 * images, warm: the module is faster up to about 250 pixels per control byte, the JS passes
 * beyond (a solid screen, 0.08 ms in JS against 0.17 ms here). The reference encoder codes
 * screens at 30 to 130 pixels per control byte (photo to UI).
 */
export const FLAT_PIXELS_PER_OP = 256;

function isRgbType(type: number): boolean {
  return type === LzImageType.Rgb32 || type === LzImageType.Rgb24 || type === LzImageType.Rgb16;
}

/**
 * True for an RGB16/24/32 stream of `bytes` bytes (header included) so short that it has at most
 * one control byte per FLAT_PIXELS_PER_OP pixels, without reading it: every control byte comes
 * with at least one more byte (an offset byte, or a literal), so the body holds at most half as
 * many control bytes as bytes. decodeLz leaves such streams to the JS passes by default without
 * instantiating the module (a solid 1024x768 screen is 3.1 KB).
 */
export function isShortFlatLzStream(type: number, pixels: number, bytes: number): boolean {
  return isRgbType(type) && (bytes - LZ_HEADER_SIZE) / 2 <= Math.floor(pixels / FLAT_PIXELS_PER_OP);
}

/** Longer streams (which cannot fit next to their image in a 4 GiB memory anyway) are left to the JS passes. */
const MAX_STREAM_BYTES = 2 ** 31;

/**
 * The LZ decoder of lz-passes.ts in WebAssembly (assembly/lz-decode.ts): the same pixels and the
 * same errors (code, message, offset) for every stream and image type. It needs no warm-up:
 * its first call already runs compiled code (V8's baseline wasm code, optimized code from a later
 * call on), where the JS passes start in the interpreter and wait for the JIT.
 *
 * Each instance has its own linear memory, laid out per image as: a 1 KiB palette table, a copy
 * of the whole stream (+16 bytes), the decoded pixels (4 bytes each, +16), and for palette types
 * the packed index bytes (stride * height, +16). The memory grows to the largest image decoded
 * and never shrinks (sharedLzWasmDecoder drops its instance past WASM_RETAIN_BYTES).
 */
export class LzWasmDecoder extends WasmInstance<LzDecodeExports> {

  /** A new decoder, or null where WebAssembly is unavailable or refuses the module. */
  static create(): LzWasmDecoder | null {
    const exports = MODULE.instantiate<LzDecodeExports>(FUNCTIONS);
    return exports && new LzWasmDecoder(exports);
  }


  /**
   * Decodes `data`, a complete LZ stream whose header the caller has read and checked (as
   * decodeLz does: geometry, the units-per-byte bound, the palette), into `out` (exactly
   * width * height * 4 bytes, any alignment) as top-down B, G, R, A bytes, as decodeLz's JS path
   * does. `lut` holds the palette's opaque words for the palette types. Throws CodecError
   * ERR_LZ_CORRUPT on corrupt or truncated streams; `out` is not written then. Returns false,
   * without decoding, when the memory cannot grow to the image, or, with `auto`, when the stream
   * is an RGB type with at most one control byte per FLAT_PIXELS_PER_OP pixels.
   */
  decode(
    data: Uint8Array,
    type: number,
    width: number,
    height: number,
    stride: number,
    topDown: boolean,
    lut: Uint32Array | undefined,
    out: Uint8Array,
    auto = false,
  ): boolean {
    const e = this.exports;
    if (data.length > MAX_STREAM_BYTES) return false;
    const pixels = width * height;
    const ppb = palettePixelsPerByte(type);
    const flatCheck = auto && isRgbType(type);
    const maxOps = Math.floor(pixels / FLAT_PIXELS_PER_OP);
    if (flatCheck && isShortFlatLzStream(type, pixels, data.length)) return false;
    // The stream first (its place does not depend on the image), then room for the pixels.
    const src = e.prepare(data.length, 0, 0) >>> 0;
    if (src === 0) return false;
    new Uint8Array(e.memory.buffer, src, data.length).set(data);
    if (flatCheck && e.count_ops(type, pixels, maxOps + 1) <= maxOps) return false;
    if (e.prepare(data.length, pixels, ppb ? stride * height : 0) === 0) return false;
    const buffer = e.memory.buffer;
    if (lut) new Uint32Array(buffer, e.lut_ptr() >>> 0, lut.length).set(lut);
    this.#check(e.decode(type, width, height, stride, topDown ? 1 : 0));
    const pix = new Uint8Array(buffer, e.output_ptr() >>> 0, pixels * 4);
    // Palette rows come out in display order; the others in coded order.
    copyRowBytes(pix, out, width * 4, height, !topDown && !ppb);
    return true;
  }

  /**
   * Writes the alpha of `data`, a checked XXXA stream of width x height, into byte 3 of every
   * pixel of `target` (width * height * 4 bytes of top-down B, G, R, A), as decodeLzAlpha's JS
   * path does. Throws CodecError ERR_LZ_CORRUPT on corrupt or truncated streams (`target` is
   * not written then). Returns false, without decoding, when the memory cannot grow that far.
   */
  decodeAlpha(data: Uint8Array, width: number, height: number, topDown: boolean, target: Uint8Array): boolean {
    const e = this.exports;
    if (data.length > MAX_STREAM_BYTES) return false;
    const pixels = width * height;
    const src = e.prepare(data.length, pixels, 0) >>> 0;
    if (src === 0) return false;
    const buffer = e.memory.buffer;
    new Uint8Array(buffer, src, data.length).set(data);
    const pix = new Uint8Array(buffer, e.output_ptr() >>> 0, pixels * 4);
    copyRowBytes(target.subarray(0, pixels * 4), pix, width * 4, height, !topDown);
    this.#check(e.decode_alpha(pixels));
    copyRowBytes(pix, target, width * 4, height, !topDown);
    return true;
  }

  #check(status: number): void {
    if (status === 0) return;
    if (status < STATUS_MESSAGES.length) throw new CodecError("ERR_LZ_CORRUPT", STATUS_MESSAGES[status], this.exports.error_pos() >>> 0);
    throw new Error(`lz-decode wasm: unexpected status ${status}`);
  }
}

/** Copies `rows` rows of `row` bytes from `src` to `dst`, in reverse row order when `flip`. */
function copyRowBytes(src: Uint8Array, dst: Uint8Array, row: number, rows: number, flip: boolean): void {
  if (!flip) {
    dst.set(src.subarray(0, row * rows));
    return;
  }
  for (let y = 0, s = (rows - 1) * row; y < rows; y++, s -= row) dst.set(src.subarray(s, s + row), y * row);
}

const shared = /* @__PURE__ */ new SharedWasmInstance(() => LzWasmDecoder.create());

/** The process-wide decoder of decodeLz / decodeLzAlpha, instantiated on first use; null without WebAssembly. */
export function sharedLzWasmDecoder(): LzWasmDecoder | null {
  return shared.get();
}

/** After a decode: drops the shared instance when its memory grew past WASM_RETAIN_BYTES. */
export function trimSharedLzWasmDecoder(): void {
  shared.trim();
}

