import { CodecError } from "../errors.js";
import { allocImage, BitmapFormat, checkDimensions, type DecodedImage } from "../pixels.js";
import { u32View } from "../pixels/byte-order.js";
import { convertRows } from "../pixels/convert-rows.js";
import { flipRows } from "../pixels/row-ops.js";
import { decodeLz4Block } from "./lz4-block.js";
import { type BgrxStream, decodeLz4BlockBgrx } from "./lz4-block-bgrx.js";

function bytesPerPixel(format: number): number {
  switch (format) {
    case BitmapFormat.Rgb16:
      return 2;
    case BitmapFormat.Rgb24:
      return 3;
    case BitmapFormat.Rgb32:
    case BitmapFormat.Rgba:
      return 4;
    default:
      return 0;
  }
}

/** Raw X bytes for decodeLz4BlockBgrx (never read before written, so not cleared), kept between calls for images up to this many pixels. */
const KEEP_XRAW_PIXELS = 4 * 1024 * 1024;
let xrawScratch: Uint8Array | undefined;

function xrawFor(pixels: number): Uint8Array {
  if (xrawScratch && xrawScratch.length >= pixels) return xrawScratch;
  const buf = new Uint8Array(pixels);
  if (pixels <= KEEP_XRAW_PIXELS) xrawScratch = buf;
  return buf;
}

/**
 * Decodes an LZ4 image (SPICE image type 109) to top-down BGRA.
 *
 * Stream (protocol-map 6.5; spice-server lz4-encoder.c, spice-common canvas_get_lz4):
 * top_down u8, SPICE bitmap format u8 (16BIT, 24BIT, 32BIT or RGBA), then chunks of
 * [u32 big-endian length][raw LZ4 block]. The blocks are one LZ4 stream: each may reference
 * output of the earlier ones. Together they must give exactly height rows of
 * width * bytes-per-pixel bytes (the client assumes packed rows), bottom row first unless
 * top_down. 32BIT gets alpha 255; RGBA keeps its alpha and sets `hasAlpha`.
 *
 * `width` and `height` come from the image descriptor. `out`, when given, receives the pixels
 * (at least width * height * 4 bytes; 4-byte aligned is fastest).
 */
export function decodeLz4(data: Uint8Array, width: number, height: number, out?: Uint8Array): DecodedImage {
  if (data.length < 2) throw new CodecError("ERR_LZ4_CORRUPT", "LZ4 image header truncated", 0);
  const topDown = data[0] !== 0;
  const format = data[1];
  const bpp = bytesPerPixel(format);
  if (bpp === 0) throw new CodecError("ERR_LZ4_CORRUPT", `unsupported LZ4 bitmap format ${format}`, 1);
  checkDimensions(width, height);

  const image = allocImage(width, height, format === BitmapFormat.Rgba, out);
  const rawSize = width * height * bpp;
  // 32-bit rows are already BGRX/BGRA: decode straight into an aligned output. 32BIT forces
  // X to 255 while decoding (decodeLz4BlockBgrx). Other cases decode into a scratch buffer.
  const direct = bpp === 4 && u32View(image.data) !== null;
  const raw = direct ? image.data : new Uint8Array(rawSize);
  const bgrx: BgrxStream | undefined = direct && format === BitmapFormat.Rgb32 ? { xraw: undefined, alloc: xrawFor } : undefined;

  let ip = 2;
  let op = 0;
  const end = data.length;
  do {
    if (end - ip < 4) throw new CodecError("ERR_LZ4_CORRUPT", "LZ4 chunk length truncated", ip);
    const len = ((data[ip] << 24) | (data[ip + 1] << 16) | (data[ip + 2] << 8) | data[ip + 3]) >>> 0;
    ip += 4;
    if (len > end - ip) throw new CodecError("ERR_LZ4_CORRUPT", `LZ4 chunk of ${len} bytes overruns the data`, ip - 4);
    const next = bgrx
      ? decodeLz4BlockBgrx(data, ip, ip + len, raw, op, rawSize, bgrx)
      : decodeLz4Block(data, ip, ip + len, raw, op, rawSize);
    if (next === op) throw new CodecError("ERR_LZ4_CORRUPT", "LZ4 chunk decodes to nothing", ip);
    op = next;
    ip += len;
  } while (ip < end);
  if (op !== rawSize) {
    throw new CodecError("ERR_LZ4_CORRUPT", `LZ4 image short: ${op} of ${rawSize} bytes`, ip);
  }

  if (direct) {
    if (!topDown) flipRows(raw, width * 4, height);
  } else {
    convertRows({ format, width, height, data: raw, offset: 0, stride: width * bpp, topDown }, image.data);
  }
  return image;
}
