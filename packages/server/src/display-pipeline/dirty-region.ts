import type { DamageRect } from "../sources/display-source.js";

/**
 * Pending damage of one client, coalesced: while a client cannot keep up, new damage merges
 * into what is already pending instead of queueing frames, so memory stays bounded by the
 * number of rects (at most `maxRects`) whatever the client does.
 */
export class DirtyRegion {
  private rects: DamageRect[] = [];
  /** Where the last band of a split rect ended: the next band starts there (see take). */
  private resumeRow: number | undefined;

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly maxRects = 48,
  ) {}

  get empty(): boolean {
    return this.rects.length === 0;
  }

  get count(): number {
    return this.rects.length;
  }

  add(r: DamageRect): void {
    let c = clamp(r, this.width, this.height);
    if (!c) return;
    // Merge with every pending rect it touches or whose union wastes little area.
    for (let again = true; again; ) {
      again = false;
      for (let i = 0; i < this.rects.length; i++) {
        const o = this.rects[i]!;
        if (shouldMerge(o, c)) {
          c = union(o, c);
          this.rects.splice(i, 1);
          again = true;
          break;
        }
      }
    }
    this.rects.push(c);
    this.bound();
  }

  /** Too fragmented: fold the two smallest-cost pairs until under the limit. */
  private bound(): void {
    if (this.rects.length <= this.maxRects) return;
    this.rects.sort((a, b) => a.top - b.top || a.left - b.left);
    while (this.rects.length > this.maxRects) {
      const a = this.rects.shift()!;
      const b = this.rects.shift()!;
      this.rects.unshift(union(a, b));
    }
  }

  /**
   * Takes the next rect to send, at most `maxPixels` (split into horizontal bands). Bands go
   * down the screen like a raster scan: when damage arriving meanwhile has merged the rest of a
   * split rect back into a bigger one, the next band starts where the last one ended (the rows
   * above wait at the back of the queue). Otherwise, under damage that keeps coming (a video, a
   * screen redrawn faster than the client takes it), the top band would go out again and again
   * while the rows below it waited.
   */
  take(maxPixels: number): DamageRect | undefined {
    let r = this.rects.shift();
    if (!r) return undefined;
    const resume = this.resumeRow;
    this.resumeRow = undefined;
    if (resume !== undefined && r.top < resume && resume < r.bottom) {
      this.rects.push({ left: r.left, top: r.top, right: r.right, bottom: resume });
      r = { left: r.left, top: resume, right: r.right, bottom: r.bottom };
    }
    const w = r.right - r.left;
    const rows = Math.max(1, Math.floor(maxPixels / w));
    if (r.bottom - r.top <= rows) return r;
    const band = { left: r.left, top: r.top, right: r.right, bottom: r.top + rows };
    this.rects.unshift({ left: r.left, top: band.bottom, right: r.right, bottom: r.bottom });
    this.resumeRow = band.bottom;
    this.bound();
    return band;
  }

  /** Everything is dirty (resize, new client). */
  all(): void {
    this.rects = [{ left: 0, top: 0, right: this.width, bottom: this.height }];
    this.resumeRow = undefined;
  }
}

function clamp(r: DamageRect, w: number, h: number): DamageRect | null {
  const left = Math.max(0, Math.floor(r.left));
  const top = Math.max(0, Math.floor(r.top));
  const right = Math.min(w, Math.ceil(r.right));
  const bottom = Math.min(h, Math.ceil(r.bottom));
  return right > left && bottom > top ? { left, top, right, bottom } : null;
}

function union(a: DamageRect, b: DamageRect): DamageRect {
  return { left: Math.min(a.left, b.left), top: Math.min(a.top, b.top), right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom) };
}

const area = (r: DamageRect) => (r.right - r.left) * (r.bottom - r.top);

function shouldMerge(a: DamageRect, b: DamageRect): boolean {
  const touching = a.left <= b.right && b.left <= a.right && a.top <= b.bottom && b.top <= a.bottom;
  if (!touching) return area(union(a, b)) <= 1.1 * (area(a) + area(b));
  return area(union(a, b)) <= 1.5 * (area(a) + area(b)) || contains(a, b) || contains(b, a);
}

function contains(a: DamageRect, b: DamageRect): boolean {
  return a.left <= b.left && a.top <= b.top && a.right >= b.right && a.bottom >= b.bottom;
}
