import { Caps, ChannelType, SpiceError, playback as pb, record as rec, type MessageSet } from "@saffron/protocol";
import { SpiceChannel, type ChannelContext, type ChannelEvents, type HandlerTable } from "../base/spice-channel.js";
import { s16ToBytes } from "../playback/s16.js";

type RecordServerDefs = typeof rec.recordServer.defs;
type RecordClientDefs = typeof rec.recordClient.defs;

/** RECORD START: what the server wants to receive. */
export interface RecordStart {
  channels: number;
  frequency: number;
}

export interface RecordEvents extends ChannelEvents {
  /** The server wants audio now (channels, rate): call sendPcm() with it. */
  start: (start: RecordStart) => void;
  /** The server no longer wants audio. */
  stop: () => void;
  volume: (volumes: number[]) => void;
  mute: (muted: boolean) => void;
}

/** Largest RAW DATA body sent in one message (spice-server's receive buffer is 4 KiB per message). */
const MAX_DATA_BYTES = 1920;

/**
 * The RECORD channel (type 6): the client's microphone, sent to the server. Minimal: RAW S16
 * only. On START the client announces its mode (MODE RAW) and, with the first samples, a
 * START_MARK; sendPcm() then sends DATA messages of at most 10 ms (480 frames of stereo).
 */
export class RecordChannel extends SpiceChannel<RecordServerDefs, RecordClientDefs, RecordEvents> {
  readonly type = ChannelType.Record;
  protected readonly server: MessageSet<RecordServerDefs> = rec.recordServer;
  protected readonly client: MessageSet<RecordClientDefs> = rec.recordClient;

  /** Set between START and STOP. */
  started?: RecordStart;
  volumes: number[] = [];
  muted = false;
  /** DATA messages and sample frames sent. */
  readonly counters = { packets: 0, frames: 0 };
  private markSent = false;
  /** Local clock for the mm-time stamps of DATA (ms since the START_MARK). */
  private readonly now: () => number;
  private startMarkAt = 0;

  constructor(ctx: ChannelContext, id = 0, options: { now?: () => number } = {}) {
    super(ctx, id);
    this.now = options.now ?? (() => Date.now());
  }

  protected override channelCaps(): Caps {
    return Caps.of(rec.RecordCaps.Volume);
  }

  /**
   * Sends interleaved S16 samples (the START channel count per frame) as RAW DATA. The first
   * call after START sends a START_MARK first. Returns false when the server has not asked for
   * audio (no START, or after STOP) and nothing was sent.
   */
  sendPcm(samples: Int16Array, time?: number): boolean {
    const s = this.started;
    if (!s || this.closed) return false;
    if (samples.length % s.channels !== 0) throw new RangeError(`sendPcm: ${samples.length} samples are not whole ${s.channels}-channel frames`);
    if (!this.markSent) {
      this.startMarkAt = this.now();
      this.send("StartMark", { time: (time ?? 0) >>> 0 });
      this.markSent = true;
    }
    const stamp = (time ?? Math.round(this.now() - this.startMarkAt)) >>> 0;
    const bytes = s16ToBytes(samples);
    const step = MAX_DATA_BYTES - (MAX_DATA_BYTES % (2 * s.channels));
    for (let off = 0; off < bytes.length; off += step) {
      this.send("Data", { time: stamp, data: bytes.subarray(off, Math.min(bytes.length, off + step)) });
      this.counters.packets++;
    }
    this.counters.frames += samples.length / s.channels;
    return true;
  }

  protected readonly handlers: HandlerTable<RecordServerDefs> = {
    Start: (b) => {
      if (b.format !== pb.AudioFormat.S16) throw new SpiceError("ERR_SPICE_MALFORMED", `${this.name}: START with sample format ${b.format}; only S16 (1) exists`);
      if (b.channels < 1 || b.channels > 8) throw new SpiceError("ERR_SPICE_MALFORMED", `${this.name}: START with ${b.channels} channels`);
      if (b.frequency < 1000 || b.frequency > 384_000) throw new SpiceError("ERR_SPICE_MALFORMED", `${this.name}: START at ${b.frequency} Hz`);
      this.started = { channels: b.channels, frequency: b.frequency };
      this.markSent = false;
      // We only send RAW: say so, as spice-gtk does on every START.
      this.send("Mode", { time: 0, mode: pb.AudioDataMode.Raw, data: new Uint8Array(0) });
      this.emit("start", this.started);
    },
    Stop: () => {
      this.started = undefined;
      this.markSent = false;
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
  };
}
