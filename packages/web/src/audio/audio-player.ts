import type { AudioEvent } from "./audio-events.js";
import { LinearResampler } from "./resampler.js";
import { PLAYBACK_PROCESSOR, playbackWorkletSource, type WorkletReport } from "./worklet-source.js";
import { audioPlaybackSupported } from "./audio-support.js";

export interface AudioPlayerOptions {
  /** Audio queued before playback starts (and after an underrun), ms. Default 80. */
  bufferMs?: number;
  /** Most audio kept queued; beyond it the oldest is dropped back to bufferMs. Default 250. */
  maxBufferMs?: number;
  /** AudioContext rate asked for. Default 48000 (SPICE's rate: no resampling). */
  sampleRate?: number;
}

/** Audio statistics for 'stats'. */
export interface AudioStats {
  /** Audio queued in the jitter buffer, ms. */
  bufferedMs: number;
  /** Times the buffer ran dry while playing. */
  underruns: number;
  /** Audio dropped because too much was queued, ms. */
  droppedMs: number;
  /** Playing (false while filling up). */
  playing: boolean;
  /** AudioContext state ("running", or "suspended" until a user gesture where autoplay is blocked). */
  state: string;
}

/** PCM kept while the worklet module loads (about 1 s). */
const MAX_PENDING = 100;

/**
 * Plays the server's audio through WebAudio: an AudioContext (48 kHz), an AudioWorklet with a
 * jitter buffer (JitterRing), then a gain node (volume, mute) to the speakers. PCM at another
 * rate is resampled to the context's. Feed it AudioEvents (see forwardPlayback).
 */
export class AudioPlayer {
  private readonly options: Required<AudioPlayerOptions>;
  private ctx?: AudioContext;
  private node?: AudioWorkletNode;
  private gain?: GainNode;
  private analyserNode?: AnalyserNode;
  private ready?: Promise<void>;
  private failed = false;
  private pending: Float32Array[] = [];
  private resampler?: LinearResampler;
  private channels = 2;
  private report: WorkletReport = { fill: 0, underruns: 0, dropped: 0, playing: false };
  private userMuted = false;
  private userVolume = 1;
  private serverMuted = false;
  private serverVolume = 1;
  private closed = false;

  constructor(options: AudioPlayerOptions = {}) {
    this.options = { bufferMs: 80, maxBufferMs: 250, sampleRate: 48000, ...options };
  }

  /** Is WebAudio with AudioWorklet there at all? */
  static get supported(): boolean {
    return audioPlaybackSupported();
  }

  get muted(): boolean {
    return this.userMuted;
  }

  set muted(m: boolean) {
    this.userMuted = m;
    this.applyGain();
  }

  /** The local volume, 0..1 (times the server's). */
  get volume(): number {
    return this.userVolume;
  }

  set volume(v: number) {
    this.userVolume = Math.max(0, Math.min(1, v));
    this.applyGain();
  }

  /** The AudioContext rate (undefined before the first stream). */
  get sampleRate(): number | undefined {
    return this.ctx?.sampleRate;
  }

  get stats(): AudioStats {
    const rate = this.ctx?.sampleRate ?? this.options.sampleRate;
    return {
      bufferedMs: Math.round((this.report.fill * 1000) / rate),
      underruns: this.report.underruns,
      droppedMs: Math.round((this.report.dropped * 1000) / rate),
      playing: this.report.playing,
      state: this.ctx?.state ?? "none",
    };
  }

  /** Resumes a context the browser suspended for lack of a user gesture; call from a click or key handler. */
  resume(): void {
    if (this.ctx && this.ctx.state === "suspended") void this.ctx.resume().catch(() => {});
  }

  /**
   * An AnalyserNode fed with what is played (after volume and mute), for meters and tests.
   * Undefined before the first stream starts (no AudioContext yet).
   */
  analyser(): AnalyserNode | undefined {
    if (!this.ctx || !this.gain) return undefined;
    if (!this.analyserNode) {
      this.analyserNode = this.ctx.createAnalyser();
      this.analyserNode.fftSize = 8192;
      this.analyserNode.smoothingTimeConstant = 0;
      this.gain.connect(this.analyserNode);
    }
    return this.analyserNode;
  }

  handle(ev: AudioEvent): void {
    if (this.closed) return;
    switch (ev.a) {
      case "start":
        this.startStream(ev.channels, ev.frequency);
        return;
      case "pcm":
        this.play(ev.samples);
        return;
      case "stop":
        // What is queued still plays out; the next START resets.
        return;
      case "volume": {
        const v = ev.volumes.length ? ev.volumes.reduce((a, b) => a + b, 0) / ev.volumes.length : 65535;
        this.serverVolume = v / 65535;
        this.applyGain();
        return;
      }
      case "mute":
        this.serverMuted = ev.muted;
        this.applyGain();
        return;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    this.node?.disconnect();
    void this.ctx?.close().catch(() => {});
  }

  private startStream(channels: number, frequency: number): void {
    this.channels = Math.max(1, channels);
    this.ensureContext();
    const rate = this.ctx?.sampleRate ?? this.options.sampleRate;
    this.resampler = new LinearResampler(frequency, rate, this.channels);
    this.node?.port.postMessage({ reset: true });
    this.pending = [];
  }

  private play(samples: Int16Array): void {
    if (!this.resampler) this.startStream(this.channels, 48000);
    if (this.failed || !this.resampler) return;
    const f = this.resampler.process(samples);
    if (this.node) {
      this.node.port.postMessage({ pcm: f, channels: this.channels }, [f.buffer]);
    } else {
      this.pending.push(f);
      if (this.pending.length > MAX_PENDING) this.pending.shift();
    }
  }

  private ensureContext(): void {
    if (this.ctx || this.failed) return;
    if (!AudioPlayer.supported) {
      this.failed = true;
      return;
    }
    let ctx: AudioContext;
    try {
      ctx = new AudioContext({ sampleRate: this.options.sampleRate, latencyHint: "interactive" });
    } catch {
      ctx = new AudioContext({ latencyHint: "interactive" });
    }
    this.ctx = ctx;
    this.gain = ctx.createGain();
    this.gain.connect(ctx.destination);
    this.applyGain();
    const url = URL.createObjectURL(new Blob([playbackWorkletSource()], { type: "text/javascript" }));
    this.ready = ctx.audioWorklet.addModule(url).then(
      () => {
        URL.revokeObjectURL(url);
        if (this.closed) return;
        const rate = ctx.sampleRate;
        const node = new AudioWorkletNode(ctx, PLAYBACK_PROCESSOR, {
          numberOfInputs: 0,
          numberOfOutputs: 1,
          outputChannelCount: [2],
          processorOptions: {
            channels: 2,
            capacity: Math.ceil((rate * (this.options.maxBufferMs + 200)) / 1000),
            target: Math.round((rate * this.options.bufferMs) / 1000),
            max: Math.round((rate * this.options.maxBufferMs) / 1000),
            // Standing latency is trimmed once a second at most.
            window: rate,
          },
        });
        node.port.onmessage = (e: MessageEvent<WorkletReport>) => (this.report = e.data);
        node.connect(this.gain!);
        this.node = node;
        for (const f of this.pending.splice(0)) node.port.postMessage({ pcm: f, channels: this.channels }, [f.buffer]);
      },
      () => {
        URL.revokeObjectURL(url);
        this.failed = true;
        this.pending = [];
      },
    );
  }

  private applyGain(): void {
    if (!this.gain) return;
    const g = this.userMuted || this.serverMuted ? 0 : this.userVolume * this.serverVolume;
    this.gain.gain.value = g;
  }
}
