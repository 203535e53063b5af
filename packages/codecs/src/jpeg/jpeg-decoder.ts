import { CodecError } from "../errors.js";
import type { DecodedImage } from "../pixels.js";

/**
 * Decodes a complete baseline JFIF file (SPICE image types JPEG 105 and the colour part of
 * JPEG_ALPHA 108) to a DecodedImage: top-down BGRA, A = 255, hasAlpha false. Implementations
 * are injected because @saffron/codecs has no runtime dependencies (Node: jpeg-js in
 * @saffron/client/node; browsers: ImageDecoder or createImageBitmap, hence the async form).
 * A corrupt file should throw CodecError ERR_JPEG_CORRUPT; `decodeJpeg` wraps anything else.
 *
 * SPICE JPEGs are ordinary RGB JFIF: spice-server (jpeg-encoder.c) converts its BGRX/BGR24/RGB16
 * rows to true RGB and encodes with in_color_space JCS_RGB; spice-gtk (decode-jpeg.c) decodes to
 * RGB and swaps to BGRX. No channel swap is carried in the file. Always top-down.
 */
export type JpegDecoder = (jpeg: Uint8Array) => DecodedImage | Promise<DecodedImage>;

/** A decoder that answers synchronously (what `decodeJpegSync` needs). */
export type SyncJpegDecoder = (jpeg: Uint8Array) => DecodedImage;

function checkResult(img: DecodedImage, width: number, height: number): DecodedImage {
  if (img.width !== width || img.height !== height) {
    throw new CodecError("ERR_JPEG_CORRUPT", `JPEG is ${img.width}x${img.height}, the image descriptor says ${width}x${height}`);
  }
  if (img.data.length < width * height * 4) throw new CodecError("ERR_JPEG_CORRUPT", "JPEG decoder returned too little data");
  return img;
}

function wrap(e: unknown): CodecError {
  if (e instanceof CodecError) return e;
  const err = new CodecError("ERR_JPEG_CORRUPT", `JPEG decode failed: ${e instanceof Error ? e.message : String(e)}`);
  (err as { cause?: unknown }).cause = e;
  return err;
}

/** Runs a synchronous decoder and checks the size against the image descriptor. */
export function decodeJpegSync(jpeg: Uint8Array, width: number, height: number, decoder: SyncJpegDecoder): DecodedImage {
  let img: DecodedImage;
  try {
    img = decoder(jpeg);
  } catch (e) {
    throw wrap(e);
  }
  return checkResult(img, width, height);
}

/** Runs any decoder and checks the size against the image descriptor. */
export async function decodeJpeg(jpeg: Uint8Array, width: number, height: number, decoder: JpegDecoder): Promise<DecodedImage> {
  let img: DecodedImage;
  try {
    img = await decoder(jpeg);
  } catch (e) {
    throw wrap(e);
  }
  return checkResult(img, width, height);
}
