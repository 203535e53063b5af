import { createRequire } from "node:module";
import type OpusScriptType from "opusscript";
import { describe, expect, it } from "vitest";
import { createNodeOpusDecoder } from "./opus-decoder.js";

const OpusScript = createRequire(import.meta.url)("opusscript") as typeof OpusScriptType;

/** Goertzel power of `freq` in the left channel of interleaved stereo. */
function power(pcm: Int16Array, freq: number, rate = 48000): number {
  const k = 2 * Math.cos((2 * Math.PI * freq) / rate);
  let s1 = 0;
  let s2 = 0;
  const n = pcm.length >> 1;
  for (let i = 0; i < n; i++) {
    const s = pcm[2 * i]! / 32768 + k * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return Math.sqrt(s1 * s1 + s2 * s2 - k * s1 * s2) / (n / 2);
}

describe("createNodeOpusDecoder (opusscript)", () => {
  it("decodes 10 ms stereo packets back to the tone", () => {
    const enc = new OpusScript(48000, 2, OpusScript.Application.AUDIO);
    const dec = createNodeOpusDecoder()({ frequency: 48000, channels: 2, output() {}, error() {} });
    const out: Int16Array[] = [];
    for (let f = 0; f < 50; f++) {
      const pcm = new Int16Array(960);
      for (let i = 0; i < 480; i++) pcm[2 * i] = pcm[2 * i + 1] = Math.round(16384 * Math.sin((2 * Math.PI * 1000 * (f * 480 + i)) / 48000));
      const packet = enc.encode(Buffer.from(pcm.buffer), 480);
      const samples = dec.decode(new Uint8Array(packet), f * 10)!;
      expect(samples.length).toBe(960);
      out.push(samples);
    }
    enc.delete();
    const all = new Int16Array(out.length * 960);
    out.forEach((s, i) => all.set(s, i * 960));
    const tail = all.subarray(960 * 10);
    expect(power(tail, 1000)).toBeGreaterThan(0.45);
    expect(power(tail, 440)).toBeLessThan(0.01);
    expect(power(tail, 2000)).toBeLessThan(0.01);
    expect(() => dec.decode(new Uint8Array(0), 0)).toThrow(RangeError);
    dec.close();
    expect(() => dec.decode(new Uint8Array(3), 0)).toThrow(/closed/);
  });

  it("refuses rates and channel counts Opus does not have", () => {
    const f = createNodeOpusDecoder();
    expect(() => f({ frequency: 44100, channels: 2, output() {}, error() {} })).toThrow(RangeError);
    expect(() => f({ frequency: 48000, channels: 6, output() {}, error() {} })).toThrow(RangeError);
  });
});
