import { describe, expect, it } from "vitest";
import { JitterRing } from "./jitter-ring.js";

const stereo = (frames: number, start = 0) => {
  const a = new Float32Array(frames * 2);
  for (let i = 0; i < frames; i++) (a[2 * i] = start + i), (a[2 * i + 1] = -(start + i));
  return a;
};
const outs = (n: number) => [new Float32Array(n), new Float32Array(n)];

describe("JitterRing", () => {
  it("waits for the target, plays in order, re-buffers after an underrun", () => {
    const r = new JitterRing(2, 1000, 300, 800);
    r.push(stereo(200), 2);
    let o = outs(128);
    r.pull(o, 128);
    expect(r.playing).toBe(false);
    expect(Array.from(o[0]!.subarray(0, 3))).toEqual([0, 0, 0]);
    r.push(stereo(200, 200), 2);
    r.pull(o, 128);
    expect(r.playing).toBe(true);
    expect(Array.from(o[0]!.subarray(0, 3))).toEqual([0, 1, 2]);
    expect(Array.from(o[1]!.subarray(0, 3))).toEqual([-0, -1, -2]);
    for (let i = 0; i < 2; i++) r.pull(o, 128);
    expect(r.count).toBe(400 - 384);
    o = outs(128);
    r.pull(o, 128);
    expect(o[0]![15]).toBe(399);
    expect(o[0]![16]).toBe(0);
    expect(r.underruns).toBe(1);
    expect(r.playing).toBe(false);
    expect(r.target).toBe(375); // 300 * 1.25, under max / 2 = 400

  });

  it("wraps around the capacity", () => {
    const r = new JitterRing(2, 256, 10, 250);
    let next = 0;
    let expectNext = 0;
    const o = outs(100);
    for (let k = 0; k < 20; k++) {
      r.push(stereo(100, next), 2);
      next += 100;
      r.pull(o, 100);
      for (let i = 0; i < 100; i++) if (r.playing || o[0]![i] !== 0) expect(o[0]![i]).toBe(expectNext++);
    }
    expect(r.underruns).toBe(0);
    expect(expectNext).toBe(2000);
  });

  it("drops the oldest audio beyond max, keeping the target", () => {
    const r = new JitterRing(2, 1000, 100, 300);
    r.push(stereo(250), 2);
    r.push(stereo(100, 250), 2);
    expect(r.count).toBe(100);
    expect(r.dropped).toBe(250);
    const o = outs(1);
    r.pull(o, 1);
    expect(o[0]![0]).toBe(250);
    r.push(stereo(5000, 0), 2);
    expect(r.count).toBe(300);
  });

  it("trims standing latency after a window that never went near the target", () => {
    const r = new JitterRing(2, 10000, 100, 5000, 1000);
    r.push(stereo(400), 2); // a burst: 400 queued for a target of 100
    const o = outs(100);
    let next = 400;
    for (let k = 0; k < 10; k++) {
      r.pull(o, 100);
      r.push(stereo(100, next), 2);
      next += 100;
    }
    // After 1000 frames played with the fill never under 300, it was cut back to the target
    // (then the last push added 100).
    expect(r.count).toBe(200);
    expect(r.dropped).toBe(200);
    expect(r.underruns).toBe(0);
    // A fill that dips near the target in the window is left alone.
    const s = new JitterRing(2, 10000, 100, 5000, 1000);
    s.push(stereo(140), 2);
    for (let k = 0; k < 20; k++) (s.pull(o, 100), s.push(stereo(100), 2));
    expect(s.dropped).toBe(0);
  });

  it("copies mono to both channels", () => {
    const r = new JitterRing(2, 100, 1, 100);
    r.push(new Float32Array([0.5, 0.25]), 1);
    const o = outs(2);
    r.pull(o, 2);
    expect(Array.from(o[1]!)).toEqual([0.5, 0.25]);
  });
});
