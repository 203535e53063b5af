/**
 * Converts interleaved S16 PCM to interleaved float at the AudioContext's rate. Linear
 * interpolation, with its position carried across calls so consecutive packets join
 * seamlessly. At equal rates it is a plain S16 → float conversion.
 */
export class LinearResampler {
  readonly from: number;
  readonly to: number;
  readonly channels: number;
  private readonly step: number;
  /** Position of the next output frame, in input frames relative to the start of the next chunk (may be negative: between `last` and it). */
  private pos = 0;
  private last: Float32Array;
  private haveLast = false;

  constructor(from: number, to: number, channels: number) {
    if (!(from > 0 && to > 0 && channels > 0)) throw new RangeError(`resampler ${from} → ${to} Hz, ${channels} ch`);
    this.from = from;
    this.to = to;
    this.channels = channels;
    this.step = from / to;
    this.last = new Float32Array(channels);
  }

  process(input: Int16Array): Float32Array {
    const ch = this.channels;
    const frames = Math.floor(input.length / ch);
    if (this.from === this.to) {
      const out = new Float32Array(frames * ch);
      for (let i = 0; i < out.length; i++) out[i] = input[i]! / 32768;
      return out;
    }
    if (frames === 0) return new Float32Array(0);
    // Frame k of the input, with k = -1 meaning the last frame of the previous chunk.
    const at = (k: number, c: number): number => (k < 0 ? (this.haveLast ? this.last[c]! : input[c]! / 32768) : input[k * ch + c]! / 32768);
    const out: number[] = [];
    let p = this.pos;
    while (p <= frames - 1) {
      const k = Math.floor(p);
      const f = p - k;
      for (let c = 0; c < ch; c++) {
        const a = at(k, c);
        const b = k + 1 <= frames - 1 ? at(k + 1, c) : a;
        out.push(a + (b - a) * f);
      }
      p += this.step;
    }
    this.pos = p - frames;
    for (let c = 0; c < ch; c++) this.last[c] = input[(frames - 1) * ch + c]! / 32768;
    this.haveLast = true;
    return Float32Array.from(out);
  }
}
