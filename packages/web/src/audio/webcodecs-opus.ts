import type { OpusDecoder, OpusDecoderConfig, OpusDecoderFactory } from "@saffron/client";

/**
 * An Opus decoder factory on WebCodecs AudioDecoder, or undefined when this browser cannot
 * decode Opus at 48 kHz stereo (then the console does not offer Opus and gets RAW). The
 * decoder is asynchronous: PCM arrives through `config.output`, in packet order.
 */
export async function webCodecsOpusDecoder(): Promise<OpusDecoderFactory | undefined> {
  const g = globalThis as { AudioDecoder?: typeof AudioDecoder; EncodedAudioChunk?: typeof EncodedAudioChunk };
  if (!g.AudioDecoder || !g.EncodedAudioChunk) return undefined;
  try {
    const r = await g.AudioDecoder.isConfigSupported({ codec: "opus", sampleRate: 48000, numberOfChannels: 2 });
    if (!r.supported) return undefined;
  } catch {
    return undefined;
  }
  return (config) => new WebCodecsOpusDecoder(config);
}

class WebCodecsOpusDecoder implements OpusDecoder {
  private decoder?: AudioDecoder;

  constructor(private readonly config: OpusDecoderConfig) {
    this.open();
  }

  private open(): AudioDecoder {
    const d = new AudioDecoder({
      output: (data) => {
        try {
          this.config.output(interleavedS16(data, this.config.channels), Math.round(data.timestamp / 1000) >>> 0);
        } finally {
          data.close();
        }
      },
      error: (e) => this.config.error(e instanceof Error ? e : new Error(String(e))),
    });
    d.configure({ codec: "opus", sampleRate: this.config.frequency, numberOfChannels: this.config.channels });
    this.decoder = d;
    return d;
  }

  decode(packet: Uint8Array, time: number): undefined {
    // A decode error closes an AudioDecoder for good: start a new one for the next packet.
    const d = !this.decoder || this.decoder.state === "closed" ? this.open() : this.decoder;
    d.decode(new EncodedAudioChunk({ type: "key", timestamp: time * 1000, data: packet }));
    return undefined;
  }

  close(): void {
    if (this.decoder && this.decoder.state !== "closed") this.decoder.close();
    this.decoder = undefined;
  }
}

/** AudioData (any sample format) as interleaved S16 with `channels` channels. */
function interleavedS16(data: AudioData, channels: number): Int16Array {
  const frames = data.numberOfFrames;
  const out = new Int16Array(frames * channels);
  const plane = new Float32Array(frames);
  for (let c = 0; c < channels; c++) {
    data.copyTo(plane, { planeIndex: Math.min(c, data.numberOfChannels - 1), format: "f32-planar" });
    for (let i = 0; i < frames; i++) {
      const v = Math.round(plane[i]! * 32768);
      out[i * channels + c] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
  }
  return out;
}
