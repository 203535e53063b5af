/**
 * The jitter buffer of the audio worklet: a planar ring of float samples that starts playing
 * once `target` frames are queued, plays silence and re-buffers after an underrun, and drops
 * the oldest audio when more than `max` frames pile up (so latency stays bounded when the
 * network delivers a burst or the server's clock runs fast). Standing latency is trimmed too:
 * when the queue never fell below target + target/2 during a whole `window` of frames played,
 * the surplus over `target` is dropped (a burst at stream start otherwise stays as delay).
 *
 * Self-contained on purpose (no imports, no outer references): its source text is embedded
 * in the AudioWorklet module (see worklet-source.ts) and it is unit-tested as is.
 */
export class JitterRing {
  readonly channels: number;
  readonly capacity: number;
  /** Frames to queue before playing; grows by a quarter after each underrun (up to max/2). */
  target: number;
  max: number;
  /** Frames queued. */
  count = 0;
  /** Playing (true) or filling up to `target` (false). */
  playing = false;
  underruns = 0;
  /** Frames thrown away because the queue went over `max`. */
  dropped = 0;
  private readonly planes: Float32Array[];
  private read = 0;
  /** Frames played in the current trim window, and the lowest fill seen in it. */
  private windowPlayed = 0;
  private windowMin = Infinity;
  readonly window: number;

  constructor(channels: number, capacity: number, target: number, max: number, window = 48000) {
    this.window = window;
    this.channels = channels;
    this.capacity = capacity;
    this.max = Math.min(max, capacity);
    this.target = Math.min(target, this.max);
    this.planes = [];
    for (let c = 0; c < channels; c++) this.planes.push(new Float32Array(capacity));
  }

  /** Appends interleaved frames of `inChannels` channels (mono is copied to every channel; extra channels are ignored). */
  push(interleaved: Float32Array, inChannels: number): void {
    let frames = Math.floor(interleaved.length / inChannels);
    let skip = 0;
    if (frames > this.max) {
      skip = frames - this.max;
      this.dropped += skip;
      frames = this.max;
    }
    if (this.count + frames > this.max) {
      // Keep the newest audio: cut the queue back so that after this push `target` frames remain.
      const drop = Math.min(this.count, this.count + frames - Math.max(this.target, frames));
      this.read = (this.read + drop) % this.capacity;
      this.count -= drop;
      this.dropped += drop;
    }
    let w = (this.read + this.count) % this.capacity;
    for (let i = 0; i < frames; i++) {
      const base = (skip + i) * inChannels;
      for (let c = 0; c < this.channels; c++) this.planes[c]![w] = interleaved[base + (c < inChannels ? c : 0)]!;
      if (++w === this.capacity) w = 0;
    }
    this.count += frames;
  }

  /** Fills `out` (one array per output channel, `frames` long) with queued audio or silence. */
  pull(out: Float32Array[], frames: number): void {
    if (!this.playing && this.count >= this.target && this.count > 0) this.playing = true;
    const n = this.playing ? Math.min(frames, this.count) : 0;
    for (let c = 0; c < out.length; c++) {
      const dst = out[c]!;
      const src = this.planes[c < this.channels ? c : this.channels - 1]!;
      let r = this.read;
      for (let i = 0; i < n; i++) {
        dst[i] = src[r]!;
        if (++r === this.capacity) r = 0;
      }
      dst.fill(0, n, frames);
    }
    this.read = (this.read + n) % this.capacity;
    this.count -= n;
    if (this.playing && n < frames) {
      this.underruns++;
      this.playing = false;
      // The delivery is jerkier than the target allows for: queue more (up to half of max).
      this.target = Math.max(this.target, Math.min(this.max >> 1, Math.round(this.target * 1.25)));
    }
    if (!this.playing) {
      this.windowPlayed = 0;
      this.windowMin = Infinity;
      return;
    }
    if (this.count < this.windowMin) this.windowMin = this.count;
    this.windowPlayed += n;
    if (this.windowPlayed >= this.window) {
      if (this.windowMin > this.target + (this.target >> 1)) {
        const drop = this.windowMin - this.target;
        this.read = (this.read + drop) % this.capacity;
        this.count -= drop;
        this.dropped += drop;
      }
      this.windowPlayed = 0;
      this.windowMin = Infinity;
    }
  }

  /** Forgets everything queued (STOP, or a new stream). */
  reset(): void {
    this.read = 0;
    this.count = 0;
    this.playing = false;
    this.windowPlayed = 0;
    this.windowMin = Infinity;
  }
}
