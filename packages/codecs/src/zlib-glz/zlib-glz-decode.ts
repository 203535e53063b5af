import { CodecError } from "../errors.js";
import type { DecodedImage } from "../pixels.js";
import { decodeGlz, type GlzDecodeOptions } from "../glz/glz-decode.js";
import type { GlzDictionary } from "../glz/glz-dictionary.js";

/** zlib inflation, injected (Node: zlib.inflateSync; browser: DecompressionStream("deflate")). */
export type Inflate = (deflated: Uint8Array, expectedSize: number) => Uint8Array;

/** Deflate cannot expand one input byte to more than 1032 output bytes (RFC 1951 max ratio). */
const MAX_INFLATE_RATIO = 1032;

/**
 * Decodes a ZLIB_GLZ_RGB image (§6.4). The wire body is glz_data_size u32, data_size u32, then
 * data_size bytes of zlib (RFC 1950): pass those bytes as `data` and glz_data_size as `glzSize`.
 * They must inflate to exactly glzSize bytes of GLZ stream, which is then decoded like GLZ_RGB
 * and enters the GLZ window. Inflate failures become CodecError ERR_ZLIB_CORRUPT.
 */
export function decodeZlibGlz(
  data: Uint8Array,
  glzSize: number,
  dict: GlzDictionary,
  inflate: Inflate,
  opts?: GlzDecodeOptions,
): DecodedImage {
  if (!Number.isInteger(glzSize) || glzSize <= 0 || glzSize > data.length * MAX_INFLATE_RATIO + 64) {
    throw new CodecError("ERR_ZLIB_CORRUPT", `implausible glz_data_size ${glzSize} for ${data.length} zlib bytes`);
  }
  let glz: Uint8Array;
  try {
    glz = inflate(data, glzSize);
  } catch (e) {
    if (e instanceof CodecError) throw e;
    throw new CodecError("ERR_ZLIB_CORRUPT", `zlib inflate failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (glz.length !== glzSize) {
    throw new CodecError("ERR_ZLIB_CORRUPT", `zlib data inflated to ${glz.length} bytes, expected ${glzSize}`);
  }
  return decodeGlz(glz, dict, opts);
}
