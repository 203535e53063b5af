import type { Clip, QMask, Rect } from "./draw-types.js";

/** Intersection of two rects, or null when empty. */
export function intersectRect(a: Rect, b: Rect): Rect | null {
  const left = Math.max(a.left, b.left);
  const top = Math.max(a.top, b.top);
  const right = Math.min(a.right, b.right);
  const bottom = Math.min(a.bottom, b.bottom);
  return left < right && top < bottom ? { left, top, right, bottom } : null;
}

export function isEmptyRect(r: Rect): boolean {
  return !(r.left < r.right && r.top < r.bottom);
}

/** Intersects every rect of a disjoint list with `r`. */
export function intersectRects(rects: readonly Rect[], r: Rect): Rect[] {
  const out: Rect[] = [];
  for (const a of rects) {
    const i = intersectRect(a, r);
    if (i) out.push(i);
  }
  return out;
}

/**
 * The pixels a draw op may touch: box ∩ surface bounds ∩ union(clip), as disjoint rects in
 * band order (top to bottom, left to right). Overlapping clip rects never yield a pixel twice,
 * which matters for XOR-like rops.
 */
export function drawRegion(box: Rect, width: number, height: number, clip: Clip): Rect[] {
  const bounded = intersectRect(box, { left: 0, top: 0, right: width, bottom: height });
  if (!bounded) return [];
  if (clip === null || clip === undefined) return [bounded];
  const parts = intersectRects(clip, bounded);
  if (parts.length <= 1) return parts;
  return unionRects(parts);
}

/** Union of possibly overlapping rects as disjoint bands, equal neighbouring bands merged. */
export function unionRects(rects: readonly Rect[]): Rect[] {
  const ys = new Set<number>();
  for (const r of rects) {
    ys.add(r.top);
    ys.add(r.bottom);
  }
  const edges = [...ys].sort((a, b) => a - b);
  const out: Rect[] = [];
  let prev: Rect[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const y0 = edges[i];
    const y1 = edges[i + 1];
    const spans: [number, number][] = [];
    for (const r of rects) if (r.top <= y0 && r.bottom >= y1) spans.push([r.left, r.right]);
    if (spans.length === 0) {
      prev = [];
      continue;
    }
    spans.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const s of spans) {
      const last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else merged.push([s[0], s[1]]);
    }
    const sameAsPrev =
      prev.length === merged.length &&
      prev[0].bottom === y0 &&
      merged.every((s, k) => prev[k].left === s[0] && prev[k].right === s[1]);
    if (sameAsPrev) {
      for (const r of prev) r.bottom = y1;
    } else {
      prev = merged.map(([left, right]) => ({ left, top: y0, right, bottom: y1 }));
      out.push(...prev);
    }
  }
  return out;
}

/** Receives one horizontal run of pixels [x0, x1) on row y. */
export type SpanFn = (y: number, x0: number, x1: number) => void;

/**
 * Calls `fn` for every run of pixels inside `rects` that the mask lets through.
 * Without a mask this is one call per rect row (the fast path).
 */
export function forEachSpan(rects: readonly Rect[], box: Rect, mask: QMask | null | undefined, fn: SpanFn): void {
  const bitmap = mask?.bitmap;
  if (!mask || !bitmap) {
    for (const r of rects) for (let y = r.top; y < r.bottom; y++) fn(y, r.left, r.right);
    return;
  }
  const { width: mw, height: mh, stride, data, msbFirst } = bitmap;
  const dx = mask.pos.x - box.left;
  const dy = mask.pos.y - box.top;
  const inv = mask.invert ? 1 : 0;
  for (const r of rects) {
    // Pixels outside the bitmap are excluded whether or not the mask is inverted.
    const x0 = Math.max(r.left, -dx);
    const x1 = Math.min(r.right, mw - dx);
    const y0 = Math.max(r.top, -dy);
    const y1 = Math.min(r.bottom, mh - dy);
    if (x0 >= x1) continue;
    for (let y = y0; y < y1; y++) {
      const my = y + dy;
      const rowOff = (bitmap.bottomUp ? mh - 1 - my : my) * stride;
      let runStart = -1;
      for (let x = x0; x < x1; x++) {
        const mx = x + dx;
        const byte = data[rowOff + (mx >> 3)] | 0;
        const bit = (msbFirst ? byte >> (7 - (mx & 7)) : byte >> (mx & 7)) & 1;
        if ((bit ^ inv) !== 0) {
          if (runStart < 0) runStart = x;
        } else if (runStart >= 0) {
          fn(y, runStart, x);
          runStart = -1;
        }
      }
      if (runStart >= 0) fn(y, runStart, x1);
    }
  }
}
