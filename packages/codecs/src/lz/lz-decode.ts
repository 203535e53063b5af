import { allocImage, type DecodedImage } from "../pixels.js";
import { assertLittleEndianHost, MAX_UNITS_PER_BYTE, streamError } from "./lz-errors.js";
import { LZ_HEADER_SIZE, readLzHeader } from "./lz-header.js";
import { LzImageType, palettePixelsPerByte } from "./lz-image-type.js";
import { lzDecodeBgr, lzDecodeLane, lzDecodeRgb16 } from "./lz-passes.js";
import { isShortFlatLzStream, sharedLzWasmDecoder, trimSharedLzWasmDecoder } from "./lz-wasm.js";
import { expandPaletteRow, paletteLut } from "./palette.js";
import { flipRowsInPlace, wordView } from "./pixel-rows.js";

export interface LzDecodeOptions {
  /** Palette for the PLT types: 0x00RRGGBB entries (the image's LZ_PLT palette). Required for them. */
  palette?: Uint32Array;
  /** Decode into this buffer (at least width*height*4 bytes) instead of allocating. */
  out?: Uint8Array;
  /**
   * Where the platform has WebAssembly, decode with the module of lz-wasm.ts (the same pixels and
   * errors): true always; by default for every stream except RGB16/24/32 ones that are mostly
   * long runs (at most one control byte per FLAT_PIXELS_PER_OP = 256 pixels), which the JS passes
   * decode faster. false always uses the JS passes.
   */
  wasm?: boolean;
}

/** The options of decodeLzAlpha. */
export interface LzAlphaDecodeOptions {
  /** false: always the JS passes; otherwise the WebAssembly module where available. */
  wasm?: boolean;
}

/**
 * Decodes a complete LZ stream (28-byte header + body, as carried by LZ_RGB / LZ_PLT images, §6.2)
 * to top-down BGRA. Opaque types get A = 255; RGBA carries its alpha; XXXA and A8 give black
 * pixels with the coded alpha. Throws CodecError (ERR_LZ_CORRUPT, ERR_IMAGE_TOO_LARGE).
 *
 * Every type is decoded by the WebAssembly module of lz-wasm.ts where WebAssembly is available
 * (one shared instance, made on the first call), except flat RGB images (see `opts.wasm`); else,
 * or with `{ wasm: false }`, or when its memory cannot grow to the image, by the JS passes of
 * lz-passes.ts. On a CodecError, `opts.out` may be partly written by the JS passes, and is left
 * untouched by the WebAssembly module.
 */
export function decodeLz(data: Uint8Array, opts: LzDecodeOptions = {}): DecodedImage {
  assertLittleEndianHost();
  const { type, width, height, stride, topDown } = readLzHeader(data);
  const ppb = palettePixelsPerByte(type);
  const units = ppb ? stride * height : width * height;
  if (units > (data.length - LZ_HEADER_SIZE) * MAX_UNITS_PER_BYTE) {
    throw streamError("ERR_LZ_CORRUPT", `LZ stream of ${data.length} bytes cannot hold ${width}x${height}`, data.length);
  }
  const lut = ppb ? paletteLut(type, opts.palette, "ERR_LZ_CORRUPT") : undefined;
  const hasAlpha = type === LzImageType.Rgba || type === LzImageType.Xxxa || type === LzImageType.A8;
  const img = allocImage(width, height, hasAlpha, opts.out);
  // A flat stream short enough to judge by its length alone does not even instantiate the module.
  const useWasm = opts.wasm === true || (opts.wasm === undefined && !isShortFlatLzStream(type, width * height, data.length));
  const wasm = useWasm ? sharedLzWasmDecoder() : null;
  if (wasm !== null) {
    let done: boolean;
    try {
      done = wasm.decode(data, type, width, height, stride, topDown, lut, img.data, opts.wasm !== true);
    } finally {
      trimSharedLzWasmDecoder();
    }
    if (done) return img;
  }
  const n = width * height;
  const direct = wordView(img.data);
  const px = direct ?? new Uint32Array(n);
  const bytes = direct ? img.data : new Uint8Array(px.buffer);
  let flip = !topDown;

  switch (type) {
    case LzImageType.Rgb32:
    case LzImageType.Rgb24:
      lzDecodeBgr(data, LZ_HEADER_SIZE, px, n);
      break;
    case LzImageType.Rgba:
      lzDecodeLane(data, lzDecodeBgr(data, LZ_HEADER_SIZE, px, n), bytes, 3, 4, n);
      break;
    case LzImageType.Rgb16:
      lzDecodeRgb16(data, LZ_HEADER_SIZE, px, n);
      break;
    case LzImageType.Xxxa:
    case LzImageType.A8:
      if (opts.out) px.fill(0);
      lzDecodeLane(data, LZ_HEADER_SIZE, bytes, 3, 4, n);
      break;
    default: {
      // Palette types: decode the packed index bytes (stride per row), then expand and crop.
      const idx = new Uint8Array(units);
      lzDecodeLane(data, LZ_HEADER_SIZE, idx, 0, 1, units);
      for (let r = 0; r < height; r++) {
        const y = topDown ? r : height - 1 - r;
        expandPaletteRow(type, lut!, idx, r * stride, px, y * width, width);
      }
      flip = false;
    }
  }
  if (flip) flipRowsInPlace(px, width, height);
  if (!direct) img.data.set(bytes);
  return img;
}

/**
 * Applies an LZ XXXA stream (the alpha part of JPEG_ALPHA, §5.1) to an already decoded top-down
 * image: only the alpha bytes are written. The stream's size must match the target; a bottom-up
 * stream is flipped. On a CodecError the target's alpha may be partly written (JS path; the
 * WebAssembly path, used as in decodeLz, leaves the target untouched then).
 */
export function decodeLzAlpha(data: Uint8Array, target: DecodedImage, opts: LzAlphaDecodeOptions = {}): void {
  const { type, width, height, topDown } = readLzHeader(data);
  if (type !== LzImageType.Xxxa) throw streamError("ERR_LZ_CORRUPT", `alpha stream has LZ type ${type}, not XXXA`, 8);
  if (width !== target.width || height !== target.height) {
    throw streamError("ERR_LZ_CORRUPT", `alpha stream is ${width}x${height}, image is ${target.width}x${target.height}`, 12);
  }
  const n = width * height;
  if (target.data.length < n * 4) throw new RangeError("target image buffer too small");
  if (n > (data.length - LZ_HEADER_SIZE) * MAX_UNITS_PER_BYTE) {
    throw streamError("ERR_LZ_CORRUPT", `LZ stream of ${data.length} bytes cannot hold ${width}x${height}`, data.length);
  }
  const wasm = opts.wasm === false ? null : sharedLzWasmDecoder();
  if (wasm !== null) {
    let done: boolean;
    try {
      done = wasm.decodeAlpha(data, width, height, topDown, target.data);
    } finally {
      trimSharedLzWasmDecoder();
    }
    if (done) {
      target.hasAlpha = true;
      return;
    }
  }
  if (topDown) {
    lzDecodeLane(data, LZ_HEADER_SIZE, target.data, 3, 4, n);
  } else {
    const alpha = new Uint8Array(n);
    lzDecodeLane(data, LZ_HEADER_SIZE, alpha, 0, 1, n);
    const out = target.data;
    for (let r = 0; r < height; r++) {
      let s = r * width;
      let d = (height - 1 - r) * width * 4 + 3;
      for (let x = 0; x < width; x++, d += 4) out[d] = alpha[s++];
    }
  }
  target.hasAlpha = true;
}
