import type { DamageRect } from "../sources/display-source.js";
import { intersects, subtract, union } from "./stream-detector.js";

interface LossyRect {
  rect: DamageRect;
  /** Last time the area was drawn lossy or damaged (ms). */
  touched: number;
}

/**
 * The areas of one client's surface that show a lossy (JPEG) picture. An area that has been
 * quiet (no damage, no lossy draw) for `quietMs` is due for a lossless redraw; a lossless
 * draw over an area makes it exact again. spice-server keeps the same knowledge per drawable
 * (lossy regions of the surface, so that a later lossless draw or FROM_CACHE_LOSSLESS can
 * replace them); here it is a short list of rects.
 *
 * Memory is bounded: past `maxRects` the list folds into unions (a larger lossless redraw,
 * never a lost one).
 */
export class LossyAreas {
  private rects: LossyRect[] = [];

  constructor(
    private readonly quietMs = 1000,
    private readonly maxRects = 32,
  ) {}

  get empty(): boolean {
    return this.rects.length === 0;
  }

  get count(): number {
    return this.rects.length;
  }

  /** A lossy picture of `r` was sent. */
  addLossy(r: DamageRect, now: number): void {
    this.losslessDrawn(r);
    this.rects.push({ rect: { ...r }, touched: now });
    if (this.rects.length > this.maxRects) {
      this.rects.sort((a, b) => a.rect.top - b.rect.top || a.rect.left - b.rect.left);
      while (this.rects.length > this.maxRects) {
        const a = this.rects.shift()!;
        const b = this.rects.shift()!;
        this.rects.unshift({ rect: union(a.rect, b.rect), touched: Math.max(a.touched, b.touched) });
      }
    }
  }

  /** Damage: the lossy areas it touches are not quiet. */
  touch(r: DamageRect, now: number): void {
    for (const l of this.rects) if (intersects(l.rect, r)) l.touched = now;
  }

  /** A lossless picture of `r` was sent: those pixels are exact again. */
  losslessDrawn(r: DamageRect): void {
    if (!this.rects.some((l) => intersects(l.rect, r))) return;
    this.rects = this.rects.flatMap((l) => (intersects(l.rect, r) ? subtract(l.rect, r).map((rect) => ({ rect, touched: l.touched })) : [l]));
  }

  /** Takes the areas quiet since `now - quietMs`: they are to be redrawn losslessly. */
  takeQuiet(now: number): DamageRect[] {
    const out: DamageRect[] = [];
    this.rects = this.rects.filter((l) => {
      if (now - l.touched < this.quietMs) return true;
      out.push(l.rect);
      return false;
    });
    return out;
  }

  /** When the next area becomes quiet (ms from `now`), or undefined with nothing lossy. */
  nextQuietIn(now: number): number | undefined {
    if (this.rects.length === 0) return undefined;
    return Math.max(0, Math.min(...this.rects.map((l) => l.touched + this.quietMs - now)));
  }

  clear(): void {
    this.rects = [];
  }
}
