import { CodecError } from "../errors.js";
import { checkDimensions } from "../pixels.js";

/** QUIC image types (QuicImageType in spice-common common/quic.h). */
export const QuicImageType = {
  Gray: 1,
  Rgb16: 2,
  Rgb24: 3,
  Rgb32: 4,
  Rgba: 5,
} as const;
export type QuicImageType = (typeof QuicImageType)[keyof typeof QuicImageType];

export interface QuicHeader {
  type: QuicImageType;
  width: number;
  height: number;
}

/** "QUIC" read as a little-endian u32. */
export const QUIC_MAGIC = 0x43495551;
const QUIC_VERSION = 0;
/** Magic, version, type, width, height: five little-endian u32 words. */
export const QUIC_HEADER_BYTES = 20;

function u32le(data: Uint8Array, at: number): number {
  return (data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24)) >>> 0;
}

/** Parses and validates the 20-byte header at the start of a QUIC stream. */
export function readQuicHeader(data: Uint8Array): QuicHeader {
  if (data.length < QUIC_HEADER_BYTES) {
    throw new CodecError("ERR_QUIC_CORRUPT", `QUIC stream too short for its header: ${data.length} bytes`, 0);
  }
  const magic = u32le(data, 0);
  if (magic !== QUIC_MAGIC) {
    throw new CodecError("ERR_QUIC_CORRUPT", `bad QUIC magic 0x${magic.toString(16)}`, 0);
  }
  const version = u32le(data, 4);
  if (version !== QUIC_VERSION) {
    throw new CodecError("ERR_QUIC_CORRUPT", `unsupported QUIC version 0x${version.toString(16)}`, 4);
  }
  const type = u32le(data, 8);
  if (type < QuicImageType.Gray || type > QuicImageType.Rgba) {
    throw new CodecError("ERR_QUIC_CORRUPT", `bad QUIC image type ${type}`, 8);
  }
  const width = u32le(data, 12);
  const height = u32le(data, 16);
  checkDimensions(width, height, "ERR_QUIC_CORRUPT");
  return { type: type as QuicImageType, width, height };
}
