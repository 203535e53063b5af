import { describe, expect, it } from "vitest";
import { LinearResampler } from "./resampler.js";

function sine(frames: number, freq: number, rate: number, start = 0): Int16Array {
  const a = new Int16Array(frames * 2);
  for (let i = 0; i < frames; i++) a[2 * i] = a[2 * i + 1] = Math.round(16384 * Math.sin((2 * Math.PI * freq * (start + i)) / rate));
  return a;
}

describe("LinearResampler", () => {
  it("converts S16 to float at equal rates", () => {
    const r = new LinearResampler(48000, 48000, 2);
    expect(Array.from(r.process(new Int16Array([-32768, 16384, 0, 32767])))).toEqual([-1, 0.5, 0, 32767 / 32768]);
  });

  it("44.1 → 48 kHz across packet boundaries: right length, continuous sine", () => {
    const r = new LinearResampler(44100, 48000, 2);
    const parts: Float32Array[] = [];
    for (let k = 0; k < 100; k++) parts.push(r.process(sine(441, 1000, 44100, k * 441)));
    const frames = parts.reduce((n, p) => n + p.length / 2, 0);
    expect(Math.abs(frames - 48000)).toBeLessThanOrEqual(2);
    const all = new Float32Array(frames * 2);
    let o = 0;
    for (const p of parts) all.set(p, (o += p.length) - p.length);
    let maxErr = 0;
    for (let i = 0; i < frames - 1; i++) maxErr = Math.max(maxErr, Math.abs(all[2 * i]! - 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 48000)));
    expect(maxErr).toBeLessThan(0.01);
  });

  it("48 → 24 kHz halves the frame count", () => {
    const r = new LinearResampler(48000, 24000, 2);
    expect(r.process(sine(480, 100, 48000)).length).toBe(480);
  });
});
