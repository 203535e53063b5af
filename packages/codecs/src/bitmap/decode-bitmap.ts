import { CodecError } from "../errors.js";
import { allocImage, BitmapFormat, checkDimensions, type DecodedImage } from "../pixels.js";
import { bitsPerPixel, convertRows, isPaletteFormat, minRowBytes } from "../pixels/convert-rows.js";

/** An uncompressed SPICE BITMAP image (type 0), as read from the wire. */
export interface BitmapImage {
  /** SpiceBitmapFmt (BitmapFormat). */
  format: number;
  width: number;
  height: number;
  /** Bytes from one row to the next in `data`. */
  stride: number;
  /** From the TOP_DOWN bitmap flag. Without it the first row in `data` is the bottom row. */
  topDown: boolean;
  data: Uint8Array;
  /** Required by 1BIT, 4BIT and 8BIT: xRGB entries (0x00RRGGBB, B in the low byte). */
  palette?: Uint32Array | undefined;
}

/**
 * Converts an uncompressed bitmap to top-down BGRA (spice-common pixman_utils.c
 * `spice_bitmap_to_pixman` semantics):
 * - 1BIT_BE / 4BIT_BE: leftmost pixel in the high bit / nibble; _LE: in the low one (canvas_base
 *   supports only the BE forms; LE is the mirror image, protocol-map 6.2).
 * - 8BIT, 4BIT, 1BIT: palette lookup; an index past the palette gives opaque black.
 * - 16BIT: x1r5g5b5 little-endian, channels expanded by bit replication.
 * - 24BIT: bytes B, G, R. 32BIT: B, G, R, X (X becomes 255). RGBA: B, G, R, A kept (hasAlpha).
 * - 8BIT_A: alpha only; B = G = R = 0 (hasAlpha).
 * Data may end right after the last row's pixels (the stride padding of the last row is optional).
 */
export function decodeBitmap(bitmap: BitmapImage, out?: Uint8Array): DecodedImage {
  const { format, width, height, stride, data, palette } = bitmap;
  if (bitsPerPixel(format) === 0) throw new CodecError("ERR_IMAGE_CORRUPT", `unknown bitmap format ${format}`);
  checkDimensions(width, height);
  const rowBytes = minRowBytes(format, width);
  if (!Number.isInteger(stride) || stride < rowBytes) {
    throw new CodecError("ERR_IMAGE_CORRUPT", `bitmap stride ${stride} below ${rowBytes} bytes for ${width} pixels`);
  }
  const needed = stride * (height - 1) + rowBytes;
  if (data.length < needed) throw new CodecError("ERR_IMAGE_CORRUPT", `bitmap data ${data.length} bytes, needs ${needed}`);
  if (isPaletteFormat(format) && !palette) throw new CodecError("ERR_IMAGE_CORRUPT", `bitmap format ${format} without a palette`);

  const hasAlpha = format === BitmapFormat.Rgba || format === BitmapFormat.EightBitA;
  const image = allocImage(width, height, hasAlpha, out);
  convertRows({ format, width, height, data, offset: 0, stride, topDown: bitmap.topDown, palette }, image.data);
  return image;
}
