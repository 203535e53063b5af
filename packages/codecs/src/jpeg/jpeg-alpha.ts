import { CodecError } from "../errors.js";
import { readLzHeader } from "../lz/lz-header.js";
import { LzImageType } from "../lz/lz-image-type.js";
import type { DecodedImage } from "../pixels.js";
import { decodeJpeg, decodeJpegSync, type JpegDecoder, type SyncJpegDecoder } from "./jpeg-decoder.js";

/** JPEG_ALPHA flags (SpiceJpegAlphaFlags). */
export const JpegAlphaFlags = { TopDown: 1 } as const;

/**
 * Writes the alpha of every pixel into byte 3 of `target.data` from an LZ stream of type XXXA
 * (protocol-map 6.2), honouring the stream's own top_down (the first alpha row is the bottom
 * display row without it). That is `decodeLzAlpha(data, target)` from ../lz/.
 */
export type LzAlphaDecoder = (data: Uint8Array, target: DecodedImage) => void;

/** The body of a JPEG_ALPHA image after its descriptor (protocol-map 5.1). */
export interface JpegAlphaImage {
  /** JPEG_ALPHA flags (TOP_DOWN = 1). */
  flags: number;
  /** Number of leading bytes of `data` that are the JPEG. */
  jpegSize: number;
  /** JPEG file followed by the LZ XXXA alpha stream. */
  data: Uint8Array;
}

/** Splits the body and checks the alpha stream's LZ header against the image (canvas_get_jpeg_alpha). */
export function splitJpegAlpha(body: JpegAlphaImage, width: number, height: number): { jpeg: Uint8Array; alpha: Uint8Array } {
  const { data, jpegSize } = body;
  if (!Number.isInteger(jpegSize) || jpegSize <= 0 || jpegSize > data.length) {
    throw new CodecError("ERR_IMAGE_CORRUPT", `JPEG_ALPHA jpeg_size ${jpegSize} outside data of ${data.length} bytes`);
  }
  const jpeg = data.subarray(0, jpegSize);
  const alpha = data.subarray(jpegSize);
  const header = readLzHeader(alpha);
  if (header.type !== LzImageType.Xxxa) throw new CodecError("ERR_LZ_CORRUPT", `JPEG_ALPHA alpha stream has LZ type ${header.type}, not XXXA`, jpegSize + 8);
  if (header.width !== width || header.height !== height) {
    throw new CodecError("ERR_LZ_CORRUPT", `JPEG_ALPHA alpha is ${header.width}x${header.height}, image is ${width}x${height}`, jpegSize + 12);
  }
  if (header.topDown !== ((body.flags & JpegAlphaFlags.TopDown) !== 0)) {
    throw new CodecError("ERR_LZ_CORRUPT", "JPEG_ALPHA TOP_DOWN flag and LZ top_down differ", jpegSize + 24);
  }
  return { jpeg, alpha };
}

/**
 * Decodes a JPEG_ALPHA image. Call order (spice-common canvas_get_jpeg_alpha):
 * 1. split and check the alpha header (`splitJpegAlpha`);
 * 2. decode the JPEG (always top-down RGB) to BGRA with A = 255, sized as the descriptor says;
 * 3. `decodeLzAlpha(alpha, image)` overwrites byte 3 of each pixel, flipping rows itself when the
 *    LZ stream is bottom-up;
 * 4. the result has `hasAlpha = true`.
 */
export async function decodeJpegAlpha(
  body: JpegAlphaImage,
  width: number,
  height: number,
  jpegDecoder: JpegDecoder,
  decodeLzAlpha: LzAlphaDecoder,
): Promise<DecodedImage> {
  const { jpeg, alpha } = splitJpegAlpha(body, width, height);
  const image = await decodeJpeg(jpeg, width, height, jpegDecoder);
  return addAlpha(image, alpha, decodeLzAlpha);
}

/** `decodeJpegAlpha` with a synchronous JPEG decoder. */
export function decodeJpegAlphaSync(
  body: JpegAlphaImage,
  width: number,
  height: number,
  jpegDecoder: SyncJpegDecoder,
  decodeLzAlpha: LzAlphaDecoder,
): DecodedImage {
  const { jpeg, alpha } = splitJpegAlpha(body, width, height);
  return addAlpha(decodeJpegSync(jpeg, width, height, jpegDecoder), alpha, decodeLzAlpha);
}

function addAlpha(image: DecodedImage, alpha: Uint8Array, decodeLzAlpha: LzAlphaDecoder): DecodedImage {
  const target: DecodedImage = { width: image.width, height: image.height, data: image.data.subarray(0, image.width * image.height * 4), hasAlpha: true };
  decodeLzAlpha(alpha, target);
  return target;
}
