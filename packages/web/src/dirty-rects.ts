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

  add(r: PixelRect): void {
    const left = Math.max(0, Math.floor(r.left));
    const top = Math.max(0, Math.floor(r.top));
    const right = Math.min(this.width, Math.ceil(r.right));
    const bottom = Math.min(this.height, Math.ceil(r.bottom));
    if (right <= left || bottom <= top) return;
    for (const o of this.rects) {
      if (o.left <= left && o.top <= top && o.right >= right && o.bottom >= bottom) return; // already covered
    }
    this.rects.push({ left, top, right, bottom });
    this.area += (right - left) * (bottom - top);
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
