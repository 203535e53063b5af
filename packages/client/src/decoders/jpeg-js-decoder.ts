import { CodecError, type DecodedImage, type SyncJpegDecoder, swapRedBlue } from "@saffron/codecs";
import decodeJpegJs from "jpeg-js/lib/decoder.js";

export interface JpegJsDecoderOptions {
  /** Largest image accepted, in megapixels (jpeg-js guard; default 64). */
  maxResolutionInMP?: number;
  /** Largest decoder memory footprint in MB (jpeg-js guard; default 512). */
  maxMemoryUsageInMB?: number;
}

/**
 * A synchronous `JpegDecoder` built on jpeg-js (pure JS, no Node or DOM APIs: it runs in Node
 * and in browsers alike). SPICE JPEGs are plain RGB JFIF (protocol-map 6.6: spice-server
 * converts BGRX to RGB before encoding, spice-gtk swaps back after decoding), so the RGBA
 * output only needs R and B exchanged to become BGRA.
 * Any decoder failure becomes CodecError ERR_JPEG_CORRUPT.
 */
export function createJpegJsDecoder(options: JpegJsDecoderOptions = {}): SyncJpegDecoder {
  const maxResolutionInMP = options.maxResolutionInMP ?? 64;
  const maxMemoryUsageInMB = options.maxMemoryUsageInMB ?? 512;
  return (jpeg: Uint8Array): DecodedImage => {
    let raw: { width: number; height: number; data: Uint8Array };
    try {
      raw = decodeJpegJs(jpeg, { useTArray: true, formatAsRGBA: true, tolerantDecoding: true, maxResolutionInMP, maxMemoryUsageInMB });
    } catch (e) {
      const err = new CodecError("ERR_JPEG_CORRUPT", `JPEG decode failed: ${e instanceof Error ? e.message : String(e)}`);
      (err as { cause?: unknown }).cause = e;
      throw err;
    }
    const { width, height, data } = raw;
    if (!(width > 0 && height > 0) || data.length < width * height * 4) {
      throw new CodecError("ERR_JPEG_CORRUPT", `JPEG decoder returned a bad image ${width}x${height}`);
    }
    swapRedBlue(data); // RGBA -> BGRA in place; jpeg-js writes A = 255
    return { width, height, data: data.subarray(0, width * height * 4), hasAlpha: false };
  };
}
