import type { DamageRect } from "../sources/display-source.js";

export interface StreamDetectorOptions {
  /** Smallest region worth a stream (pixels each way). Default 64 x 64. */
  minWidth?: number;
  minHeight?: number;
  /** Average update rate a region needs (frames/s). Default 10. */
  minFps?: number;
  /** How long it must keep that rate before it becomes a stream (ms). Default 500. */
  minDurationMs?: number;
  /** A longer pause between two updates starts the count again (ms). Default 200. */
  maxGapMs?: number;
  /** After a region was reported, it is reported again only this much later (ms). Default 1000. */
  recheckMs?: number;
  /** Regions tracked at once; the least recently updated is forgotten first. Default 16. */
  maxCandidates?: number;
}

interface Candidate {
  rect: DamageRect;
  first: number;
  last: number;
  frames: number;
  /** Not reported again before this time. */
  quietUntil: number;
}

/**
 * Finds video-like regions in a client's damage, as spice-server does for its streams: the
 * same rectangle (or nearly: 90 % overlap) redrawn again and again, at least `minFps` for at
 * least `minDurationMs`, with no pause above `maxGapMs`. Each damage batch (one source frame)
 * counts once per region: touching rects of a batch are merged first, so a frame delivered as
 * several bands still counts as one update of one region. The content test (photo-like or not)
 * is the caller's, since it needs the pixels.
 */
export class StreamDetector {
  private readonly o: Required<StreamDetectorOptions>;
  private candidates: Candidate[] = [];

  constructor(options: StreamDetectorOptions = {}) {
    this.o = {
      minWidth: 64,
      minHeight: 64,
      minFps: 10,
      minDurationMs: 500,
      maxGapMs: 200,
      recheckMs: 1000,
      maxCandidates: 16,
      ...options,
    };
  }

  /** Regions being tracked (for tests and stats). */
  get tracked(): number {
    return this.candidates.length;
  }

  /**
   * One damage batch at time `now` (ms). Returns the regions that just qualified as streams;
   * a returned region is not returned again for `recheckMs` (so a caller that turns it down,
   * say because it is not photo-like, looks at it again a second later).
   */
  observe(rects: readonly DamageRect[], now: number): DamageRect[] {
    const o = this.o;
    this.candidates = this.candidates.filter((c) => now - c.last <= o.maxGapMs);
    const out: DamageRect[] = [];
    for (const r of mergeTouching(rects)) {
      if (r.right - r.left < o.minWidth || r.bottom - r.top < o.minHeight) continue;
      let c = this.candidates.find((c) => overlapRatio(c.rect, r) >= 0.9);
      if (!c) {
        c = { rect: r, first: now, last: now, frames: 1, quietUntil: 0 };
        this.candidates.push(c);
        if (this.candidates.length > o.maxCandidates) {
          this.candidates.sort((a, b) => b.last - a.last);
          this.candidates.length = o.maxCandidates;
        }
        continue;
      }
      if (now === c.last) continue; // same instant: the same frame
      c.rect = sameRect(c.rect, r) ? c.rect : union(c.rect, r);
      c.frames++;
      c.last = now;
      const duration = now - c.first;
      const fps = ((c.frames - 1) * 1000) / Math.max(1, duration);
      if (duration >= o.minDurationMs && fps >= o.minFps && now >= c.quietUntil) {
        c.quietUntil = now + o.recheckMs;
        out.push({ ...c.rect });
      }
    }
    return out;
  }

  /** Forgets every region overlapping `r` (a stream took it over, or it went away). */
  forget(r: DamageRect): void {
    this.candidates = this.candidates.filter((c) => !intersects(c.rect, r));
  }

  clear(): void {
    this.candidates = [];
  }
}

const area = (r: DamageRect) => Math.max(0, r.right - r.left) * Math.max(0, r.bottom - r.top);

export function intersects(a: DamageRect, b: DamageRect): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

export function intersection(a: DamageRect, b: DamageRect): DamageRect | null {
  const r = { left: Math.max(a.left, b.left), top: Math.max(a.top, b.top), right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) };
  return r.right > r.left && r.bottom > r.top ? r : null;
}

export function union(a: DamageRect, b: DamageRect): DamageRect {
  return { left: Math.min(a.left, b.left), top: Math.min(a.top, b.top), right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom) };
}

function sameRect(a: DamageRect, b: DamageRect): boolean {
  return a.left === b.left && a.top === b.top && a.right === b.right && a.bottom === b.bottom;
}

/** Shared area over the area of the union's bounding box (1 = the same rect). */
function overlapRatio(a: DamageRect, b: DamageRect): number {
  const i = intersection(a, b);
  return i ? area(i) / area(union(a, b)) : 0;
}

/** `r` minus `hole`: up to four rects (bands above and below, sides between). */
export function subtract(r: DamageRect, hole: DamageRect): DamageRect[] {
  const i = intersection(r, hole);
  if (!i) return [r];
  const out: DamageRect[] = [];
  if (r.top < i.top) out.push({ left: r.left, top: r.top, right: r.right, bottom: i.top });
  if (i.bottom < r.bottom) out.push({ left: r.left, top: i.bottom, right: r.right, bottom: r.bottom });
  if (r.left < i.left) out.push({ left: r.left, top: i.top, right: i.left, bottom: i.bottom });
  if (i.right < r.right) out.push({ left: i.right, top: i.top, right: r.right, bottom: i.bottom });
  return out;
}

/** Merges rects of one batch that overlap or touch into their bounding boxes. */
export function mergeTouching(rects: readonly DamageRect[]): DamageRect[] {
  const out: DamageRect[] = [];
  for (const r0 of rects) {
    let r = { left: r0.left, top: r0.top, right: r0.right, bottom: r0.bottom };
    if (r.right <= r.left || r.bottom <= r.top) continue;
    for (let again = true; again; ) {
      again = false;
      for (let i = 0; i < out.length; i++) {
        const o = out[i]!;
        if (o.left <= r.right && r.left <= o.right && o.top <= r.bottom && r.top <= o.bottom) {
          r = union(o, r);
          out.splice(i, 1);
          again = true;
          break;
        }
      }
    }
    out.push(r);
  }
  return out;
}
