import type { CursorImage } from "../display-source.js";

/**
 * An XFixes cursor image (CARD32 ARGB per pixel, premultiplied alpha, little-endian bytes
 * B, G, R, A as a little-endian client receives it) as straight RGBA.
 */
export function premultipliedArgbToRgba(argb: Uint8Array, width: number, height: number): Uint8Array {
  const n = width * height;
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const s = i * 4;
    const a = argb[s + 3] ?? 0;
    const b = argb[s] ?? 0, g = argb[s + 1] ?? 0, r = argb[s + 2] ?? 0;
    if (a === 0) continue; // fully transparent: colour is meaningless, leave 0
    if (a === 255) {
      out[s] = r;
      out[s + 1] = g;
      out[s + 2] = b;
    } else {
      out[s] = Math.min(255, Math.round((r * 255) / a));
      out[s + 1] = Math.min(255, Math.round((g * 255) / a));
      out[s + 2] = Math.min(255, Math.round((b * 255) / a));
    }
    out[s + 3] = a;
  }
  return out;
}

/** Builds a CursorImage from an XFixes GetCursorImage reply's fields. */
export function cursorFromXFixes(width: number, height: number, xhot: number, yhot: number, argb: Uint8Array): CursorImage | null {
  if (width === 0 || height === 0 || argb.length < width * height * 4) return null;
  const rgba = premultipliedArgbToRgba(argb, width, height);
  let visible = false;
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 0) { visible = true; break; }
  if (!visible) return null;
  return { width, height, hotX: Math.min(xhot, width - 1), hotY: Math.min(yhot, height - 1), rgba };
}

/**
 * Copies a ZPixmap image of 32-bit pixels (rows `srcStride` bytes apart) into a B,G,R,X
 * framebuffer at (x, y). Only the part inside the framebuffer is written.
 */
export function blitRows(
  dst: Uint8Array, dstStride: number, dstWidth: number, dstHeight: number,
  x: number, y: number, width: number, height: number,
  src: Uint8Array, srcStride: number,
): void {
  const x0 = Math.max(0, x), y0 = Math.max(0, y);
  const x1 = Math.min(dstWidth, x + width), y1 = Math.min(dstHeight, y + height);
  if (x1 <= x0 || y1 <= y0) return;
  const bytes = (x1 - x0) * 4;
  for (let row = y0; row < y1; row++) {
    const s = (row - y) * srcStride + (x0 - x) * 4;
    if (s + bytes > src.length) break;
    dst.set(src.subarray(s, s + bytes), row * dstStride + x0 * 4);
  }
}

/** A rect in framebuffer pixels (x, y, width, height). */
export interface ChangedBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Like blitRows, but returns the bounding box of the pixels that really changed (null when
 * none did). X reports damage for repaints that draw the same pixels again (a terminal
 * redrawing unchanged lines); sending only what changed saves most of those bytes.
 */
export function blitRowsChanged(
  dst: Uint8Array, dstStride: number, dstWidth: number, dstHeight: number,
  x: number, y: number, width: number, height: number,
  src: Uint8Array, srcStride: number,
): ChangedBox | null {
  const x0 = Math.max(0, x), y0 = Math.max(0, y);
  const x1 = Math.min(dstWidth, x + width), y1 = Math.min(dstHeight, y + height);
  if (x1 <= x0 || y1 <= y0) return null;
  const bytes = (x1 - x0) * 4;
  let top = -1, bottom = -1, left = x1, right = x0;
  for (let row = y0; row < y1; row++) {
    const s = (row - y) * srcStride + (x0 - x) * 4;
    if (s + bytes > src.length) break;
    const d = row * dstStride + x0 * 4;
    const from = src.subarray(s, s + bytes);
    const to = dst.subarray(d, d + bytes);
    if (equalBytes(from, to)) continue;
    if (top < 0) top = row;
    bottom = row;
    // Narrow the columns: scan in from both ends to the first differing pixel.
    let l = 0;
    while (l < bytes && (from[l] === to[l] && from[l + 1] === to[l + 1] && from[l + 2] === to[l + 2])) l += 4;
    let r = bytes - 4;
    while (r > l && (from[r] === to[r] && from[r + 1] === to[r + 1] && from[r + 2] === to[r + 2])) r -= 4;
    left = Math.min(left, x0 + l / 4);
    right = Math.max(right, x0 + r / 4 + 1);
    to.set(from);
  }
  if (top < 0) return null;
  return { x: left, y: top, width: right - left, height: bottom + 1 - top };
}

/** memcmp of two equal-length byte arrays (Buffer.compare is native when available). */
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (typeof Buffer !== "undefined") return Buffer.compare(a, b) === 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
