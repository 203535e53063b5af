/** Half-open rectangle in surface pixels (the client core's Rect). */
export interface PixelRect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * The parts of a surface that changed since the last paint. Rects are clipped to the surface;
 * past `maxRects` (or when they would cover most of it anyway) they collapse into their
 * bounding box, so a burst of tiny updates costs one putImageData, not thousands.
 */
export class DirtyRects {
  private rects: PixelRect[] = [];
  private area = 0;

  constructor(
    private width = 0,
    private height = 0,
    private readonly maxRects = 32,
  ) {}

  /** New surface size: everything is dirty. */
  reset(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.rects = [];
    this.area = 0;
    this.add({ left: 0, top: 0, right: width, bottom: height });
  }

  get empty(): boolean {
    return this.rects.length === 0;
  }

  add(rect: PixelRect): void {
    const left = Math.max(0, Math.floor(rect.left));
    const top = Math.max(0, Math.floor(rect.top));
    const right = Math.min(this.width, Math.ceil(rect.right));
    const bottom = Math.min(this.height, Math.ceil(rect.bottom));
    if (right <= left || bottom <= top) return;
    let r: PixelRect = { left, top, right, bottom };
    // Merge with every rect whose union with this one costs no more pixels than the two apart
    // (one inside the other, overlapping, or side by side): fewer, never larger, conversions.
    for (let i = 0; i < this.rects.length; ) {
      const o = this.rects[i]!;
      const u = { left: Math.min(o.left, r.left), top: Math.min(o.top, r.top), right: Math.max(o.right, r.right), bottom: Math.max(o.bottom, r.bottom) };
      if (areaOf(u) <= areaOf(o) + areaOf(r)) {
        if (u.left === o.left && u.top === o.top && u.right === o.right && u.bottom === o.bottom) return; // already covered
        this.rects.splice(i, 1);
        this.area -= areaOf(o);
        r = u;
        i = 0; // the bigger rect may now absorb earlier ones
        continue;
      }
      i++;
    }
    this.rects.push(r);
    this.area += areaOf(r);
    if (this.rects.length > this.maxRects || this.area > 0.75 * this.width * this.height) this.collapse();
  }

  private collapse(): void {
    let l = Infinity, t = Infinity, r = -Infinity, b = -Infinity;
    for (const x of this.rects) {
      l = Math.min(l, x.left);
      t = Math.min(t, x.top);
      r = Math.max(r, x.right);
      b = Math.max(b, x.bottom);
    }
    this.rects = [{ left: l, top: t, right: r, bottom: b }];
    this.area = (r - l) * (b - t);
  }

  /** The rects to paint now; the set is empty afterwards. */
  take(): PixelRect[] {
    const out = this.rects;
    this.rects = [];
    this.area = 0;
    return out;
  }
}

function areaOf(r: PixelRect): number {
  return (r.right - r.left) * (r.bottom - r.top);
}
