import { checkCodedGeometry } from "../lz/lz-header.js";
import { LZ_MAGIC, LZ_VERSION } from "../lz/lz-header.js";
import { streamError } from "../lz/lz-errors.js";
import { LzImageType } from "../lz/lz-image-type.js";

export const GLZ_HEADER_SIZE = 33;

export interface GlzHeader {
  /** PLT1_LE .. RGBA (1..9). */
  type: LzImageType;
  width: number;
  height: number;
  /** Bytes per coded row; only meaningful for palette types. */
  stride: number;
  topDown: boolean;
  /** The image's id in the dictionary (u64 on the wire; ids above 2^53 are refused). */
  id: number;
  /** Images with id < id - winHeadDist are no longer referenced by anyone. */
  winHeadDist: number;
}

function u32be(b: Uint8Array, p: number): number {
  return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
}

/**
 * Reads the 33-byte big-endian GLZ header (§6.3): magic, version, one type byte (low 4 bits type,
 * bit 4 top_down), width, height, stride, u64 id, win_head_dist.
 */
export function readGlzHeader(data: Uint8Array): GlzHeader {
  if (data.length < GLZ_HEADER_SIZE) throw streamError("ERR_GLZ_CORRUPT", `GLZ header truncated (${data.length} bytes)`, data.length);
  if (u32be(data, 0) !== LZ_MAGIC) throw streamError("ERR_GLZ_CORRUPT", "bad GLZ magic", 0);
  if (u32be(data, 4) !== LZ_VERSION) throw streamError("ERR_GLZ_CORRUPT", "unsupported GLZ version", 4);
  const typeByte = data[8];
  const type = typeByte & 0x0f;
  if (type < LzImageType.Plt1Le || type > LzImageType.Rgba) throw streamError("ERR_GLZ_CORRUPT", `bad GLZ image type ${type}`, 8);
  const width = u32be(data, 9);
  const height = u32be(data, 13);
  const stride = u32be(data, 17);
  const idHigh = u32be(data, 21);
  if (idHigh >= 0x200000) throw streamError("ERR_GLZ_CORRUPT", "GLZ image id beyond 2^53", 21);
  const id = idHigh * 0x100000000 + u32be(data, 25);
  const winHeadDist = u32be(data, 29);
  checkCodedGeometry("ERR_GLZ_CORRUPT", type, width, height, stride);
  return { type: type as LzImageType, width, height, stride, topDown: typeByte >> 4 !== 0, id, winHeadDist };
}
