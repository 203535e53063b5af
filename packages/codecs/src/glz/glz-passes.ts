/**
 * The GLZ control-byte decoder (§6.3). Literals are as in LZ; a match is
 *   ctrl: L (bits 7-5, 7 → extended by 255-bytes as in LZ), pixel_flag (bit 4), pixel_ofs bits 0-3
 *   b2:   pixel_ofs += b2 << 4
 *   c:    image_flag = c >> 6 extra bytes follow;
 *         pixel_flag 0: image_dist = (c & 63) + extra bytes << (6 + 8i)
 *         pixel_flag 1: pixel_ofs += (c & 31) << 12; image_dist = extra bytes << 8i (LE);
 *                       if c & 32 one more byte: pixel_ofs += byte << 17
 * image_dist 0: back-reference inside the image at distance pixel_ofs + 1.
 * image_dist > 0: pixels starting at index pixel_ofs of dictionary image (id - image_dist).
 * Length = L + extension + bias (0 for 3-byte pixels, 1 for RGB16, 2 for palette and alpha);
 * palette types decoded to 32 bits scale length and offset by the pixels per coded byte.
 */
import type { CodecError } from "../errors.js";
import { copyMatch32, copyMatchLane } from "../lz/copy-match.js";
import { streamError } from "../lz/lz-errors.js";
import { LzImageType } from "../lz/lz-image-type.js";
import { copyBgrLiterals } from "../lz/lz-passes.js";
import { rgb16Lut } from "../lz/rgb16.js";
import type { GlzDictionary, GlzWindowImage } from "./glz-dictionary.js";

function truncated(pos: number): CodecError {
  return streamError("ERR_GLZ_CORRUPT", "GLZ stream truncated", pos);
}
function bad(pos: number, what: string): CodecError {
  return streamError("ERR_GLZ_CORRUPT", `GLZ ${what}`, pos);
}

/** Result slots of readMatch (module scoped: no allocation per match). */
const m = { len: 0, ofs: 0, imageDist: 0 };

function readMatch(src: Uint8Array, pos: number, ctrl: number): number {
  const end = src.length;
  let len = ctrl >> 5;
  if (len === 7) {
    let code: number;
    do {
      if (pos >= end) throw truncated(pos);
      code = src[pos++];
      len += code;
    } while (code === 255);
  }
  if (pos + 2 > end) throw truncated(pos);
  let ofs = (ctrl & 0x0f) | (src[pos] << 4);
  const c = src[pos + 1];
  pos += 2;
  const extra = c >> 6;
  let imageDist: number;
  if ((ctrl & 0x10) === 0) {
    if (pos + extra > end) throw truncated(pos);
    imageDist = c & 0x3f;
    for (let i = 0; i < extra; i++) imageDist += src[pos++] << (6 + 8 * i);
  } else {
    const long = (c & 0x20) !== 0;
    if (pos + extra + (long ? 1 : 0) > end) throw truncated(pos);
    ofs += (c & 0x1f) << 12;
    imageDist = 0;
    for (let i = 0; i < extra; i++) imageDist += src[pos++] << (8 * i);
    if (long) ofs += src[pos++] << 17;
  }
  m.len = len;
  m.ofs = ofs;
  m.imageDist = imageDist;
  return pos;
}

/** Shared per-image decoding context: the dictionary and this image's id. */
export interface GlzContext {
  dict: GlzDictionary;
  id: number;
}

/** Resolves `image_dist`, remembering the last one (references cluster on a few images). */
class RefCache {
  dist = -1;
  image: GlzWindowImage | undefined;
  constructor(private readonly ctx: GlzContext) {}
  get(dist: number, pos: number): GlzWindowImage {
    if (dist !== this.dist) {
      this.image = this.ctx.dict.image(this.ctx.id - dist, pos);
      this.dist = dist;
    }
    return this.image!;
  }
}

function copyFrom(out: Uint32Array, op: number, src: Uint32Array, s: number, len: number): void {
  if (len > 24) out.set(src.subarray(s, s + len), op);
  else for (let i = 0; i < len; i++) out[op + i] = src[s + i];
}

/** RGB32 / RGB24 and the colour pass of RGBA: 3-byte literals. Returns the input position after the pass. */
export function glzDecodeBgr(src: Uint8Array, pos: number, out: Uint32Array, count: number, ctx: GlzContext): number {
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const refs = new RefCache(ctx);
  const end = src.length;
  let op = 0;
  while (op < count) {
    if (pos >= end) throw truncated(pos);
    const ctrl = src[pos++];
    if (ctrl < 32) {
      const stop = op + ctrl + 1;
      if (pos + (ctrl + 1) * 3 > end) throw truncated(pos);
      if (stop > count) throw bad(pos, "literal run past the image end");
      pos = copyBgrLiterals(dv, src, pos, out, op, stop);
      op = stop;
      continue;
    }
    pos = readMatch(src, pos, ctrl);
    const len = m.len;
    if (op + len > count) throw bad(pos, "match past the image end");
    if (m.imageDist === 0) {
      const ref = op - m.ofs - 1;
      if (ref < 0) throw bad(pos, "reference before the image start");
      copyMatch32(out, op, ref, len);
    } else {
      const px = refs.get(m.imageDist, pos).pixels;
      if (m.ofs + len > px.length) throw bad(pos, "reference past the end of a dictionary image");
      copyFrom(out, op, px, m.ofs, len);
    }
    op += len;
  }
  return pos;
}

/**
 * RGB16 and the palette types, expanded to 32-bit pixels as they are decoded (references into
 * earlier images address their 32-bit pixels). `lut` is the palette lookup (palette types).
 */
export function glzDecodeExpanded(
  src: Uint8Array,
  pos: number,
  out: Uint32Array,
  count: number,
  ctx: GlzContext,
  type: LzImageType,
  lut: Uint32Array,
): number {
  const rgb16 = type === LzImageType.Rgb16;
  const table = rgb16 ? rgb16Lut() : lut;
  const scale = type === LzImageType.Plt1Le || type === LzImageType.Plt1Be ? 8 : type === LzImageType.Plt4Le || type === LzImageType.Plt4Be ? 2 : 1;
  const bias = rgb16 ? 1 : 2;
  const bytesPerUnit = rgb16 ? 2 : 1;
  const refs = new RefCache(ctx);
  const end = src.length;
  let op = 0;
  while (op < count) {
    if (pos >= end) throw truncated(pos);
    const ctrl = src[pos++];
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (pos + n * bytesPerUnit > end) throw truncated(pos);
      if (op + n * scale > count) throw bad(pos, "literal run past the image end");
      for (let i = 0; i < n; i++) {
        const b = src[pos++];
        switch (type) {
          case LzImageType.Rgb16:
            out[op++] = table[((b << 8) | src[pos++]) & 0x7fff];
            break;
          case LzImageType.Plt8:
            out[op++] = table[b];
            break;
          case LzImageType.Plt4Le:
            out[op++] = table[b & 15];
            out[op++] = table[b >> 4];
            break;
          case LzImageType.Plt4Be:
            out[op++] = table[b >> 4];
            out[op++] = table[b & 15];
            break;
          case LzImageType.Plt1Le:
            for (let k = 0; k < 8; k++) out[op++] = table[(b >> k) & 1];
            break;
          default:
            for (let k = 7; k >= 0; k--) out[op++] = table[(b >> k) & 1];
        }
      }
      continue;
    }
    pos = readMatch(src, pos, ctrl);
    const len = (m.len + bias) * scale;
    if (op + len > count) throw bad(pos, "match past the image end");
    if (m.imageDist === 0) {
      const ref = op - (m.ofs + 1) * scale;
      if (ref < 0) throw bad(pos, "reference before the image start");
      copyMatch32(out, op, ref, len);
    } else {
      const px = refs.get(m.imageDist, pos).pixels;
      const s = m.ofs * scale;
      if (s + len > px.length) throw bad(pos, "reference past the end of a dictionary image");
      copyFrom(out, op, px, s, len);
    }
    op += len;
  }
  return pos;
}

/** The alpha pass of RGBA: one-byte literals into byte 3 of each BGRA pixel, match bias 2. */
export function glzDecodeAlpha(src: Uint8Array, pos: number, out: Uint8Array, count: number, ctx: GlzContext): number {
  const refs = new RefCache(ctx);
  const end = src.length;
  let op = 0;
  while (op < count) {
    if (pos >= end) throw truncated(pos);
    const ctrl = src[pos++];
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (pos + n > end) throw truncated(pos);
      if (op + n > count) throw bad(pos, "literal run past the image end");
      for (let i = 0, d = op * 4 + 3; i < n; i++, d += 4) out[d] = src[pos + i];
      pos += n;
      op += n;
      continue;
    }
    pos = readMatch(src, pos, ctrl);
    const len = m.len + 2;
    if (op + len > count) throw bad(pos, "match past the image end");
    if (m.imageDist === 0) {
      const ref = op - m.ofs - 1;
      if (ref < 0) throw bad(pos, "reference before the image start");
      copyMatchLane(out, 3, 4, op, ref, len);
    } else {
      const bytes = refs.get(m.imageDist, pos).bytes;
      if ((m.ofs + len) * 4 > bytes.length) throw bad(pos, "reference past the end of a dictionary image");
      for (let i = 0, d = op * 4 + 3, s = m.ofs * 4 + 3; i < len; i++, d += 4, s += 4) out[d] = bytes[s];
    }
    op += len;
  }
  return pos;
}
