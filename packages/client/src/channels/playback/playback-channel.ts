import { Caps, ChannelType, SpiceError, playback as pb, type MessageSet } from "@saffron/protocol";
import { SpiceChannel, type ChannelContext, type ChannelEvents, type HandlerTable } from "../base/spice-channel.js";
import { MmTimeClock } from "./mm-time-clock.js";
import type { OpusDecoder, OpusDecoderFactory } from "./opus-decoder.js";
import { s16FromBytes } from "./s16.js";

type PlaybackServerDefs = typeof pb.playbackServer.defs;
type PlaybackClientDefs = typeof pb.playbackClient.defs;

/** PLAYBACK START: the stream's shape and the mode of the packets that follow. */
export interface PlaybackStart {
  channels: number;
  frequency: number;
  /** AudioDataMode from the last MODE message (RAW 1, OPUS 3). */
  mode: number;
  /** mm-time at the start. */
  time: number;
}

/** One PLAYBACK DATA message. */
export interface PlaybackData {
  /** Server mm-time of this audio (ms). */
  time: number;
  /** AudioDataMode it was sent in. */
  mode: number;
  /** RAW: the samples (interleaved S16). OPUS: the decoded samples when the decoder is synchronous. */
  samples?: Int16Array;
  /** OPUS: the packet as received (a copy). */
  packet?: Uint8Array;
}

export interface PlaybackEvents extends ChannelEvents {
  /** MODE: the data mode the server will send in (RAW 1, OPUS 3). */
  mode: (mode: number) => void;
  start: (start: PlaybackStart) => void;
  data: (data: PlaybackData) => void;
  /**
   * Playable PCM, interleaved S16 at the START rate and channel count: every RAW DATA, and
   * every decoded Opus packet (synchronous or not). What a player needs, in stream order.
   */
  pcm: (samples: Int16Array, time: number) => void;
  stop: () => void;
  /** Per-channel volume, 0..65535 (SPICE's u16 scale). */
  volume: (volumes: number[]) => void;
  mute: (muted: boolean) => void;
  /** LATENCY: the server's wish for the client's playback latency (ms). */
  latency: (ms: number) => void;
  /** A packet could not be decoded or was in a mode we cannot play; playback goes on. */
  "decode-error": (error: SpiceError) => void;
}

export interface PlaybackOptions {
  /** Decodes Opus; without one the channel does not offer OPUS and the server sends RAW. */
  opus?: OpusDecoderFactory;
}

/**
 * The PLAYBACK channel (type 5): the server's audio output. RAW (interleaved S16) or Opus
 * (one packet per DATA, 10 ms), mm-time stamped. Advertises VOLUME and LATENCY, and OPUS
 * when an Opus decoder factory is given. No ACK window on this channel.
 */
export class PlaybackChannel extends SpiceChannel<PlaybackServerDefs, PlaybackClientDefs, PlaybackEvents> {
  readonly type = ChannelType.Playback;
  protected readonly server: MessageSet<PlaybackServerDefs> = pb.playbackServer;
  protected readonly client: MessageSet<PlaybackClientDefs> = pb.playbackClient;

  /** Current AudioDataMode (INVALID 0 until the server sends MODE). */
  mode: number = pb.AudioDataMode.Invalid;
  /** The running stream (between START and STOP). */
  started?: PlaybackStart;
  volumes: number[] = [];
  muted = false;
  /** Latency the server asked for (LATENCY), in ms. */
  latencyMs?: number;
  /** The server's mm-time, from DATA and START stamps. */
  readonly clock = new MmTimeClock();
  /** DATA messages received, samples delivered (per channel), and decode failures. */
  readonly counters = { packets: 0, frames: 0, decodeErrors: 0, bytes: 0 };
  private decoder?: OpusDecoder;
  private readonly opus?: OpusDecoderFactory;

  constructor(ctx: ChannelContext, id = 0, options: PlaybackOptions = {}) {
    super(ctx, id);
    this.opus = options.opus;
  }

  protected override channelCaps(): Caps {
    const caps = Caps.of(pb.PlaybackCaps.Volume, pb.PlaybackCaps.Latency);
    if (this.opus) caps.set(pb.PlaybackCaps.Opus);
    return caps;
  }

  /** The estimated server mm-time now (undefined before the first stamp). */
  mmTime(nowMs = Date.now()): number | undefined {
    return this.clock.now(nowMs);
  }

  private deliver(samples: Int16Array, time: number): void {
    const ch = this.started?.channels || 2;
    this.counters.frames += Math.floor(samples.length / ch);
    this.emit("pcm", samples, time);
  }

  private decodeError(message: string, cause?: unknown): void {
    this.counters.decodeErrors++;
    const e = new SpiceError("ERR_SPICE_MALFORMED", `${this.name}: ${message}`, { cause });
    if (this.counters.decodeErrors <= 3) this.ctx.log.warn(this.name, e.message);
    this.emit("decode-error", e);
  }

  private openDecoder(start: PlaybackStart): void {
    this.closeDecoder();
    if (!this.opus) return;
    try {
      this.decoder = this.opus({
        frequency: start.frequency,
        channels: start.channels,
        output: (pcm, time) => {
          if (!this.closed) this.deliver(pcm, time);
        },
        error: (e) => this.decodeError(`Opus decoder: ${e.message}`, e),
      });
    } catch (e) {
      this.decodeError(`cannot create an Opus decoder for ${start.channels} ch at ${start.frequency} Hz: ${e instanceof Error ? e.message : String(e)}`, e);
    }
  }

  private closeDecoder(): void {
    const d = this.decoder;
    this.decoder = undefined;
    try {
      d?.close();
    } catch {
      // a decoder that fails to close has nothing left to give
    }
  }

  override close(): void {
    this.closeDecoder();
    super.close();
  }

  protected readonly handlers: HandlerTable<PlaybackServerDefs> = {
    Mode: (b) => {
      this.mode = b.mode;
      this.clock.update(b.time, Date.now());
      this.emit("mode", b.mode);
    },
    Start: (b) => {
      if (b.format !== pb.AudioFormat.S16) throw new SpiceError("ERR_SPICE_MALFORMED", `${this.name}: START with sample format ${b.format}; only S16 (1) exists`);
      if (b.channels < 1 || b.channels > 8) throw new SpiceError("ERR_SPICE_MALFORMED", `${this.name}: START with ${b.channels} channels`);
      if (b.frequency < 1000 || b.frequency > 384_000) throw new SpiceError("ERR_SPICE_MALFORMED", `${this.name}: START at ${b.frequency} Hz`);
      const start: PlaybackStart = { channels: b.channels, frequency: b.frequency, mode: this.mode, time: b.time };
      this.started = start;
      this.clock.update(b.time, Date.now());
      if (this.mode === pb.AudioDataMode.Opus) this.openDecoder(start);
      this.emit("start", start);
    },
    Data: (b) => {
      this.counters.packets++;
      this.counters.bytes += b.data.length;
      this.clock.update(b.time, Date.now());
      const time = b.time;
      if (this.mode === pb.AudioDataMode.Raw) {
        const ch = this.started?.channels ?? 2;
        const whole = b.data.length - (b.data.length % (2 * ch));
        if (whole !== b.data.length) this.decodeError(`RAW DATA of ${b.data.length} bytes is not whole ${ch}-channel S16 frames; the tail is dropped`);
        const samples = s16FromBytes(b.data.subarray(0, whole));
        this.emit("data", { time, mode: this.mode, samples });
        this.deliver(samples, time);
        return;
      }
      if (this.mode === pb.AudioDataMode.Opus) {
        const packet = b.data.slice();
        if (!this.decoder && this.opus && this.started) this.openDecoder(this.started);
        let samples: Int16Array | undefined;
        if (this.decoder) {
          try {
            samples = this.decoder.decode(packet, time);
          } catch (e) {
            this.decodeError(`Opus packet of ${packet.length} bytes does not decode: ${e instanceof Error ? e.message : String(e)}`, e);
          }
        }
        this.emit("data", { time, mode: this.mode, packet, samples });
        if (samples) this.deliver(samples, time);
        return;
      }
      this.decodeError(`DATA in mode ${this.mode}, which this client cannot play; dropped`);
    },
    Stop: () => {
      this.started = undefined;
      this.closeDecoder();
      this.emit("stop");
    },
    Volume: (b) => {
      this.volumes = b.volume.slice();
      this.emit("volume", this.volumes);
    },
    Mute: (b) => {
      this.muted = b.mute !== 0;
      this.emit("mute", this.muted);
    },
    Latency: (b) => {
      this.latencyMs = b.latencyMs;
      this.emit("latency", b.latencyMs);
    },
  };
}
