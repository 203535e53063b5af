import type { GlyphString, Rect } from "./draw-types.js";
import { StringFlags } from "./draw-types.js";
import { intersectRect } from "./region.js";

/** Coverage of a whole glyph string: one byte (0..255) per pixel of `rect`. */
export interface StringCoverage {
  /** Union of all glyph boxes (before any clipping); pattern brushes are anchored here. */
  bounds: Rect;
  /** The part of bounds that was rasterised. */
  rect: Rect;
  /** (rect.right - rect.left) * (rect.bottom - rect.top) bytes. */
  cov: Uint8Array;
  bpp: 1 | 4 | 8;
}

export function glyphBpp(flags: number): 1 | 4 | 8 | 0 {
  if (flags & StringFlags.RasterA1) return 1;
  if (flags & StringFlags.RasterA4) return 4;
  if (flags & StringFlags.RasterA8) return 8;
  return 0;
}

/**
 * Rasterises the glyphs into a coverage map limited to `limit`. Overlapping glyphs combine
 * with max (an OR for 1 bpp). Glyph box = render_pos + glyph_origin, size width×height.
 * Rows are bottom-up (what spice-common assumes) unless the string has TOP_DOWN.
 * A1 bits are MSB first; A4 nibbles (high first) scale by 17 so 0xF is full coverage.
 */
export function rasterizeString(str: GlyphString, limit: Rect): StringCoverage | null {
  const bpp = glyphBpp(str.flags);
  if (bpp === 0 || str.glyphs.length === 0) return null;
  let bounds: Rect | null = null;
  for (const g of str.glyphs) {
    const left = g.renderPos.x + g.glyphOrigin.x;
    const top = g.renderPos.y + g.glyphOrigin.y;
    const r = { left, top, right: left + g.width, bottom: top + g.height };
    if (g.width <= 0 || g.height <= 0) continue;
    bounds = bounds
      ? {
          left: Math.min(bounds.left, r.left),
          top: Math.min(bounds.top, r.top),
          right: Math.max(bounds.right, r.right),
          bottom: Math.max(bounds.bottom, r.bottom),
        }
      : r;
  }
  if (!bounds) return null;
  const rect = intersectRect(bounds, limit);
  if (!rect) return null;
  const cw = rect.right - rect.left;
  const cov = new Uint8Array(cw * (rect.bottom - rect.top));
  const topDown = (str.flags & StringFlags.TopDown) !== 0;
  for (const g of str.glyphs) {
    const gl = g.renderPos.x + g.glyphOrigin.x;
    const gt = g.renderPos.y + g.glyphOrigin.y;
    const stride = bpp === 1 ? (g.width + 7) >> 3 : bpp === 4 ? (g.width + 1) >> 1 : g.width;
    const x0 = Math.max(gl, rect.left);
    const x1 = Math.min(gl + g.width, rect.right);
    const y0 = Math.max(gt, rect.top);
    const y1 = Math.min(gt + g.height, rect.bottom);
    for (let y = y0; y < y1; y++) {
      const gy = y - gt;
      const row = (topDown ? gy : g.height - 1 - gy) * stride;
      const out = (y - rect.top) * cw - rect.left;
      for (let x = x0; x < x1; x++) {
        const gx = x - gl;
        let v: number;
        if (bpp === 1) v = ((g.data[row + (gx >> 3)] | 0) >> (7 - (gx & 7))) & 1 ? 255 : 0;
        else if (bpp === 4) v = (((g.data[row + (gx >> 1)] | 0) >> (gx & 1 ? 0 : 4)) & 15) * 17;
        else v = g.data[row + gx] | 0;
        if (v > cov[out + x]) cov[out + x] = v;
      }
    }
  }
  return { bounds, rect, cov, bpp };
}
