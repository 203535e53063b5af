import type { DecodedImage } from "@saffron/codecs";

/**
 * One video stream's decoder, made by a VideoDecoderFactory. Frames come in stream order
 * (MJPEG: a complete JPEG; VP8/VP9: one raw frame; H.264: one Annex B access unit).
 */
export interface StreamDecoder {
  /**
   * Decodes one frame. Resolves with the picture as top-down B,G,R,X pixels (any size: the
   * player scales it to the stream's destination), or null when the frame gave no picture
   * (a delta frame before the first key frame, a frame the decoder dropped). Rejects only for
   * data the decoder cannot take; the player then counts the frame as dropped.
   */
  decode(frame: Uint8Array): Promise<DecodedImage | null>;
  /** Frees the decoder (stream destroyed, channel closed). */
  close(): void;
}

/**
 * Asynchronous video decoding the environment provides (browsers: WebCodecs, see
 * `createWebCodecsVideoFactory` in @saffron/client/browser). The display channel advertises a
 * codec's capability only when the factory lists it; MJPEG is always available (synchronous
 * JPEG decoder) and goes through the factory too when it lists MJPEG.
 */
export interface VideoDecoderFactory {
  /** SPICE video codec types (display VideoCodecType: MJPEG 1, VP8 2, H264 3, VP9 4) it decodes. */
  readonly codecs: readonly number[];
  create(codec: number, width: number, height: number): StreamDecoder;
}
