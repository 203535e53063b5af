import { GlzEncoderDictionary, LzEncoder, encodeGlz, encodeLz4 } from "@saffron/codecs";
import type { EncoderSet } from "./client-encoder.js";

/**
 * The encoders the server uses. The LZ encoder keeps its tables between images; GLZ gets
 * one dictionary per client, sized by the window the client announced in DISPLAY_INIT.
 */
export function defaultEncoders(): EncoderSet {
  const lz = new LzEncoder();
  return {
    lz: (p) => lz.encode(p),
    lz4: (p) => encodeLz4(p),
    glz: (windowPixels) => {
      const dict = new GlzEncoderDictionary(windowPixels);
      return (p) => encodeGlz(p, dict);
    },
  };
}
