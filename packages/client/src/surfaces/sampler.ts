import type { ImageSource, Rect } from "./draw-types.js";
import { ScaleMode } from "./draw-types.js";
import { intersectRect } from "./region.js";

/** 32-bit word view of a source (0xAARRGGBB per pixel). A8 sources become alpha-only words. */
export function sourceWords(src: ImageSource): Uint32Array {
  const n = src.width * src.height;
  if (src.pixelFormat === "a8") {
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = (src.data[i] << 24) >>> 0;
    return out;
  }
  const d = src.data;
  if (d.byteOffset % 4 === 0 && d.length >= n * 4) return new Uint32Array(d.buffer, d.byteOffset, n);
  const copy = new Uint8Array(n * 4);
  copy.set(d.subarray(0, n * 4));
  return new Uint32Array(copy.buffer);
}

/**
 * Supplies, for each dest row span inside `valid`, the source pixel words that map onto it:
 * after fetch(y, x0, x1), buf[off + k] is the source pixel for dest pixel (x0 + k, y).
 */
export interface Sampler {
  /** Dest pixels that have a source pixel (source clipping, as spice_pixman_blit does). */
  readonly valid: Rect | null;
  buf: Uint32Array;
  off: number;
  fetch(y: number, x0: number, x1: number): void;
}

/** Source area mapped 1:1 onto the box. */
class DirectSampler implements Sampler {
  readonly valid: Rect | null;
  buf: Uint32Array;
  off = 0;
  private readonly ox: number;
  private readonly oy: number;
  private readonly w: number;

  constructor(words: Uint32Array, src: ImageSource, box: Rect, srcArea: Rect) {
    this.buf = words;
    this.w = src.width;
    this.ox = srcArea.left - box.left;
    this.oy = srcArea.top - box.top;
    this.valid = intersectRect(box, {
      left: -this.ox,
      top: -this.oy,
      right: src.width - this.ox,
      bottom: src.height - this.oy,
    });
  }

  fetch(y: number, x0: number): void {
    this.off = (y + this.oy) * this.w + x0 + this.ox;
  }
}

/** Position of dest pixel i's centre in source space, 16.16 fixed, as pixman's scale transform gives it. */
function samplePoint(i: number, fs: number, start: number): number {
  return Math.floor(((2 * i + 1) * fs) / 2) + start * 65536;
}

/** Scale factor src/dst in 16.16 fixed, truncated as sw_canvas computes it. */
function scaleFactor(srcLen: number, dstLen: number): number {
  return Math.floor((srcLen * 65536) / dstLen);
}

/**
 * Nearest-neighbour index table for dest offsets [from, to) of a dstLen-long box; -1 where the
 * sample falls outside [0, limit).
 */
function nearestTable(start: number, srcLen: number, dstLen: number, limit: number, from: number, to: number): Int32Array {
  const fs = scaleFactor(srcLen, dstLen);
  const t = new Int32Array(to - from);
  for (let i = from; i < to; i++) {
    const idx = Math.floor((samplePoint(i, fs, start) - 1) / 65536);
    t[i - from] = idx >= 0 && idx < limit ? idx : -1;
  }
  return t;
}

/** First and one-past-last index of the non-negative run of a monotonic table. */
function validRun(t: Int32Array): [number, number] {
  let a = 0;
  while (a < t.length && t[a] < 0) a++;
  let b = t.length;
  while (b > a && t[b - 1] < 0) b--;
  return [a, b];
}

class NearestSampler implements Sampler {
  readonly valid: Rect | null;
  buf: Uint32Array;
  off = 0;
  private readonly xt: Int32Array;
  private readonly yt: Int32Array;

  constructor(private readonly words: Uint32Array, private readonly src: ImageSource, box: Rect, srcArea: Rect, private readonly lim: Rect) {
    const bw = box.right - box.left;
    const bh = box.bottom - box.top;
    this.xt = nearestTable(srcArea.left, srcArea.right - srcArea.left, bw, src.width, lim.left - box.left, lim.right - box.left);
    this.yt = nearestTable(srcArea.top, srcArea.bottom - srcArea.top, bh, src.height, lim.top - box.top, lim.bottom - box.top);
    const [xa, xb] = validRun(this.xt);
    const [ya, yb] = validRun(this.yt);
    this.valid = xa < xb && ya < yb ? { left: lim.left + xa, top: lim.top + ya, right: lim.left + xb, bottom: lim.top + yb } : null;
    this.buf = new Uint32Array(lim.right - lim.left);
  }

  fetch(y: number, x0: number, x1: number): void {
    const row = this.yt[y - this.lim.top] * this.src.width;
    const xt = this.xt;
    const bl = this.lim.left;
    const buf = this.buf;
    const words = this.words;
    for (let x = x0; x < x1; x++) buf[x - x0] = words[row + xt[x - bl]];
    this.off = 0;
  }
}

/**
 * Bilinear tables for dest offsets [from, to): lower index, upper index (both clamped to the
 * image) and upper weight 0..256.
 */
function bilinearTables(start: number, srcLen: number, dstLen: number, limit: number, from: number, to: number): [Int32Array, Int32Array, Int32Array] {
  const fs = scaleFactor(srcLen, dstLen);
  const i0 = new Int32Array(to - from);
  const i1 = new Int32Array(to - from);
  const w = new Int32Array(to - from);
  for (let i = from; i < to; i++) {
    const t = samplePoint(i, fs, start) - 32768;
    const lo = Math.floor(t / 65536);
    w[i - from] = Math.floor((t - lo * 65536) / 256);
    i0[i - from] = Math.min(Math.max(lo, 0), limit - 1);
    i1[i - from] = Math.min(Math.max(lo + 1, 0), limit - 1);
  }
  return [i0, i1, w];
}

/**
 * Bilinear filter (SPICE INTERPOLATE; pixman's GOOD filter is bilinear). Samples are clamped to
 * the image edge, where pixman would blend in transparent black.
 */
class BilinearSampler implements Sampler {
  readonly valid: Rect | null;
  buf: Uint32Array;
  off = 0;
  private readonly x: [Int32Array, Int32Array, Int32Array];
  private readonly y: [Int32Array, Int32Array, Int32Array];

  constructor(private readonly words: Uint32Array, private readonly src: ImageSource, box: Rect, srcArea: Rect, private readonly lim: Rect) {
    const bw = box.right - box.left;
    const bh = box.bottom - box.top;
    this.x = bilinearTables(srcArea.left, srcArea.right - srcArea.left, bw, src.width, lim.left - box.left, lim.right - box.left);
    this.y = bilinearTables(srcArea.top, srcArea.bottom - srcArea.top, bh, src.height, lim.top - box.top, lim.bottom - box.top);
    this.valid = src.width > 0 && src.height > 0 ? { ...lim } : null;
    this.buf = new Uint32Array(lim.right - lim.left);
  }

  fetch(y: number, x0: number, x1: number): void {
    const yi = y - this.lim.top;
    const w = this.src.width;
    const r0 = this.y[0][yi] * w;
    const r1 = this.y[1][yi] * w;
    const wy = this.y[2][yi];
    const [xi0, xi1, xw] = this.x;
    const words = this.words;
    const bl = this.lim.left;
    for (let x = x0; x < x1; x++) {
      const xi = x - bl;
      const wx = xw[xi];
      const a = words[r0 + xi0[xi]];
      const b = words[r0 + xi1[xi]];
      const c = words[r1 + xi0[xi]];
      const d = words[r1 + xi1[xi]];
      const fa = (256 - wx) * (256 - wy);
      const fb = wx * (256 - wy);
      const fc = (256 - wx) * wy;
      const fd = wx * wy;
      let out = 0;
      for (let sh = 0; sh < 32; sh += 8) {
        const v = ((a >>> sh) & 255) * fa + ((b >>> sh) & 255) * fb + ((c >>> sh) & 255) * fc + ((d >>> sh) & 255) * fd;
        out |= ((v + 32768) >>> 16) << sh;
      }
      this.buf[x - x0] = out;
    }
    this.off = 0;
  }
}

/**
 * Picks the sampler for a copy of srcArea onto box: 1:1 when sizes match, else scaled.
 * `limit` (inside box: the extents of the pixels to draw) bounds the tables and buffers, so a
 * huge box costs nothing beyond what is drawn.
 */
export function makeSampler(words: Uint32Array, src: ImageSource, box: Rect, srcArea: Rect, mode: ScaleMode | undefined, limit: Rect): Sampler | null {
  const sw = srcArea.right - srcArea.left;
  const sh = srcArea.bottom - srcArea.top;
  const bw = box.right - box.left;
  const bh = box.bottom - box.top;
  const lim = intersectRect(limit, box);
  if (sw <= 0 || sh <= 0 || bw <= 0 || bh <= 0 || !lim) return null;
  if (sw === bw && sh === bh) return new DirectSampler(words, src, box, srcArea);
  return mode === ScaleMode.Interpolate
    ? new BilinearSampler(words, src, box, srcArea, lim)
    : new NearestSampler(words, src, box, srcArea, lim);
}
