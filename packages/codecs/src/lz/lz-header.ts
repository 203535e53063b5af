import { MAX_IMAGE_PIXELS } from "../pixels.js";
import { streamError } from "./lz-errors.js";
import { LzImageType, palettePixelsPerByte } from "./lz-image-type.js";

/** "LZ  " read as a little-endian u32, then written big-endian: bytes 20 20 5A 4C (§6.2). */
export const LZ_MAGIC = 0x20205a4c;
export const LZ_VERSION = 0x00010001;
export const LZ_HEADER_SIZE = 28;

export interface LzHeader {
  type: LzImageType;
  width: number;
  height: number;
  /** Bytes per coded row. Only meaningful for palette types (RGB types code width pixels per row). */
  stride: number;
  /** When false the first coded row is the bottom display row. */
  topDown: boolean;
}

function u32be(b: Uint8Array, p: number): number {
  return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
}

/** Reads and validates the 28-byte big-endian LZ header (magic, version, type, width, height, stride, top_down). */
export function readLzHeader(data: Uint8Array): LzHeader {
  if (data.length < LZ_HEADER_SIZE) throw streamError("ERR_LZ_CORRUPT", `LZ header truncated (${data.length} bytes)`, data.length);
  if (u32be(data, 0) !== LZ_MAGIC) throw streamError("ERR_LZ_CORRUPT", "bad LZ magic", 0);
  if (u32be(data, 4) !== LZ_VERSION) throw streamError("ERR_LZ_CORRUPT", "unsupported LZ version", 4);
  const type = u32be(data, 8);
  if (type < LzImageType.Plt1Le || type > LzImageType.A8) throw streamError("ERR_LZ_CORRUPT", `bad LZ image type ${type}`, 8);
  const width = u32be(data, 12);
  const height = u32be(data, 16);
  const stride = u32be(data, 20);
  const topDown = u32be(data, 24) !== 0;
  checkCodedGeometry("ERR_LZ_CORRUPT", type, width, height, stride);
  return { type: type as LzImageType, width, height, stride, topDown };
}

/** Rejects zero or oversized images and palette strides too short for the width. */
export function checkCodedGeometry(
  code: "ERR_LZ_CORRUPT" | "ERR_GLZ_CORRUPT",
  type: number,
  width: number,
  height: number,
  stride: number,
): void {
  if (width === 0 || height === 0) throw streamError(code, `empty image ${width}x${height}`);
  const ppb = palettePixelsPerByte(type);
  const rowUnits = ppb ? stride * ppb : width;
  // Checked in doubles, so a hostile u32 cannot wrap.
  if (rowUnits * height > MAX_IMAGE_PIXELS || width * height > MAX_IMAGE_PIXELS) {
    throw streamError("ERR_IMAGE_TOO_LARGE", `image too large: ${width}x${height} (stride ${stride})`);
  }
  if (ppb && stride * ppb < width) throw streamError(code, `palette stride ${stride} too short for width ${width}`);
}
