import { describe, expect, it } from "vitest";
import { DirtyRegion } from "./dirty-region.js";

const W = 640;
const H = 480;
const BAND = 256 * 1024; // 409 rows of 640
const screen = { left: 0, top: 0, right: W, bottom: H };

function drain(region: DirtyRegion, maxPixels = BAND) {
  const out = [];
  for (let r = region.take(maxPixels); r; r = region.take(maxPixels)) out.push(r);
  return out;
}

describe("DirtyRegion", () => {
  it("splits a big rect into bands of at most maxPixels, top to bottom", () => {
    const region = new DirtyRegion(W, H);
    region.all();
    expect(drain(region)).toEqual([
      { left: 0, top: 0, right: W, bottom: 409 },
      { left: 0, top: 409, right: W, bottom: H },
    ]);
    expect(region.empty).toBe(true);
  });

  it("merges overlapping damage and keeps separate rects apart", () => {
    const region = new DirtyRegion(W, H);
    region.add({ left: 0, top: 0, right: 100, bottom: 100 });
    region.add({ left: 50, top: 50, right: 150, bottom: 150 });
    region.add({ left: 500, top: 400, right: 510, bottom: 410 });
    expect(region.count).toBe(2);
    expect(drain(region)).toEqual([
      { left: 0, top: 0, right: 150, bottom: 150 },
      { left: 500, top: 400, right: 510, bottom: 410 },
    ]);
  });

  it("goes on down the screen when the whole screen is damaged again after each band (no top band sent twice before the bottom)", () => {
    const region = new DirtyRegion(W, H);
    region.all();
    const sent = [];
    for (let i = 0; i < 6; i++) {
      sent.push(region.take(BAND)!);
      region.add(screen); // the screen keeps changing faster than the client takes it
    }
    expect(sent.map((r) => [r.top, r.bottom])).toEqual([
      [0, 409],
      [409, 480],
      [0, 409],
      [409, 480],
      [0, 409],
      [409, 480],
    ]);
    // Every row went out within each sweep; what is left is one whole screen.
    expect(drain(region).map((r) => [r.top, r.bottom])).toEqual([
      [0, 409],
      [409, 480],
    ]);
  });

  it("resumes inside a bigger merged rect and queues the rows above it after the rest", () => {
    const region = new DirtyRegion(W, H);
    region.add({ left: 0, top: 0, right: W, bottom: 300 });
    expect(region.take(W * 100)).toEqual({ left: 0, top: 0, right: W, bottom: 100 });
    region.add({ left: 0, top: 0, right: W, bottom: 300 });
    region.add({ left: 600, top: 460, right: 630, bottom: 470 });
    expect(drain(region, W * 100)).toEqual([
      { left: 0, top: 100, right: W, bottom: 200 },
      { left: 0, top: 200, right: W, bottom: 300 },
      { left: 600, top: 460, right: 630, bottom: 470 },
      { left: 0, top: 0, right: W, bottom: 100 },
    ]);
  });

  it("all() starts over from the top", () => {
    const region = new DirtyRegion(W, H);
    region.all();
    region.take(BAND);
    region.all();
    expect(region.take(BAND)).toEqual({ left: 0, top: 0, right: W, bottom: 409 });
  });

  it("stays within maxRects whatever is added and taken", () => {
    const region = new DirtyRegion(W, H, 8);
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (let i = 0; i < 2000; i++) {
      if (rnd(3) === 0) region.take(rnd(4) === 0 ? 64 : 20_000);
      else {
        const left = rnd(W - 20);
        const top = rnd(H - 20);
        region.add({ left, top, right: left + 1 + rnd(120), bottom: top + 1 + rnd(120) });
      }
      expect(region.count).toBeLessThanOrEqual(8);
    }
  });
});
