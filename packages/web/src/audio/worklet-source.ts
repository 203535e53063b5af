import { JitterRing } from "./jitter-ring.js";

/** Name the playback processor is registered under. */
export const PLAYBACK_PROCESSOR = "saffron-playback";

/** Messages from the processor, about every 50 ms. */
export interface WorkletReport {
  fill: number;
  underruns: number;
  dropped: number;
  playing: boolean;
}

/**
 * The AudioWorklet module (as source text, loaded from a blob URL so the page needs no extra
 * file): a processor that plays from a JitterRing. The main thread posts
 * `{ pcm: Float32Array (interleaved), channels }` and `{ reset: true }`.
 */
export function playbackWorkletSource(): string {
  return `const Ring = (${JitterRing.toString()});
class SaffronPlayback extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions;
    this.ring = new Ring(o.channels, o.capacity, o.target, o.max, o.window);
    this.quanta = 0;
    this.port.onmessage = (e) => {
      const m = e.data;
      if (m.reset) this.ring.reset();
      if (m.pcm) this.ring.push(m.pcm, m.channels);
    };
  }
  process(inputs, outputs) {
    const out = outputs[0];
    if (out && out.length) this.ring.pull(out, out[0].length);
    if (++this.quanta % 19 === 0) {
      const r = this.ring;
      this.port.postMessage({ fill: r.count, underruns: r.underruns, dropped: r.dropped, playing: r.playing });
    }
    return true;
  }
}
registerProcessor(${JSON.stringify(PLAYBACK_PROCESSOR)}, SaffronPlayback);
`;
}
