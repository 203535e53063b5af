import type { EncoderSet } from "./client-encoder.js";

/** The encoders available to the server (filled in as @saffron/codecs gains them). */
export function defaultEncoders(): EncoderSet {
  return {};
}
