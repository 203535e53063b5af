import { SpiceError } from "@saffron/protocol";
import type {
  AlphaBlendParams,
  Brush,
  Clip,
  CompositeParams,
  CopyBitsParams,
  CopyParams,
  FillParams,
  ImageSource,
  MaskOnlyParams,
  OpaqueParams,
  PixelFormat,
  QMask,
  Rect,
  Rop3Params,
  StrokeParams,
  TextParams,
  TransparentParams,
} from "./draw-types.js";
import { AlphaFlags, CompositeFlags, LineFlags, ScaleMode, SurfaceFormat } from "./draw-types.js";
import { RenderSource, compositePixel, mul255 } from "./composite.js";
import { rasterizeString } from "./glyphs.js";
import { fixToInt, pathToPolylines, zeroPolyline } from "./lines.js";
import { drawRegion, forEachSpan, intersectRect, intersectRects, isEmptyRect } from "./region.js";
import { Rop, applyRop, copyRopRow, ropFromDescriptor, solidRopRow } from "./rop.js";
import { Rop3 } from "./rop3.js";
import { makeSampler, sourceWords } from "./sampler.js";

/** Largest surface accepted (pixels): 8192×8192, 256 MiB at 32 bpp. */
export const MAX_SURFACE_PIXELS = 8192 * 8192;

const mod = (a: number, n: number): number => ((a % n) + n) % n;

/** Bounding box of a non-empty rect list. */
function extents(rects: readonly Rect[]): Rect {
  let { left, top, right, bottom } = rects[0];
  for (const r of rects) {
    left = Math.min(left, r.left);
    top = Math.min(top, r.top);
    right = Math.max(right, r.right);
    bottom = Math.max(bottom, r.bottom);
  }
  return { left, top, right, bottom };
}

/**
 * A headless SPICE drawing surface. 32-bit formats store B,G,R,A bytes per pixel (a
 * little-endian 0xAARRGGBB word in `u32`); A8 stores one byte per pixel. Rows are top-down,
 * stride = width × bytes per pixel. ARGB pixels are premultiplied, as pixman's a8r8g8b8 is;
 * in xRGB surfaces the fourth byte is padding that draw ops may leave at any value.
 *
 * Every draw op clips to the surface, the box and the clip rects, and (where SPICE has one)
 * the QMask. Geometry a peer gets wrong (areas outside images, huge coordinates) is clipped,
 * never thrown.
 */
export class Surface implements ImageSource {
  readonly width: number;
  readonly height: number;
  readonly format: SurfaceFormat;
  readonly data: Uint8Array;
  /** 32-bit view of `data`; for A8 surfaces a view of the same bytes is not meaningful and this is null. */
  readonly u32: Uint32Array | null;

  constructor(width: number, height: number, format: SurfaceFormat = SurfaceFormat.Xrgb32) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new SpiceError("ERR_SPICE_MALFORMED", `bad surface size ${width}x${height}`);
    }
    if (width * height > MAX_SURFACE_PIXELS) {
      throw new SpiceError("ERR_SPICE_TOO_LARGE", `surface ${width}x${height} is over the limit`);
    }
    if (format !== SurfaceFormat.Xrgb32 && format !== SurfaceFormat.Argb32 && format !== SurfaceFormat.A8) {
      throw new SpiceError("ERR_SPICE_MALFORMED", `unsupported surface format ${format as number}`);
    }
    this.width = width;
    this.height = height;
    this.format = format;
    const bpp = format === SurfaceFormat.A8 ? 1 : 4;
    this.data = new Uint8Array(width * height * bpp);
    this.u32 = bpp === 4 ? new Uint32Array(this.data.buffer) : null;
  }

  /** A surface holding a copy of `img` (32-bit formats only for BGRA images). */
  static fromImage(img: ImageSource, format?: SurfaceFormat): Surface {
    const a8 = img.pixelFormat === "a8";
    const s = new Surface(img.width, img.height, format ?? (a8 ? SurfaceFormat.A8 : img.hasAlpha ? SurfaceFormat.Argb32 : SurfaceFormat.Xrgb32));
    const all = { left: 0, top: 0, right: img.width, bottom: img.height };
    s.copy({ box: all, src: img, srcArea: all, ropd: 8 });
    return s;
  }

  /** True for ARGB and A8 surfaces. */
  get hasAlpha(): boolean {
    return this.format !== SurfaceFormat.Xrgb32;
  }

  get pixelFormat(): PixelFormat {
    return this.format === SurfaceFormat.A8 ? "a8" : "bgra";
  }

  /** 0xAARRGGBB (or the alpha byte for A8) at (x, y). */
  pixelAt(x: number, y: number): number {
    const i = y * this.width + x;
    return this.u32 ? this.u32[i] : this.data[i];
  }

  /**
   * Straight (non-premultiplied) R,G,B,A bytes for PNG output. xRGB gets A = 255; ARGB is
   * un-premultiplied; A8 becomes black with that alpha.
   */
  toRgba(): Uint8Array {
    const n = this.width * this.height;
    const out = new Uint8Array(n * 4);
    const d = this.data;
    if (this.format === SurfaceFormat.A8) {
      for (let i = 0; i < n; i++) out[i * 4 + 3] = d[i];
      return out;
    }
    const straight = this.format === SurfaceFormat.Argb32;
    for (let i = 0, o = 0; i < n; i++, o += 4) {
      const b = d[o];
      const g = d[o + 1];
      const r = d[o + 2];
      if (!straight) {
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
        out[o + 3] = 255;
        continue;
      }
      const a = d[o + 3];
      if (a === 255 || a === 0) {
        out[o] = a ? r : 0;
        out[o + 1] = a ? g : 0;
        out[o + 2] = a ? b : 0;
      } else {
        out[o] = Math.min(255, Math.round((r * 255) / a));
        out[o + 1] = Math.min(255, Math.round((g * 255) / a));
        out[o + 2] = Math.min(255, Math.round((b * 255) / a));
      }
      out[o + 3] = a;
    }
    return out;
  }

  /** A new surface of the same format holding `rect` ∩ this surface. */
  crop(rect: Rect): Surface {
    const r = intersectRect(rect, { left: 0, top: 0, right: this.width, bottom: this.height });
    if (!r) throw new RangeError("crop rect does not intersect the surface");
    const out = new Surface(r.right - r.left, r.bottom - r.top, this.format);
    const bpp = this.u32 ? 4 : 1;
    for (let y = r.top; y < r.bottom; y++) {
      const from = (y * this.width + r.left) * bpp;
      out.data.set(this.data.subarray(from, from + out.width * bpp), (y - r.top) * out.width * bpp);
    }
    return out;
  }

  // ---- draw ops -------------------------------------------------------------------------

  /** DRAW_FILL: brush combined with the dest through the rop descriptor (brush = source). */
  fill(p: FillParams): void {
    const rop = ropFromDescriptor(p.ropd, "brush");
    if (rop === Rop.Noop) return;
    const rects = drawRegion(p.box, this.width, this.height, p.clip);
    if (rects.length) this.paintBrush(rects, p.box, p.mask, p.brush, rop);
  }

  /** DRAW_COPY: src_area onto box (scaled when sizes differ) through the rop descriptor. */
  copy(p: CopyParams): void {
    const rop = ropFromDescriptor(p.ropd, "src");
    if (rop === Rop.Noop) return;
    const rects = drawRegion(p.box, this.width, this.height, p.clip);
    if (rects.length) this.paintImage(rects, p.box, p.mask, p.src, p.srcArea, p.scaleMode, rop);
  }

  /**
   * Where DRAW_COPY would put the pixels of an unscaled `width`×`height` picture unchanged, when
   * they cover whole rows of this 32-bit surface: those rows, for a decoder to write the picture
   * into directly. The result is then the same as copy()'s, without a picture of its own nor a
   * copy of it. Null for any other draw: a rop other than copy, part of the picture or scaled,
   * not the full width, clipped, or an A8 surface. (A mask the caller checks.)
   */
  rowsForCopy(p: { box: Rect; clip: Clip; srcArea: Rect; ropd: number }, width: number, height: number): Uint8Array | null {
    const { box, srcArea } = p;
    if (!this.u32 || ropFromDescriptor(p.ropd, "src") !== Rop.Copy) return null;
    if (width !== this.width || box.left !== 0 || box.right !== width || box.top < 0 || box.bottom > this.height || box.bottom - box.top !== height) return null;
    if (srcArea.left !== 0 || srcArea.top !== 0 || srcArea.right !== width || srcArea.bottom !== height) return null;
    if (p.clip) {
      const visible = drawRegion(box, this.width, this.height, p.clip);
      const r = visible[0];
      if (visible.length !== 1 || r.left !== box.left || r.top !== box.top || r.right !== box.right || r.bottom !== box.bottom) return null;
    }
    const row = this.width * 4;
    return this.data.subarray(box.top * row, box.bottom * row);
  }

  /** DRAW_BLEND: spice-common draws it exactly as DRAW_COPY. */
  blend(p: CopyParams): void {
    this.copy(p);
  }

  /**
   * DRAW_OPAQUE: the source is put first, then the brush is combined with it through the
   * descriptor (brush = source, INVERS_SRC inverts the image underneath).
   */
  opaque(p: OpaqueParams): void {
    const rop = ropFromDescriptor(p.ropd, "brush", "src");
    if (rop === Rop.Noop) return;
    const rects = drawRegion(p.box, this.width, this.height, p.clip);
    if (!rects.length) return;
    this.paintImage(rects, p.box, p.mask, p.src, p.srcArea, p.scaleMode, Rop.Copy);
    this.paintBrush(rects, p.box, p.mask, p.brush, rop);
  }

  blackness(p: MaskOnlyParams): void {
    this.paintSolid(p, 0, Rop.Copy);
  }

  whiteness(p: MaskOnlyParams): void {
    this.paintSolid(p, 0xffffffff, Rop.Copy);
  }

  invers(p: MaskOnlyParams): void {
    this.paintSolid(p, 0, Rop.Invert);
  }

  /** DRAW_ROP3: any ternary rop of pattern (brush), source image and dest. 32-bit surfaces only. */
  rop3(p: Rop3Params): void {
    const u32 = this.u32;
    if (!u32) return;
    const rects = drawRegion(p.box, this.width, this.height, p.clip);
    if (!rects.length) return;
    const src = this.detach(p.src);
    const sampler = makeSampler(sourceWords(src), src, p.box, p.srcArea, p.scaleMode ?? ScaleMode.Nearest, extents(rects));
    if (!sampler?.valid) return;
    const r3 = new Rop3(p.rop3 & 0xff);
    const brush = p.brush;
    const color = brush.kind === "solid" ? brush.color : 0;
    const pat = brush.kind === "pattern" ? this.patternRows(brush.image, brush.pos) : null;
    const w = this.width;
    forEachSpan(intersectRects(rects, sampler.valid), p.box, p.mask, (y, x0, x1) => {
      sampler.fetch(y, x0, x1);
      const pr = pat ? pat(y, x0, x1) : null;
      r3.row(u32, y * w + x0, sampler.buf, sampler.off, x1 - x0, pr, 0, color);
    });
  }

  /**
   * DRAW_STROKE with cosmetic (zero-width) lines: X11 Bresenham, end points not drawn,
   * beziers flattened, LINE_FLAGS_STYLED as on/off dashes. Off-dashes are left untouched
   * (spice-common never uses back_mode either).
   */
  stroke(p: StrokeParams): void {
    const rects = drawRegion(p.box, this.width, this.height, p.clip);
    if (!rects.length) return;
    const rop = ropFromDescriptor(p.foreMode, "brush");
    if (rop === Rop.Noop) return;
    const target = this.u32 ?? this.data;
    const a8 = !this.u32;
    const brush = p.brush;
    const color = brush.kind === "solid" ? brush.color : 0;
    const pattern = brush.kind === "pattern" ? this.patternPixel(brush.image, brush.pos.x, brush.pos.y) : null;
    const one = rects.length === 1 ? rects[0] : null;
    const w = this.width;
    const plot = (x: number, y: number): void => {
      if (one) {
        if (x < one.left || x >= one.right || y < one.top || y >= one.bottom) return;
      } else if (!rects.some((r) => x >= r.left && x < r.right && y >= r.top && y < r.bottom)) {
        return;
      }
      const i = y * w + x;
      const c = pattern ? (a8 ? pattern(x, y) >>> 24 : pattern(x, y)) : a8 ? color & 0xff : color;
      target[i] = applyRop(rop, c, target[i]);
    };
    let dashes: number[] | null = null;
    const style = p.style ?? [];
    if ((p.lineFlags ?? 0) & LineFlags.Styled && style.length > 0) {
      dashes = style.map(fixToInt);
      // spice-common rotates the style left by one when it starts with a gap.
      if ((p.lineFlags ?? 0) & LineFlags.StartWithGap) dashes.push(dashes.shift()!);
    }
    for (const line of pathToPolylines(p.path)) zeroPolyline(line, this.width, this.height, plot, dashes);
  }

  /**
   * DRAW_TEXT: back_area filled with the back brush (back_mode), then the glyph coverage
   * painted with the fore brush. 1 bpp glyphs apply fore_mode; 4 and 8 bpp glyphs are
   * blended OVER with their coverage, as spice-common does. 32-bit surfaces only.
   */
  text(p: TextParams): void {
    const u32 = this.u32;
    if (!u32) return;
    const rects = drawRegion(p.box, this.width, this.height, p.clip);
    if (!rects.length) return;
    if (!isEmptyRect(p.backArea)) {
      const back = intersectRects(rects, p.backArea);
      const backRop = ropFromDescriptor(p.backMode, "brush");
      if (back.length && backRop !== Rop.Noop) this.paintBrush(back, p.box, null, p.backBrush, backRop);
    }
    const brush = p.foreBrush;
    if (brush.kind === "none") return;
    const cov = rasterizeString(p.str, extents(rects));
    if (!cov) return;
    const rop = ropFromDescriptor(p.foreMode, "brush");
    // spice-common anchors a text pattern at the string bounds plus the pattern position.
    const pattern =
      brush.kind === "pattern" ? this.patternPixel(brush.image, cov.bounds.left + brush.pos.x, cov.bounds.top + brush.pos.y) : null;
    const color = brush.kind === "solid" ? brush.color : 0;
    const cw = cov.rect.right - cov.rect.left;
    const w = this.width;
    for (const r of intersectRects(rects, cov.rect)) {
      for (let y = r.top; y < r.bottom; y++) {
        const crow = (y - cov.rect.top) * cw - cov.rect.left;
        for (let x = r.left; x < r.right; x++) {
          const c = cov.cov[crow + x];
          if (c === 0) continue;
          const i = y * w + x;
          const fg = (pattern ? pattern(x, y) : color) | 0xff000000;
          if (cov.bpp === 1) {
            u32[i] = applyRop(rop, fg, u32[i]);
          } else if (c === 255) {
            u32[i] = fg;
          } else {
            const d = u32[i];
            let out = 0;
            for (let sh = 0; sh < 32; sh += 8) out |= (mul255((fg >>> sh) & 255, c) + mul255((d >>> sh) & 255, 255 - c)) << sh;
            u32[i] = out;
          }
        }
      }
    }
  }

  /**
   * DRAW_TRANSPARENT: copy (nearest scaling) skipping source pixels whose low 24 bits equal
   * trueColor. 32-bit surfaces only.
   */
  transparent(p: TransparentParams): void {
    const u32 = this.u32;
    if (!u32) return;
    const rects = drawRegion(p.box, this.width, this.height, p.clip);
    if (!rects.length) return;
    const src = this.detach(p.src);
    const sampler = makeSampler(sourceWords(src), src, p.box, p.srcArea, ScaleMode.Nearest, extents(rects));
    if (!sampler?.valid) return;
    const key = p.trueColor & 0xffffff;
    const w = this.width;
    forEachSpan(intersectRects(rects, sampler.valid), p.box, null, (y, x0, x1) => {
      sampler.fetch(y, x0, x1);
      const buf = sampler.buf;
      let si = sampler.off;
      for (let i = y * w + x0, end = y * w + x1; i < end; i++, si++) {
        const s = buf[si];
        if ((s & 0xffffff) !== key) u32[i] = s;
      }
    });
  }

  /**
   * DRAW_ALPHA_BLEND: premultiplied source OVER dest, the source scaled by alpha/255 (nearest
   * scaling, as spice-common). The source alpha counts when the image has alpha; for a Surface
   * source, when it is ARGB or flags has SRC_SURFACE_HAS_ALPHA. 32-bit surfaces only.
   */
  alphaBlend(p: AlphaBlendParams): void {
    const u32 = this.u32;
    if (!u32 || (p.alpha & 0xff) === 0) return;
    const rects = drawRegion(p.box, this.width, this.height, p.clip);
    if (!rects.length) return;
    const src = this.detach(p.src);
    const srcAlpha =
      p.src instanceof Surface ? p.src.format !== SurfaceFormat.Xrgb32 || (p.flags & AlphaFlags.SrcSurfaceHasAlpha) !== 0 : src.hasAlpha || src.pixelFormat === "a8";
    const sampler = makeSampler(sourceWords(src), src, p.box, p.srcArea, ScaleMode.Nearest, extents(rects));
    if (!sampler?.valid) return;
    const ga = p.alpha & 0xff;
    const force = srcAlpha ? 0 : 0xff000000;
    const w = this.width;
    forEachSpan(intersectRects(rects, sampler.valid), p.box, null, (y, x0, x1) => {
      sampler.fetch(y, x0, x1);
      const buf = sampler.buf;
      let si = sampler.off;
      for (let i = y * w + x0, end = y * w + x1; i < end; i++, si++) {
        let s = (buf[si] | force) >>> 0;
        if (ga !== 255) {
          let t = 0;
          for (let sh = 0; sh < 32; sh += 8) t |= mul255((s >>> sh) & 255, ga) << sh;
          s = t >>> 0;
        }
        const inv = 255 - (s >>> 24);
        if (inv === 0) {
          u32[i] = s;
          continue;
        }
        const d = u32[i];
        let out = 0;
        for (let sh = 0; sh < 32; sh += 8) out |= Math.min(255, ((s >>> sh) & 255) + mul255((d >>> sh) & 255, inv)) << sh;
        u32[i] = out;
      }
    });
  }

  /**
   * DRAW_COMPOSITE (Render): op from flags bits 0-7 (CLEAR…SATURATE; others act as OVER),
   * optional mask with component alpha, affine transforms, repeat and filter per source.
   * Source and mask coordinates are (dest - box origin) + their origins.
   */
  composite(p: CompositeParams): void {
    const rects = drawRegion(p.box, this.width, this.height, p.clip);
    if (!rects.length) return;
    const f = p.flags;
    const src = new RenderSource(
      this.detach(p.src),
      (f & CompositeFlags.SourceOpaque) !== 0,
      f & CompositeFlags.HasSrcTransform ? p.srcTransform : null,
      (f >> CompositeFlags.SrcRepeatShift) & 3,
      (f >> CompositeFlags.SrcFilterShift) & 7,
    );
    const mask =
      f & CompositeFlags.HasMask && p.mask
        ? new RenderSource(
            this.detach(p.mask),
            (f & CompositeFlags.MaskOpaque) !== 0,
            f & CompositeFlags.HasMaskTransform ? p.maskTransform : null,
            (f >> CompositeFlags.MaskRepeatShift) & 3,
            (f >> CompositeFlags.MaskFilterShift) & 7,
          )
        : null;
    const op = f & CompositeFlags.OpMask;
    const ca = (f & CompositeFlags.ComponentAlpha) !== 0;
    const destOpaque = (f & CompositeFlags.DestOpaque) !== 0 || this.format === SurfaceFormat.Xrgb32;
    const { box, srcOrigin: so, maskOrigin: mo } = p;
    const u32 = this.u32;
    const data = this.data;
    const w = this.width;
    for (const r of rects) {
      for (let y = r.top; y < r.bottom; y++) {
        const j = y - box.top;
        for (let x = r.left; x < r.right; x++) {
          const i = x - box.left;
          const s = src.get(i + so.x, j + so.y);
          const m = mask ? mask.get(i + mo.x, j + mo.y) : 0xffffffff;
          const k = y * w + x;
          if (u32) u32[k] = compositePixel(op, s, m, u32[k], ca, destOpaque);
          else data[k] = compositePixel(op, s, m, data[k] << 24, ca, false) >>> 24;
        }
      }
    }
  }

  /** COPY_BITS: copies from src_pos to the box within this surface; overlap-safe. */
  copyBits(p: CopyBitsParams): void {
    const dx = p.box.left - p.srcPos.x;
    const dy = p.box.top - p.srcPos.y;
    if (dx === 0 && dy === 0) return;
    const rects = intersectRects(drawRegion(p.box, this.width, this.height, p.clip), {
      left: dx,
      top: dy,
      right: dx + this.width,
      bottom: dy + this.height,
    });
    if (!rects.length) return;
    const t = this.u32 ?? this.data;
    const w = this.width;
    if (rects.length === 1) {
      const r = rects[0];
      const n = r.right - r.left;
      // Rows in the direction that never reads an already written row; copyWithin is a memmove.
      for (let k = 0, hgt = r.bottom - r.top; k < hgt; k++) {
        const y = dy > 0 ? r.bottom - 1 - k : r.top + k;
        const di = y * w + r.left;
        const si = (y - dy) * w + r.left - dx;
        t.copyWithin(di, si, si + n);
      }
      return;
    }
    // Several rects: read every source pixel before writing any.
    const e = extents(rects);
    const ew = e.right - e.left;
    const snap = t instanceof Uint32Array ? new Uint32Array(ew * (e.bottom - e.top)) : new Uint8Array(ew * (e.bottom - e.top));
    for (let y = e.top; y < e.bottom; y++) {
      const si = (y - dy) * w + e.left - dx;
      snap.set(t.subarray(si, si + ew), (y - e.top) * ew);
    }
    for (const r of rects) {
      for (let y = r.top; y < r.bottom; y++) {
        const si = (y - e.top) * ew + r.left - e.left;
        t.set(snap.subarray(si, si + r.right - r.left), y * w + r.left);
      }
    }
  }

  // ---- helpers --------------------------------------------------------------------------

  /** A source that shares this surface's memory is snapshotted so reads see the old pixels. */
  private detach(src: ImageSource): ImageSource {
    if (src.data.buffer !== this.data.buffer) return src;
    return { width: src.width, height: src.height, data: src.data.slice(), hasAlpha: src.hasAlpha, pixelFormat: src.pixelFormat ?? "bgra" };
  }

  private paintSolid(p: MaskOnlyParams, color: number, rop: Rop): void {
    const rects = drawRegion(p.box, this.width, this.height, p.clip);
    if (rects.length) this.paintBrush(rects, p.box, p.mask, { kind: "solid", color }, rop);
  }

  /** Brush through rop over rects (∩ mask). NONE acts as colour 0, as in spice-common. */
  private paintBrush(rects: readonly Rect[], box: Rect, mask: QMask | null | undefined, brush: Brush, rop: Rop): void {
    const t = this.u32 ?? this.data;
    const w = this.width;
    if (brush.kind !== "pattern") {
      const c = brush.kind === "solid" ? brush.color : 0;
      const color = this.u32 ? c : c & 0xff;
      forEachSpan(rects, box, mask, (y, x0, x1) => solidRopRow(t, y * w + x0, y * w + x1, color, rop));
      return;
    }
    const img = brush.image;
    if (img.width <= 0 || img.height <= 0) return;
    const pw = img.width;
    const words = this.u32 ? sourceWords(img) : alphaBytes(img);
    const { x: px, y: py } = brush.pos;
    forEachSpan(rects, box, mask, (y, x0, x1) => {
      const prow = mod(y - py, img.height) * pw;
      let tx = mod(x0 - px, pw);
      let di = y * w + x0;
      let left = x1 - x0;
      while (left > 0) {
        const n = Math.min(pw - tx, left);
        copyRopRow(t, di, words, prow + tx, n, rop);
        di += n;
        left -= n;
        tx = 0;
      }
    });
  }

  /** Source image (scaled or not) through rop over rects ∩ mask ∩ where the source exists. */
  private paintImage(
    rects: readonly Rect[],
    box: Rect,
    mask: QMask | null | undefined,
    srcIn: ImageSource,
    srcArea: Rect,
    mode: ScaleMode | undefined,
    rop: Rop,
  ): void {
    const src = this.detach(srcIn);
    const sampler = makeSampler(sourceWords(src), src, box, srcArea, mode ?? ScaleMode.Nearest, extents(rects));
    if (!sampler?.valid) return;
    const clipped = intersectRects(rects, sampler.valid);
    const w = this.width;
    const u32 = this.u32;
    if (u32) {
      forEachSpan(clipped, box, mask, (y, x0, x1) => {
        sampler.fetch(y, x0, x1);
        copyRopRow(u32, y * w + x0, sampler.buf, sampler.off, x1 - x0, rop);
      });
      return;
    }
    const row = new Uint8Array(this.width);
    forEachSpan(clipped, box, mask, (y, x0, x1) => {
      sampler.fetch(y, x0, x1);
      const n = x1 - x0;
      for (let k = 0; k < n; k++) row[k] = sampler.buf[sampler.off + k] >>> 24;
      copyRopRow(this.data, y * w + x0, row, 0, n, rop);
    });
  }

  /** Pattern pixel lookup anchored at (ox, oy). */
  private patternPixel(img: ImageSource, ox: number, oy: number): ((x: number, y: number) => number) | null {
    if (img.width <= 0 || img.height <= 0) return null;
    const words = sourceWords(img);
    return (x, y) => words[mod(y - oy, img.height) * img.width + mod(x - ox, img.width)];
  }

  /** Builds pattern rows for rop3: returns a buffer whose [0, x1-x0) holds the tiled pattern. */
  private patternRows(img: ImageSource, pos: { x: number; y: number }): ((y: number, x0: number, x1: number) => Uint32Array) | null {
    if (img.width <= 0 || img.height <= 0) return null;
    const words = sourceWords(img);
    const buf = new Uint32Array(this.width);
    return (y, x0, x1) => {
      const prow = mod(y - pos.y, img.height) * img.width;
      let tx = mod(x0 - pos.x, img.width);
      for (let k = 0; k < x1 - x0; k++) {
        buf[k] = words[prow + tx];
        if (++tx === img.width) tx = 0;
      }
      return buf;
    };
  }
}

function alphaBytes(img: ImageSource): Uint8Array {
  if (img.pixelFormat === "a8") return img.data;
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = img.hasAlpha ? img.data[i * 4 + 3] : 255;
  return out;
}
