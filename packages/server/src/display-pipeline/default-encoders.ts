import { GlzEncoderDictionary, LzEncoder, QuicEncoder, encodeGlz, encodeLz4 } from "@saffron/codecs";
import { deflateSync } from "node:zlib";
import type { EncoderSet } from "./client-encoder.js";

const ZLIB_LEVEL = 3;

/**
 * The encoders the server uses. The LZ encoder keeps its tables between images; GLZ gets
 * one dictionary per client, sized by the window the client announced in DISPLAY_INIT.
 */
export function defaultEncoders(): EncoderSet {
  const lz = new LzEncoder();
  const quic = new QuicEncoder();
  return {
    // QuicEncoder returns a view of its reusable buffer: copy, as the message may be queued.
    quic: (p) => quic.encode(p).slice(),
    lz: (p) => lz.encode(p),
    lz4: (p) => encodeLz4(p),
    glz: (windowPixels) => {
      const dict = new GlzEncoderDictionary(windowPixels);
      // Disposed, its tables go to the next client's dictionary.
      return { encode: (p) => encodeGlz(p, dict), dispose: () => dict.dispose() };
    },
    // Level 3, spice-server's ZLIB_DEFAULT_COMPRESSION_LEVEL: ~2.5x smaller GLZ for text-like pictures.
    deflate: (data) => new Uint8Array(deflateSync(data, { level: ZLIB_LEVEL })),
  };
}
