/**
 * GLZ image encoder (SPICE GLZ_RGB, protocol map §6.3), written from the algorithm of
 * spice-server glz-encoder.c / glz-encode.tmpl.c / glz-encode-match.tmpl.c:
 *
 * - like LZ (literal runs of 32, run detection against the previous pixel, hash updates at the
 *   end of each match), but the hash table belongs to the dictionary (2^20 entries, one
 *   candidate each) and a candidate may lie in any earlier image of the window of the same type;
 * - a candidate is used when its first 2 pixels (4 alpha units) are equal, it is not at offset 0
 *   of its image, the pixel distance / offset is below 2^25, and a short match (2 pixels, up to
 *   7 alpha units) does not cost more bytes than the pixels it replaces;
 * - a match is coded as length, pixel_flag (offset >= 4096), the pixel offset (distance - 1
 *   inside the image, index into the referenced image otherwise) and the image distance.
 *
 * RGBA adds an alpha pass on the same dictionary and hash table.
 */
import { LZ_MAGIC, LZ_VERSION } from "../lz/lz-header.js";
import { LzImageType } from "../lz/lz-image-type.js";
import { codedPixels, type EncoderImage } from "../lz/encoder-image.js";
import { GLZ_HEADER_SIZE } from "./glz-header.js";
import { colourCheck, GLZ_HASH_LOG, GLZ_POS_BITS, type GlzEncoderDictionary, type GlzWindowEntry } from "./glz-encoder-dictionary.js";
import { matchLength, runLength } from "./glz-match-length.js";
import { writeU32be } from "../lz/write-u32be.js";

export type GlzEncodeType = "rgb32" | "rgba";

export interface GlzEncodeOptions {
  /** Code the top row first (default); false codes the bottom row first (top_down 0). */
  topDown?: boolean;
}

const HASH_MASK = (1 << GLZ_HASH_LOG) - 1;
const POS_MASK = (1 << GLZ_POS_BITS) - 1;
const CHECK_BITS = 32 - GLZ_POS_BITS;
const CHECK_MASK = (1 << CHECK_BITS) - 1;
const MAX_COPY = 32;
const BOUND_OFFSET = 2;
const LIMIT_OFFSET = 6;
const MAX_PIXEL_SHORT_DISTANCE = 1 << 12;
const MAX_PIXEL_MEDIUM_DISTANCE = 1 << 17;
const MAX_PIXEL_LONG_DISTANCE = 1 << 25;
const MAX_IMAGE_DIST = (1 << 24) - 1;

/** DJB2 (xor variant) over R, G, B of pixels i..i+2 (exact low 32 bits, then masked). */
function hashRgb(px: Int32Array, i: number): number {
  let v = px[i];
  let h = (5381 * 33) ^ ((v >>> 16) & 255);
  h = (((h << 5) + h) | 0) ^ ((v >>> 8) & 255);
  h = (((h << 5) + h) | 0) ^ (v & 255);
  v = px[i + 1];
  h = (((h << 5) + h) | 0) ^ ((v >>> 16) & 255);
  h = (((h << 5) + h) | 0) ^ ((v >>> 8) & 255);
  h = (((h << 5) + h) | 0) ^ (v & 255);
  v = px[i + 2];
  h = (((h << 5) + h) | 0) ^ ((v >>> 16) & 255);
  h = (((h << 5) + h) | 0) ^ ((v >>> 8) & 255);
  h = (((h << 5) + h) | 0) ^ (v & 255);
  return h & HASH_MASK;
}

function hashAlpha(px: Int32Array, i: number): number {
  let h = (5381 * 33) ^ (px[i] >>> 24);
  h = (((h << 5) + h) | 0) ^ (px[i + 1] >>> 24);
  h = (((h << 5) + h) | 0) ^ (px[i + 2] >>> 24);
  return h & HASH_MASK;
}

/**
 * Writes hash entry h and marks its line (16 entries) as written in `lines` (see
 * GlzEncoderDictionary.htabLines). Every write to the table goes through here.
 */
function setEntry(htab: Int32Array, lines: Int32Array, h: number, entry: number): void {
  htab[h] = entry;
  lines[h >>> 9] |= 1 << ((h >>> 4) & 31);
}

/** Bytes a match reference takes besides the length extension (get_encode_ref_size). */
function refSize(imageDist: number, pixDist: number): number {
  if (pixDist < MAX_PIXEL_SHORT_DISTANCE) {
    return imageDist < 64 ? 3 : imageDist < 1 << 14 ? 4 : imageDist < 1 << 22 ? 5 : 6;
  }
  const size = imageDist === 0 ? 3 : imageDist < 256 ? 4 : imageDist < 65536 ? 5 : 6;
  return pixDist < MAX_PIXEL_MEDIUM_DISTANCE ? size : size + 1;
}

/** Writes a match; `len` is the coded length (without bias), `pixDist` already biased when in-image. */
function writeMatch(out: Uint8Array, op: number, imageDist: number, pixDist: number, len: number): number {
  const short = pixDist < MAX_PIXEL_SHORT_DISTANCE;
  const ctrl = (short ? 0 : 16) + (pixDist & 0x0f);
  if (len < 7) {
    out[op++] = (len << 5) + ctrl;
  } else {
    out[op++] = (7 << 5) + ctrl;
    for (len -= 7; len >= 255; len -= 255) out[op++] = 255;
    out[op++] = len;
  }
  out[op++] = (pixDist >>> 4) & 255;
  if (short) {
    if (imageDist < 64) {
      out[op++] = imageDist;
    } else if (imageDist < 1 << 14) {
      out[op++] = 64 + (imageDist & 0x3f);
      out[op++] = imageDist >>> 6;
    } else if (imageDist < 1 << 22) {
      out[op++] = 128 + (imageDist & 0x3f);
      out[op++] = imageDist >>> 6;
      out[op++] = imageDist >>> 14;
    } else {
      out[op++] = 192 + (imageDist & 0x3f);
      out[op++] = imageDist >>> 6;
      out[op++] = imageDist >>> 14;
      out[op++] = imageDist >>> 22;
    }
  } else {
    const long = pixDist < MAX_PIXEL_MEDIUM_DISTANCE ? 0 : 32;
    const hi = long + ((pixDist >>> 12) & 31);
    if (imageDist === 0) {
      out[op++] = hi;
    } else if (imageDist < 256) {
      out[op++] = hi + 64;
      out[op++] = imageDist;
    } else if (imageDist < 65536) {
      out[op++] = hi + 128;
      out[op++] = imageDist;
      out[op++] = imageDist >>> 8;
    } else {
      out[op++] = hi + 192;
      out[op++] = imageDist;
      out[op++] = imageDist >>> 8;
      out[op++] = imageDist >>> 16;
    }
    if (long) out[op++] = (pixDist >>> 17) & 255;
  }
  return op;
}

/** Match state shared by the passes (module scoped: no allocation per candidate). */
let mImageDist = 0;
let mPixDist = 0;

/**
 * Writes the literal pixels px[from, to) (B, G, R each) as runs of at most MAX_COPY, each after
 * its control byte (count - 1). Each pixel is stored as a 4-byte word whose fourth byte the next
 * write overwrites (`out` has slack past the bound).
 */
function writeLiterals(out: Uint8Array, outView: DataView, op: number, px: Int32Array, from: number, to: number): number {
  while (from < to) {
    const end = Math.min(to, from + MAX_COPY);
    out[op++] = end - from - 1;
    for (let i = from; i < end; i++, op += 3) outView.setInt32(op, px[i], true);
    from = end;
  }
  return op;
}

/**
 * The check bits of the pixels an entry 0 points at for every pixel of `cur` (the most recent
 * global position that is a multiple of 2^25, when it and the next pixel are in the window in an
 * image of the same type; any value otherwise, as that entry then gives no match), or -1 when
 * that position changes within the image (entries 0 are then always checked on the pixels).
 */
function zeroCheck(dict: GlzEncoderDictionary, cur: GlzWindowEntry, a: Int32Array): number {
  const span = POS_MASK + 1;
  const p0 = Math.floor(cur.start / span) * span;
  if (p0 !== Math.floor((cur.start + cur.size - 1) / span) * span) return -1;
  if (p0 >= cur.start) {
    const i = cur.base + (p0 - cur.start);
    return p0 + 1 < cur.start + cur.size ? colourCheck(a[i], a[i + 1]) : 0;
  }
  const headStart = dict.headStart;
  if (p0 < headStart) return 0;
  const img = dict.imageAt(p0 - headStart);
  const ri = p0 - img.start;
  if (img.type !== cur.type || ri > img.size - 2) return 0;
  return colourCheck(a[img.base + ri], a[img.base + ri + 1]);
}

/**
 * The colour pass over arena[base, base + size) of the current image. Pixels compare on B, G, R.
 * Returns the output position.
 *
 * A hash entry is a global position and check bits (see GlzEncoderDictionary): the candidate's
 * pixels are only read when the check bits equal those of the pixels at ip (or the entry was
 * never written: 0 is pixel 0 of the dictionary's first image), so a failed probe costs one
 * random memory access. Candidates in this image and in earlier ones are all read from the one
 * arena.
 *
 * Literal pixels are not written as they are met: the pending run a[litStart, anchor) is
 * written in one go before the next match (and at the end), which keeps the per-pixel loop
 * short (it is bound by the latency of the random hash-table probes).
 */
function compressRgb(dict: GlzEncoderDictionary, cur: GlzWindowEntry, out: Uint8Array, op: number): number {
  const a = dict.arena;
  const w = dict.arena64;
  const base = cur.base;
  const n = cur.size;
  const end = base + n;
  if (n < 4) {
    out[op++] = n - 1;
    for (let i = base; i < end; i++, op += 3) {
      const v = a[i];
      out[op] = v;
      out[op + 1] = v >>> 8;
      out[op + 2] = v >>> 16;
    }
    return op;
  }
  const outView = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const htab = dict.htab;
  const lines = dict.htabLines;
  // Arena index i of this image is global position i + gOfs (mod 2^25).
  const gOfs = (cur.start - base) & POS_MASK;
  // Pixels of the window before this image (global positions [headStart, cur.start)).
  const headStart = dict.headStart;
  const before = cur.start - headStart;
  const curId = cur.id;
  const type = cur.type;
  // The earlier image last referenced (references cluster), as offsets from the window head.
  let refImg: GlzWindowEntry | undefined;
  let refFrom = 0;
  let refTo = 0;
  // An entry 0 (never written) is taken as a candidate however its check bits read: replace it
  // by the entry the pixels at that position would have written (zeroEntry), so that its check
  // bits filter it like any other and the probe's branch does not depend on whether the entry
  // is 0 (unpredictable on a fresh dictionary, and it waits on the table load).
  const zero = zeroCheck(dict, cur, a);
  const zeroAny = zero < 0;
  const zeroEntry = zero & CHECK_MASK;

  setEntry(htab, lines, hashRgb(a, base), ((base + gOfs) << CHECK_BITS) | colourCheck(a[base], a[base + 1]));
  let litStart = base;
  let ip = base + 2;
  const ipBound = end - BOUND_OFFSET;
  const ipLimit = end - LIMIT_OFFSET;

  // a[ip - 1], a[ip], a[ip + 1], carried from one literal pixel to the next.
  let prev = a[ip - 1];
  let p0 = a[ip];
  let p1 = a[ip + 1];
  while (ip < ipLimit) {
    const anchor = ip;
    const p2 = a[ip + 2];
    let len = 0;
    let imageDist = 0;
    let pixDist = 1;
    if (((prev ^ p0) << 8) === 0 && ((p0 ^ p1) << 8) === 0 && ((p0 ^ p2) << 8) === 0) {
      // A run of the previous pixel.
      ip += 3;
      ip += runLength(a, w, ip, ipBound - ip);
      len = ip - anchor;
    } else {
      // hashRgb(a, ip), inline.
      let hv = (5381 * 33) ^ ((p0 >>> 16) & 255);
      hv = (((hv << 5) + hv) | 0) ^ ((p0 >>> 8) & 255);
      hv = (((hv << 5) + hv) | 0) ^ (p0 & 255);
      hv = (((hv << 5) + hv) | 0) ^ ((p1 >>> 16) & 255);
      hv = (((hv << 5) + hv) | 0) ^ ((p1 >>> 8) & 255);
      hv = (((hv << 5) + hv) | 0) ^ (p1 & 255);
      hv = (((hv << 5) + hv) | 0) ^ ((p2 >>> 16) & 255);
      hv = (((hv << 5) + hv) | 0) ^ ((p2 >>> 8) & 255);
      hv = (((hv << 5) + hv) | 0) ^ (p2 & 255);
      const h = hv & HASH_MASK;
      // Entries of lines never written are 0: not read (a cold table's probes would miss the cache).
      const e0 = ((lines[h >>> 9] >>> ((h >>> 4) & 31)) & 1) !== 0 ? htab[h] : 0;
      // e0 === 0 ? zeroEntry : e0, without a branch (~((e0 | -e0) >> 31) is -1 for 0, else 0).
      const e = e0 | (zeroEntry & ~((e0 | ((0 - e0) | 0)) >> 31));
      const check = Math.imul((p0 << 8) ^ (p1 & 0xffffff), -1640531535) >>> 25; // colourCheck(p0, p1)
      const pos = anchor + gOfs;
      setEntry(htab, lines, h, (pos << CHECK_BITS) | check);
      if ((e & CHECK_MASK) === check || (zeroAny && e0 === 0)) {
        // The candidate is d pixels back (0 < d < 2^25); `back` pixels of this image precede anchor.
        const d = (pos - (e >>> CHECK_BITS)) & POS_MASK;
        const back = anchor - base;
        if (d <= back) {
          // Earlier in this image (d === 0 is an entry 2^25 pixels old).
          const rp = anchor - d;
          if (d !== 0 && ((a[rp] ^ p0) << 8) === 0 && ((a[rp + 1] ^ p1) << 8) === 0) {
            pixDist = d;
            len = 2 + matchLength(a, w, ip + 2, rp + 2, Math.min(ipBound - ip, end - rp) - 2);
            // Two pixels are only worth a reference of at most 5 bytes.
            if (len === 2 && refSize(0, pixDist) > 5) len = 0;
          }
        } else if (d - back <= before) {
          // In an earlier image of the window, `off` pixels after the window's first one.
          const off = before - (d - back);
          if (off < refFrom || off >= refTo || refImg === undefined) {
            refImg = dict.imageAt(off);
            refFrom = refImg.start - headStart;
            refTo = refFrom + refImg.size;
          }
          const ri = off - refFrom;
          const rp = refImg.base + ri;
          if (refImg.type === type && ri <= refImg.size - 2 && ((a[rp] ^ p0) << 8) === 0 && ((a[rp + 1] ^ p1) << 8) === 0) {
            imageDist = curId - refImg.id;
            pixDist = ri;
            if (pixDist > 0 && pixDist < MAX_PIXEL_LONG_DISTANCE && imageDist <= MAX_IMAGE_DIST) {
              len = 2 + matchLength(a, w, ip + 2, rp + 2, Math.min(ipBound - ip, refImg.size - ri) - 2);
              if (len === 2 && refSize(imageDist, pixDist) > 5) len = 0;
            }
          }
        }
      }
      if (len === 0) {
        ip = anchor + 1;
        prev = p0;
        p0 = p1;
        p1 = p2;
        continue;
      }
    }

    op = writeLiterals(out, outView, op, a, litStart, anchor);
    op = writeMatch(out, op, imageDist, imageDist === 0 ? pixDist - 1 : pixDist, len);
    ip = anchor + len - 2;
    if (ip > anchor) setEntry(htab, lines, hashRgb(a, ip), ((ip + gOfs) << CHECK_BITS) | colourCheck(a[ip], a[ip + 1]));
    ip++;
    if (ip > anchor) setEntry(htab, lines, hashRgb(a, ip), ((ip + gOfs) << CHECK_BITS) | colourCheck(a[ip], a[ip + 1]));
    ip++;
    litStart = ip;
    // ip <= ipBound: these stay in the image.
    prev = a[ip - 1];
    p0 = a[ip];
    p1 = a[ip + 1];
  }
  return writeLiterals(out, outView, op, a, litStart, end);
}

/**
 * The alpha pass of RGBA: one-byte units (byte 3), minimum match 4, coded length - 2. Its probes
 * always read the candidate (the entries' check words are colour checks); the entries it writes
 * carry colour checks too, so later colour passes can trust them.
 */
function compressAlpha(dict: GlzEncoderDictionary, cur: GlzWindowEntry, out: Uint8Array, op: number): number {
  const a = dict.arena;
  const base = cur.base;
  const n = cur.size;
  const end = base + n;
  if (n < 4) {
    out[op++] = n - 1;
    for (let i = base; i < end; i++) out[op++] = a[i] >>> 24;
    return op;
  }
  const htab = dict.htab;
  const lines = dict.htabLines;
  const gOfs = (cur.start - base) & POS_MASK;
  const headStart = dict.headStart;
  const before = cur.start - headStart;
  const curId = cur.id;
  const type = cur.type;

  let lastCopy = op;
  out[op++] = MAX_COPY - 1;
  setEntry(htab, lines, hashAlpha(a, base), ((base + gOfs) << CHECK_BITS) | colourCheck(a[base], a[base + 1]));
  out[op++] = a[base] >>> 24;
  out[op++] = a[base + 1] >>> 24;
  let copy = 2;
  let ip = base + 2;
  const ipBound = end - BOUND_OFFSET;
  const ipLimit = end - LIMIT_OFFSET;

  while (ip < ipLimit) {
    const anchor = ip;
    const a0 = a[ip] >>> 24;
    let len = 0;
    if (a[ip - 1] >>> 24 === a0 && a[ip + 1] >>> 24 === a0 && a[ip + 2] >>> 24 === a0) {
      mImageDist = 0;
      mPixDist = 1;
      ip += 3;
      len = 3;
      while (ip < ipBound) {
        if (a[ip] >>> 24 !== a0) break;
        ip++;
        len++;
      }
    } else {
      const h = hashAlpha(a, ip);
      const pos = anchor + gOfs;
      const d = (pos - (htab[h] >>> CHECK_BITS)) & POS_MASK;
      const back = anchor - base;
      // The candidate: arena index rp, its image's end refEnd, image and pixel distances.
      let rp = 0;
      let refEnd = 0;
      let imageDist = 0;
      let pixDist = 0;
      if (d <= back) {
        rp = anchor - d;
        refEnd = end;
        pixDist = d;
      } else if (d - back <= before) {
        const off = before - (d - back);
        const img = dict.imageAt(off);
        if (img.type === type) {
          pixDist = off - (img.start - headStart);
          rp = img.base + pixDist;
          refEnd = img.base + img.size;
          imageDist = curId - img.id;
        }
      }
      if (
        refEnd - rp >= 4 &&
        a[rp] >>> 24 === a0 &&
        a[rp + 1] >>> 24 === a[ip + 1] >>> 24 &&
        a[rp + 2] >>> 24 === a[ip + 2] >>> 24 &&
        a[rp + 3] >>> 24 === a[ip + 3] >>> 24 &&
        pixDist > 0 &&
        pixDist < MAX_PIXEL_LONG_DISTANCE &&
        imageDist <= MAX_IMAGE_DIST
      ) {
        let t = ip + 4;
        let r = rp + 4;
        while (t < ipBound && r < refEnd && a[r] >>> 24 === a[t] >>> 24) {
          t++;
          r++;
        }
        len = t - ip;
        // Up to 7 units are only worth a reference shorter than them.
        if (len <= 7 && len < refSize(imageDist, pixDist) + 1) len = 0;
        mImageDist = imageDist;
        mPixDist = pixDist;
      }
      setEntry(htab, lines, h, (pos << CHECK_BITS) | colourCheck(a[anchor], a[anchor + 1]));
      if (len === 0) {
        out[op++] = a0;
        ip = anchor + 1;
        if (++copy === MAX_COPY) {
          copy = 0;
          lastCopy = op;
          out[op++] = MAX_COPY - 1;
        }
        continue;
      }
    }

    if (copy) out[lastCopy] = copy - 1;
    else op--;
    copy = 0;

    op = writeMatch(out, op, mImageDist, mImageDist === 0 ? mPixDist - 1 : mPixDist, len - 2);
    ip = anchor + len - 2;
    setEntry(htab, lines, hashAlpha(a, ip), ((ip + gOfs) << CHECK_BITS) | colourCheck(a[ip], a[ip + 1]));
    ip++;
    setEntry(htab, lines, hashAlpha(a, ip), ((ip + gOfs) << CHECK_BITS) | colourCheck(a[ip], a[ip + 1]));
    ip++;
    lastCopy = op;
    out[op++] = MAX_COPY - 1;
  }

  for (; ip < end; ip++) {
    out[op++] = a[ip] >>> 24;
    if (++copy === MAX_COPY) {
      copy = 0;
      lastCopy = op;
      out[op++] = MAX_COPY - 1;
    }
  }
  if (copy) out[lastCopy] = copy - 1;
  else op--;
  return op;
}


let scratch = new Uint8Array(0);

/**
 * Encodes `image` (BGRA, top-down rows) as a GLZ stream (33-byte header + body, as carried in a
 * GLZ_RGB image) against `dict`, then keeps it in the dictionary's window for later images.
 * Type 'rgb32' codes B, G, R; 'rgba' adds the alpha pass. The stream's image id and
 * win_head_dist come from the dictionary. Never throws on valid input; bad dimensions / short
 * data are a RangeError (and leave the dictionary unchanged).
 */
export function encodeGlz(image: EncoderImage, dict: GlzEncoderDictionary, type: GlzEncodeType = "rgb32", opts: GlzEncodeOptions = {}): Uint8Array {
  const topDown = opts.topDown ?? true;
  const pixels = codedPixels(image, topDown);
  const rgba = type === "rgba";
  const lzType = rgba ? LzImageType.Rgba : LzImageType.Rgb32;
  const { image: cur, winHeadDist } = dict.add(lzType, pixels);
  const { width, height } = image;
  const n = width * height;
  const bound = GLZ_HEADER_SIZE + 16 + (rgba ? 4 : 3) * n + 2 * (Math.ceil(n / MAX_COPY) + 1);
  if (scratch.length < bound) scratch = new Uint8Array(bound);
  const out = scratch;
  writeU32be(out, 0, LZ_MAGIC);
  writeU32be(out, 4, LZ_VERSION);
  out[8] = lzType | (topDown ? 0x10 : 0);
  writeU32be(out, 9, width);
  writeU32be(out, 13, height);
  writeU32be(out, 17, width * 4);
  writeU32be(out, 21, Math.floor(cur.id / 0x100000000));
  writeU32be(out, 25, cur.id >>> 0);
  writeU32be(out, 29, winHeadDist);
  let op = compressRgb(dict, cur, out, GLZ_HEADER_SIZE);
  if (rgba) op = compressAlpha(dict, cur, out, op);
  const result = out.slice(0, op);
  // Large one-off scratch buffers are not kept.
  if (scratch.length > 16 << 20) scratch = new Uint8Array(0);
  return result;
}
