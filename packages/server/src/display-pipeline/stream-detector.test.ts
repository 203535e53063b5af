import { describe, expect, it } from "vitest";
import { StreamDetector, mergeTouching, subtract } from "./stream-detector.js";

const R = { left: 100, top: 50, right: 500, bottom: 350 };

/** Feeds `frames` batches of `rects` `intervalMs` apart; returns the regions reported at each. */
function run(d: StreamDetector, rects: (i: number) => { left: number; top: number; right: number; bottom: number }[], frames: number, intervalMs: number, t0 = 0) {
  const out: { t: number; rects: unknown[] }[] = [];
  for (let i = 0; i < frames; i++) {
    const t = t0 + i * intervalMs;
    const got = d.observe(rects(i), t);
    if (got.length) out.push({ t, rects: got });
  }
  return out;
}

describe("StreamDetector", () => {
  it("reports a rect redrawn at 20 fps once it kept that up for 0.5 s", () => {
    const d = new StreamDetector();
    const got = run(d, () => [R], 20, 50);
    expect(got[0]).toEqual({ t: 500, rects: [R] });
    // Not again within the recheck second.
    expect(got.length).toBe(1);
  });

  it("reports it again a second later (the caller may have turned it down)", () => {
    const d = new StreamDetector();
    const got = run(d, () => [R], 40, 50);
    expect(got.map((g) => g.t)).toEqual([500, 1500]);
  });

  it("ignores slow updates (5 fps), small rects and pauses", () => {
    expect(run(new StreamDetector(), () => [R], 20, 200)).toEqual([]);
    expect(run(new StreamDetector(), () => [{ left: 0, top: 0, right: 63, bottom: 300 }], 40, 50)).toEqual([]);
    // 8 frames, a 300 ms pause, 8 frames: never 0.5 s without a gap.
    const d = new StreamDetector();
    expect(run(d, () => [R], 8, 50, 0)).toEqual([]);
    expect(run(d, () => [R], 8, 50, 650)).toEqual([]);
  });

  it("counts a frame delivered as several bands as one update of one region", () => {
    const d = new StreamDetector();
    const bands = () => [0, 1, 2].map((k) => ({ left: 100, top: 50 + k * 100, right: 500, bottom: 150 + k * 100 }));
    const got = run(d, bands, 12, 50);
    expect(got[0]!.rects).toEqual([R]);
  });

  it("tracks nearly-equal rects as one region (union), but not a moving sprite", () => {
    const d = new StreamDetector();
    const jitter = (i: number) => [{ ...R, right: R.right - (i % 2) * 4 }];
    expect(run(d, jitter, 12, 50)[0]!.rects).toEqual([R]);
    const moving = (i: number) => [{ left: i * 80, top: 0, right: i * 80 + 100, bottom: 100 }];
    expect(run(new StreamDetector(), moving, 20, 50)).toEqual([]);
  });

  it("keeps two regions apart and honours custom thresholds", () => {
    const d = new StreamDetector({ minDurationMs: 200, minFps: 15 });
    const B = { left: 600, top: 0, right: 700, bottom: 100 };
    const got = run(d, () => [R, B], 6, 40);
    expect(got[0]!.rects).toEqual([R, B]);
    expect(d.tracked).toBe(2);
    d.forget(B);
    expect(d.tracked).toBe(1);
  });
});

describe("rect helpers", () => {
  it("subtract leaves up to four pieces that tile r minus the hole", () => {
    const r = { left: 0, top: 0, right: 100, bottom: 100 };
    const pieces = subtract(r, { left: 20, top: 30, right: 60, bottom: 70 });
    expect(pieces.length).toBe(4);
    const area = pieces.reduce((a, p) => a + (p.right - p.left) * (p.bottom - p.top), 0);
    expect(area).toBe(100 * 100 - 40 * 40);
    expect(subtract(r, { left: 200, top: 0, right: 300, bottom: 10 })).toEqual([r]);
    expect(subtract(r, { left: -1, top: -1, right: 101, bottom: 101 })).toEqual([]);
  });

  it("mergeTouching joins touching rects and leaves separate ones", () => {
    const m = mergeTouching([
      { left: 0, top: 0, right: 10, bottom: 10 },
      { left: 10, top: 0, right: 20, bottom: 10 },
      { left: 50, top: 50, right: 60, bottom: 60 },
    ]);
    expect(m).toEqual([
      { left: 0, top: 0, right: 20, bottom: 10 },
      { left: 50, top: 50, right: 60, bottom: 60 },
    ]);
  });
});
