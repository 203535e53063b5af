import { allocImage, type DecodedImage } from "../pixels.js";
import { assertLittleEndianHost, MAX_UNITS_PER_BYTE, streamError } from "../lz/lz-errors.js";
import { LzImageType, palettePixelsPerByte } from "../lz/lz-image-type.js";
import { paletteLut } from "../lz/palette.js";
import { copyRows, wordView } from "../lz/pixel-rows.js";
import type { GlzDictionary } from "./glz-dictionary.js";
import { GLZ_HEADER_SIZE, readGlzHeader } from "./glz-header.js";
import { glzDecodeAlpha, glzDecodeBgr, glzDecodeExpanded, type GlzContext } from "./glz-passes.js";

export interface GlzDecodeOptions {
  /** Palette (0x00RRGGBB entries) for the PLT types. */
  palette?: Uint32Array;
  /** Copy the result into this buffer (at least width*height*4 bytes). */
  out?: Uint8Array;
}

/**
 * Decodes a GLZ stream (33-byte header + body, as carried by GLZ_RGB images, §6.3) against `dict`,
 * then adds the image to the dictionary. Result: top-down BGRA, A = 255 except for RGBA.
 *
 * Without `opts.out`, a top-down RGB image is returned zero-copy: its `data` is the dictionary's
 * own copy, which later images may reference, so treat it as read-only (copy it, or pass `out`,
 * before modifying it).
 *
 * Throws CodecError: ERR_GLZ_CORRUPT, ERR_IMAGE_TOO_LARGE, or GlzMissingImageError
 * (ERR_GLZ_MISSING_IMAGE) for a reference to an image the dictionary does not hold; on any error
 * the dictionary is left unchanged.
 */
export function decodeGlz(data: Uint8Array, dict: GlzDictionary, opts: GlzDecodeOptions = {}): DecodedImage {
  assertLittleEndianHost();
  const { type, width, height, stride, topDown, id, winHeadDist } = readGlzHeader(data);
  const ppb = palettePixelsPerByte(type);
  const rowPixels = ppb ? stride * ppb : width;
  const gross = rowPixels * height;
  if (gross > (data.length - GLZ_HEADER_SIZE) * MAX_UNITS_PER_BYTE * (ppb || 1)) {
    throw streamError("ERR_GLZ_CORRUPT", `GLZ stream of ${data.length} bytes cannot hold ${width}x${height}`, data.length);
  }
  const lut = ppb ? paletteLut(type, opts.palette, "ERR_GLZ_CORRUPT") : undefined;
  const pixels = new Uint32Array(gross);
  const bytes = new Uint8Array(pixels.buffer);
  const ctx: GlzContext = { dict, id };

  if (type === LzImageType.Rgb32 || type === LzImageType.Rgb24 || type === LzImageType.Rgba) {
    const pos = glzDecodeBgr(data, GLZ_HEADER_SIZE, pixels, gross, ctx);
    if (type === LzImageType.Rgba) glzDecodeAlpha(data, pos, bytes, gross, ctx);
  } else {
    glzDecodeExpanded(data, GLZ_HEADER_SIZE, pixels, gross, ctx, type, lut ?? new Uint32Array(0));
  }
  dict.add({ id, pixels, bytes, winHeadDist });

  const hasAlpha = type === LzImageType.Rgba;
  if (topDown && rowPixels === width && !opts.out) return { width, height, data: bytes, hasAlpha };
  const img = allocImage(width, height, hasAlpha, opts.out);
  const dst = wordView(img.data);
  if (dst) {
    copyRows(pixels, rowPixels, dst, width, height, !topDown);
  } else {
    const tmp = new Uint32Array(width * height);
    copyRows(pixels, rowPixels, tmp, width, height, !topDown);
    img.data.set(new Uint8Array(tmp.buffer));
  }
  return img;
}
