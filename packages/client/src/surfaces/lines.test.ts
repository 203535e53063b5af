import { describe, expect, it } from "vitest";
import type { Point } from "./draw-types.js";
import { PathFlags } from "./draw-types.js";
import { DashState, fixToInt, flattenBezier, pathToPolylines, zeroSegment } from "./lines.js";

const collect = (x1: number, y1: number, x2: number, y2: number, w = 100, h = 100, dash: DashState | null = null): string[] => {
  const out: string[] = [];
  zeroSegment(x1, y1, x2, y2, w, h, (x, y) => out.push(`${x},${y}`), dash);
  return out;
};

/** Straightforward X11 mi zero-line loop (no clipping), the reference for the skip-ahead. */
function reference(x1: number, y1: number, x2: number, y2: number): string[] {
  const XDEC = 4;
  const YDEC = 2;
  const YMAJ = 1;
  const bias = (1 << (YDEC | YMAJ)) | (1 << (XDEC | YDEC | YMAJ)) | (1 << (XDEC | YDEC)) | (1 << XDEC);
  let octant = 0;
  let adx = x2 - x1;
  let sdx = 1;
  if (adx < 0) {
    adx = -adx;
    sdx = -1;
    octant |= XDEC;
  }
  let ady = y2 - y1;
  let sdy = 1;
  if (ady < 0) {
    ady = -ady;
    sdy = -1;
    octant |= YDEC;
  }
  const out: string[] = [];
  let x = x1;
  let y = y1;
  if (adx > ady) {
    const e1 = ady << 1;
    const e2 = e1 - (adx << 1);
    let e = e1 - adx - ((bias >> octant) & 1);
    const e3 = e2 - e1;
    e -= e1;
    for (let n = adx; n > 0; n--) {
      out.push(`${x},${y}`);
      e += e1;
      if (e >= 0) {
        y += sdy;
        e += e3;
      }
      x += sdx;
    }
  } else {
    octant |= YMAJ;
    const e1 = adx << 1;
    const e2 = e1 - (ady << 1);
    let e = e1 - ady - ((bias >> octant) & 1);
    const e3 = e2 - e1;
    e -= e1;
    for (let n = ady; n > 0; n--) {
      out.push(`${x},${y}`);
      e += e1;
      if (e >= 0) {
        x += sdx;
        e += e3;
      }
      y += sdy;
    }
  }
  return out;
}

describe("zeroSegment", () => {
  it("omits the end point and breaks ties by octant bias", () => {
    expect(collect(1, 1, 5, 1)).toEqual(["1,1", "2,1", "3,1", "4,1"]);
    expect(collect(0, 0, 4, 2)).toEqual(["0,0", "1,1", "2,1", "3,2"]);
    expect(collect(4, 2, 0, 0)).toEqual(["4,2", "3,2", "2,1", "1,1"]);
    expect(collect(3, 3, 3, 3)).toEqual([]);
  });

  it("matches the plain loop for every direction, including clipped starts", () => {
    let seed = 7;
    const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    for (let i = 0; i < 400; i++) {
      const [x1, y1, x2, y2] = [rnd(60) - 20, rnd(60) - 20, rnd(60) - 20, rnd(60) - 20];
      const want = reference(x1, y1, x2, y2).filter((s) => {
        const [x, y] = s.split(",").map(Number);
        return x >= 0 && x < 30 && y >= 0 && y < 25;
      });
      expect(collect(x1, y1, x2, y2, 30, 25), `${x1},${y1} -> ${x2},${y2}`).toEqual(want);
    }
  });

  it("does not walk pixels far outside the surface", () => {
    const t = performance.now();
    expect(collect(-5_000_000, 2, 5_000_000, 2, 10, 10)).toHaveLength(10);
    expect(performance.now() - t).toBeLessThan(50);
  });

  it("dashes count major-axis pixels and carry over", () => {
    const dash = new DashState([2, 1]);
    expect(collect(0, 0, 7, 0, 100, 100, dash)).toEqual(["0,0", "1,0", "3,0", "4,0", "6,0"]);
    // 7 pixels consumed: the next segment starts one pixel into the on-dash.
    expect(collect(7, 0, 7, 3, 100, 100, dash)).toEqual(["7,0", "7,2"]);
  });
});

describe("fixed point and paths", () => {
  it("fixToInt rounds .5 down and above .5 up", () => {
    expect([fixToInt(16), fixToInt(24), fixToInt(25), fixToInt(-8), fixToInt(-7)]).toEqual([1, 1, 2, -1, 0]);
  });

  it("flattens a straight bezier to its end point and a curved one to several points", () => {
    const straight: Point[] = [];
    flattenBezier({ x: 0, y: 0 }, { x: 16 * 3, y: 0 }, { x: 16 * 6, y: 0 }, { x: 16 * 9, y: 0 }, straight);
    expect(straight).toEqual([{ x: 9, y: 0 }]);
    const curve: Point[] = [];
    flattenBezier({ x: 0, y: 0 }, { x: 0, y: 16 * 40 }, { x: 16 * 40, y: 16 * 40 }, { x: 16 * 40, y: 0 }, curve);
    expect(curve.length).toBeGreaterThan(4);
    expect(curve[curve.length - 1]).toEqual({ x: 40, y: 0 });
  });

  it("builds polylines from BEGIN/END/CLOSE segments", () => {
    const f = (x: number, y: number): Point => ({ x: x * 16, y: y * 16 });
    const lines = pathToPolylines([
      { flags: PathFlags.Begin, points: [f(1, 1), f(4, 1)] },
      { flags: PathFlags.End | PathFlags.Close, points: [f(4, 3)] },
      { flags: PathFlags.Begin | PathFlags.End, points: [f(0, 0), f(2, 0)] },
    ]);
    expect(lines).toEqual([
      [
        { x: 1, y: 1 },
        { x: 4, y: 1 },
        { x: 4, y: 3 },
        { x: 1, y: 1 },
      ],
      [
        { x: 0, y: 0 },
        { x: 2, y: 0 },
      ],
    ]);
  });
});
