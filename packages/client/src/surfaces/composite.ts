import type { ImageSource, Transform } from "./draw-types.js";
import { CompositeOp } from "./draw-types.js";

/** a*b/255 rounded, the 8-bit multiply pixman uses. */
export function mul255(a: number, b: number): number {
  const t = a * b + 0x80;
  return ((t >> 8) + t) >> 8;
}

/** pixman_repeat_t */
export const Repeat = { None: 0, Normal: 1, Pad: 2, Reflect: 3 } as const;
/** pixman_filter_t values that interpolate (GOOD, BEST, BILINEAR); the rest sample nearest. */
const BILINEAR_FILTERS = new Set([1, 2, 4]);

function wrap(v: number, n: number, repeat: number): number {
  if (v >= 0 && v < n) return v;
  switch (repeat) {
    case Repeat.Normal:
      return ((v % n) + n) % n;
    case Repeat.Pad:
      return v < 0 ? 0 : n - 1;
    case Repeat.Reflect: {
      const m = ((v % (2 * n)) + 2 * n) % (2 * n);
      return m < n ? m : 2 * n - 1 - m;
    }
    default:
      return -1;
  }
}

/**
 * Reads premultiplied 0xAARRGGBB pixels of a Render source at integer source coordinates
 * (dest pixel + origin), through an optional affine transform, with repeat and filter.
 */
export class RenderSource {
  private readonly words: Uint32Array | null;
  private readonly bytes: Uint8Array | null;
  private readonly w: number;
  private readonly h: number;
  private readonly forceOpaque: number;
  private readonly t: Transform | null;
  private readonly bilinear: boolean;

  constructor(src: ImageSource, opaque: boolean, transform: Transform | null | undefined, private readonly repeat: number, filter: number) {
    this.w = src.width;
    this.h = src.height;
    if (src.pixelFormat === "a8") {
      this.bytes = src.data;
      this.words = null;
    } else {
      this.bytes = null;
      const d = src.data;
      this.words =
        d.byteOffset % 4 === 0 ? new Uint32Array(d.buffer, d.byteOffset, this.w * this.h) : new Uint32Array(d.slice(0, this.w * this.h * 4).buffer);
    }
    this.forceOpaque = opaque || (!src.hasAlpha && src.pixelFormat !== "a8") ? 0xff000000 : 0;
    const identity = !transform || (transform.t00 === 65536 && transform.t01 === 0 && transform.t10 === 0 && transform.t11 === 65536 && transform.t02 % 65536 === 0 && transform.t12 % 65536 === 0);
    if (transform && identity) {
      this.t = null;
      this.dx = transform.t02 / 65536;
      this.dy = transform.t12 / 65536;
    } else {
      this.t = transform ?? null;
    }
    this.bilinear = BILINEAR_FILTERS.has(filter);
  }

  private dx = 0;
  private dy = 0;

  private texel(x: number, y: number): number {
    const xi = wrap(x, this.w, this.repeat);
    const yi = wrap(y, this.h, this.repeat);
    if (xi < 0 || yi < 0) return 0;
    const i = yi * this.w + xi;
    if (this.words) return (this.words[i] | this.forceOpaque) >>> 0;
    return ((this.bytes![i] | 0) << 24) >>> 0;
  }

  /** Pixel for integer source position (x, y) before the transform. */
  get(x: number, y: number): number {
    if (!this.t) return this.texel(x + this.dx, y + this.dy);
    const t = this.t;
    // pixman samples at pixel centres: (x + 0.5, y + 0.5) in 16.16.
    const px = x * 65536 + 32768;
    const py = y * 65536 + 32768;
    const sx = Math.floor((t.t00 * px + t.t01 * py) / 65536) + t.t02;
    const sy = Math.floor((t.t10 * px + t.t11 * py) / 65536) + t.t12;
    if (!this.bilinear) return this.texel(Math.floor((sx - 1) / 65536), Math.floor((sy - 1) / 65536));
    const bx = sx - 32768;
    const by = sy - 32768;
    const x0 = Math.floor(bx / 65536);
    const y0 = Math.floor(by / 65536);
    const wx = Math.floor((bx - x0 * 65536) / 256);
    const wy = Math.floor((by - y0 * 65536) / 256);
    const a = this.texel(x0, y0);
    const b = this.texel(x0 + 1, y0);
    const c = this.texel(x0, y0 + 1);
    const d = this.texel(x0 + 1, y0 + 1);
    let out = 0;
    for (let sh = 0; sh < 32; sh += 8) {
      const v =
        ((a >>> sh) & 255) * (256 - wx) * (256 - wy) +
        ((b >>> sh) & 255) * wx * (256 - wy) +
        ((c >>> sh) & 255) * (256 - wx) * wy +
        ((d >>> sh) & 255) * wx * wy;
      out |= ((v + 32768) >>> 16) << sh;
    }
    return out >>> 0;
  }
}

/** Porter-Duff factor codes. */
const ZERO = 0;
const ONE = 1;
const DA = 2;
const INV_DA = 3;
const SA = 4;
const INV_SA = 5;

/** [Fa, Fb] per pixman op 0..11. */
const PD: readonly (readonly [number, number])[] = [
  [ZERO, ZERO], // CLEAR
  [ONE, ZERO], // SRC
  [ZERO, ONE], // DST
  [ONE, INV_SA], // OVER
  [INV_DA, ONE], // OVER_REVERSE
  [DA, ZERO], // IN
  [ZERO, SA], // IN_REVERSE
  [INV_DA, ZERO], // OUT
  [ZERO, INV_SA], // OUT_REVERSE
  [DA, INV_SA], // ATOP
  [INV_DA, SA], // ATOP_REVERSE
  [INV_DA, INV_SA], // XOR
];

function factor(f: number, sa: number, da: number): number {
  switch (f) {
    case ZERO:
      return 0;
    case ONE:
      return 255;
    case DA:
      return da;
    case INV_DA:
      return 255 - da;
    case SA:
      return sa;
    default:
      return 255 - sa;
  }
}

/**
 * One Render composite step on premultiplied 8-bit channels:
 * result = src·mask·Fa + dest·Fb (ADD: Fa = Fb = 1; SATURATE: Fa = min(1, (1-da)/sa)),
 * clamped to 255. `componentAlpha` uses each mask channel for its colour channel.
 * Unsupported ops (disjoint, conjoint, blend modes) are treated as OVER.
 */
export function compositePixel(op: number, s: number, m: number, d: number, componentAlpha: boolean, destOpaque: boolean): number {
  const sa = s >>> 24;
  const ma = m >>> 24;
  const da = destOpaque ? 255 : d >>> 24;
  const pd = op <= CompositeOp.Xor ? PD[op] : op === CompositeOp.Add || op === CompositeOp.Saturate ? null : PD[CompositeOp.Over];
  let out = 0;
  for (let sh = 0; sh < 32; sh += 8) {
    const mc = componentAlpha && sh < 24 ? (m >>> sh) & 255 : ma;
    const sc = mul255((s >>> sh) & 255, mc);
    const sac = mul255(sa, mc);
    const dc = sh === 24 ? da : (d >>> sh) & 255;
    let r: number;
    if (pd) {
      r = mul255(sc, factor(pd[0], sac, da)) + mul255(dc, factor(pd[1], sac, da));
    } else if (op === CompositeOp.Add) {
      r = sc + dc;
    } else {
      const fa = sac > 255 - da ? Math.floor(((255 - da) * 255) / sac) : 255;
      r = mul255(sc, fa) + dc;
    }
    out |= Math.min(r, 255) << sh;
  }
  return out >>> 0;
}
