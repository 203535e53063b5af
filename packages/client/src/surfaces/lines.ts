import type { PathSegment, Point, PointFix } from "./draw-types.js";
import { PathFlags } from "./draw-types.js";

/**
 * Cosmetic (zero-width) line rasterisation as spice-common's stroke uses it: X11 mi Bresenham
 * with the default thin-line bias, CapNotLast (each segment omits its end point, so does the
 * polyline), beziers flattened in 28.4 fixed point, optional on/off dashes.
 */

/** 28.4 fixed to int: round, with exactly .5 rounding down (spice-common fix_to_int). */
export function fixToInt(v: number): number {
  const rem = v & 0x0f;
  let val = v >> 4;
  if (rem > 8) val++;
  return val;
}

const XDECREASING = 4;
const YDECREASING = 2;
const YMAJOR = 1;
/** Octants 2, 3, 4 and 5 prefer the axial step when the error term is exactly zero. */
const ZERO_LINE_BIAS =
  (1 << (YDECREASING | YMAJOR)) | (1 << (XDECREASING | YDECREASING | YMAJOR)) | (1 << (XDECREASING | YDECREASING)) | (1 << XDECREASING);

/** Largest coordinate magnitude rasterised; the error arithmetic stays exact in doubles below it. */
const MAX_COORD = 1 << 24;

/** On/off dash state, advanced one unit per major-axis pixel and carried along a polyline. */
export class DashState {
  private idx = 0;
  private left: number;
  private readonly period: number;

  constructor(private readonly dashes: readonly number[]) {
    this.period = dashes.reduce((a, b) => a + Math.max(b, 0), 0);
    this.left = Math.max(dashes[0] ?? 0, 0);
    this.normalize();
  }

  private normalize(): void {
    if (this.period <= 0) return;
    while (this.left <= 0) {
      this.idx = (this.idx + 1) % this.dashes.length;
      this.left = Math.max(this.dashes[this.idx], 0);
    }
  }

  /** True when the current pixel is in an "on" dash. */
  get on(): boolean {
    return this.period <= 0 || (this.idx & 1) === 0;
  }

  advance(n: number): void {
    if (this.period <= 0 || n <= 0) return;
    n %= this.period;
    while (n > 0) {
      const step = Math.min(n, this.left);
      this.left -= step;
      n -= step;
      this.normalize();
    }
  }
}

/** Number of minor-axis steps taken before pixel k (k >= 0) of a Bresenham run. */
function minorSteps(k: number, e0: number, e1: number, twoMajor: number): number {
  if (k <= 0) return 0;
  return Math.max(0, Math.floor((e0 + (k - 1) * e1) / twoMajor) + 1);
}

/**
 * Plots the pixels of the zero-width segment (x1,y1)→(x2,y2) without its end point, limited
 * to [0,width)×[0,height). Pixels outside the bounds are skipped without walking them, so huge
 * coordinates cost nothing.
 */
export function zeroSegment(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  width: number,
  height: number,
  plot: (x: number, y: number) => void,
  dash: DashState | null,
): void {
  if ([x1, y1, x2, y2].some((v) => Math.abs(v) > MAX_COORD)) return;
  let octant = 0;
  let adx = x2 - x1;
  let sdx = 1;
  if (adx < 0) {
    adx = -adx;
    sdx = -1;
    octant |= XDECREASING;
  }
  let ady = y2 - y1;
  let sdy = 1;
  if (ady < 0) {
    ady = -ady;
    sdy = -1;
    octant |= YDECREASING;
  }
  const xMajor = adx > ady;
  if (!xMajor) octant |= YMAJOR;
  const major = xMajor ? adx : ady;
  const minor = xMajor ? ady : adx;
  const length = major;
  if (length === 0) return;
  const e1 = minor * 2;
  const e0 = e1 - major - ((ZERO_LINE_BIAS >> octant) & 1);
  const twoMajor = major * 2;
  // Major coordinate of pixel k is start + k*sMajor; keep k where it is inside the bounds.
  const [mStart, sMajor, mLimit] = xMajor ? [x1, sdx, width] : [y1, sdy, height];
  let kStart = sMajor > 0 ? -mStart : mStart - (mLimit - 1);
  let kEnd = sMajor > 0 ? mLimit - mStart : mStart + 1;
  kStart = Math.max(0, kStart);
  kEnd = Math.min(length, kEnd);
  if (kStart >= kEnd) {
    dash?.advance(length);
    return;
  }
  dash?.advance(kStart);
  let n = minorSteps(kStart, e0, e1, twoMajor);
  let e = e0 + kStart * e1 - twoMajor * n - e1;
  let mj = mStart + kStart * sMajor;
  const sMinor = xMajor ? sdy : sdx;
  let mn = (xMajor ? y1 : x1) + n * sMinor;
  const minorLimit = xMajor ? height : width;
  for (let k = kStart; k < kEnd; k++) {
    if (mn >= 0 && mn < minorLimit && (!dash || dash.on)) {
      if (xMajor) plot(mj, mn);
      else plot(mn, mj);
    }
    dash?.advance(1);
    e += e1;
    if (e >= 0) {
      mn += sMinor;
      e -= twoMajor;
    }
    mj += sMajor;
  }
  dash?.advance(length - kEnd);
}

/** Polyline of zero-width segments; dash state (if any) restarts at the first point. */
export function zeroPolyline(
  points: readonly Point[],
  width: number,
  height: number,
  plot: (x: number, y: number) => void,
  dashes: readonly number[] | null,
): void {
  const dash = dashes ? new DashState(dashes) : null;
  for (let i = 0; i + 1 < points.length; i++) {
    zeroSegment(points[i].x, points[i].y, points[i + 1].x, points[i + 1].y, width, height, plot, dash);
  }
}

const dot = (x1: number, y1: number, x2: number, y2: number): number => Math.floor((x1 * x2 + y1 * y2) / 16);

/**
 * Flattens the cubic bezier p0..p3 (28.4 fixed) into `out` (integer points, p0 excluded):
 * split at the midpoint until both control points deviate less than about half a pixel
 * from the chord.
 */
export function flattenBezier(p0: PointFix, p1: PointFix, p2: PointFix, p3: PointFix, out: Point[], depth = 0): void {
  const a2 = dot(p1.x - p0.x, p1.y - p0.y, p1.x - p0.x, p1.y - p0.y);
  const b2 = dot(p3.x - p0.x, p3.y - p0.y, p3.x - p0.x, p3.y - p0.y);
  const c2 = dot(p2.x - p3.x, p2.y - p3.y, p2.x - p3.x, p2.y - p3.y);
  const ab = dot(p1.x - p0.x, p1.y - p0.y, p3.x - p0.x, p3.y - p0.y);
  const cb = dot(p2.x - p3.x, p2.y - p3.y, p0.x - p3.x, p0.y - p3.y);
  const h1 = Math.floor((a2 * b2 - ab * ab) / 8);
  const h2 = Math.floor((c2 * b2 - cb * cb) / 8);
  if ((h1 < b2 && h2 < b2) || depth >= 10) {
    out.push({ x: fixToInt(p3.x), y: fixToInt(p3.y) });
    return;
  }
  const mid = (a: PointFix, b: PointFix): PointFix => ({ x: Math.trunc((a.x + b.x) / 2), y: Math.trunc((a.y + b.y) / 2) });
  const p01 = mid(p0, p1);
  const p12 = mid(p1, p2);
  const p23 = mid(p2, p3);
  const p012 = mid(p01, p12);
  const p123 = mid(p12, p23);
  const p0123 = mid(p012, p123);
  flattenBezier(p0, p01, p012, p0123, out, depth + 1);
  flattenBezier(p0123, p123, p23, p3, out, depth + 1);
}

/**
 * Turns a SPICE path into the integer polylines spice-common strokes: BEGIN starts a new
 * polyline, END (with CLOSE appending the first point) finishes it, BEZIER segments hold
 * control-point triples continuing from the last point.
 */
export function pathToPolylines(path: readonly PathSegment[]): Point[][] {
  const out: Point[][] = [];
  let cur: Point[] = [];
  const flush = (): void => {
    if (cur.length) out.push(cur);
    cur = [];
  };
  for (const seg of path) {
    let i = 0;
    const pts = seg.points;
    if (seg.flags & PathFlags.Begin && pts.length > 0) {
      flush();
      cur.push({ x: fixToInt(pts[0].x), y: fixToInt(pts[0].y) });
      i = 1;
    }
    if (seg.flags & PathFlags.Bezier) {
      // spice-common abandons the rest of the stroke on a malformed bezier segment.
      if ((pts.length - i) % 3 !== 0) {
        flush();
        return out;
      }
      for (; i + 2 < pts.length; i += 3) {
        const last = cur[cur.length - 1];
        if (!last) {
          cur.push({ x: fixToInt(pts[i + 2].x), y: fixToInt(pts[i + 2].y) });
          continue;
        }
        flattenBezier({ x: last.x * 16, y: last.y * 16 }, pts[i], pts[i + 1], pts[i + 2], cur);
      }
    } else {
      for (; i < pts.length; i++) cur.push({ x: fixToInt(pts[i].x), y: fixToInt(pts[i].y) });
    }
    if (seg.flags & PathFlags.End) {
      if (seg.flags & PathFlags.Close && cur.length > 0) cur.push({ ...cur[0] });
      flush();
    }
  }
  flush();
  return out;
}
