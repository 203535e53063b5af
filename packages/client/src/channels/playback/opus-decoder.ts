/**
 * A pluggable Opus decoder for the PLAYBACK channel. The client core has no codec of its own:
 * Node passes createNodeOpusDecoder() (@saffron/client/node), browsers wrap WebCodecs
 * AudioDecoder. The channel advertises PLAYBACK_CAP_OPUS only when it was given a factory.
 */
export interface OpusDecoderConfig {
  /** Sample rate from PLAYBACK START (48000 from spice-server). */
  frequency: number;
  /** Channel count from PLAYBACK START (2 from spice-server). */
  channels: number;
  /**
   * Where an asynchronous decoder delivers PCM (interleaved S16, `channels` per frame), with
   * the mm-time of the packet it came from. Synchronous decoders return it from decode().
   */
  output(pcm: Int16Array, time: number): void;
  /** A packet could not be decoded (asynchronous decoders). */
  error(error: Error): void;
}

export interface OpusDecoder {
  /**
   * Decodes one Opus packet. A synchronous decoder returns the PCM (interleaved S16); an
   * asynchronous one returns undefined and calls `config.output` later. Throws (or calls
   * `config.error`) for a packet it cannot decode.
   */
  decode(packet: Uint8Array, time: number): Int16Array | undefined;
  close(): void;
}

export type OpusDecoderFactory = (config: OpusDecoderConfig) => OpusDecoder;
