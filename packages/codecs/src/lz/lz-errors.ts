import { CodecError, type CodecErrorCode } from "../errors.js";

/** Thrown helpers keep the hot loops small: `throw corrupt(...)` is one call on a cold path. */
export function streamError(code: CodecErrorCode, message: string, offset?: number): CodecError {
  return new CodecError(code, message, offset);
}

/** True on little-endian hosts; the 32-bit pixel views assume it (B,G,R,A = 0xAARRGGBB). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function assertLittleEndianHost(): void {
  if (!HOST_LITTLE_ENDIAN) throw new Error("@saffron/codecs LZ/GLZ decoders need a little-endian host");
}

/**
 * Upper bound of output units one coded byte can yield (a 255-run of length-extension bytes adds
 * 255 units per byte, plus a little for the control and bias). A header that promises more units
 * than `bytes * MAX_UNITS_PER_BYTE` cannot be satisfied, so it is refused before allocating.
 */
export const MAX_UNITS_PER_BYTE = 264;
