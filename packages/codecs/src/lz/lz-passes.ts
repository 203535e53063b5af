/**
 * The LZ control-byte decoder (§6.2), one function per literal shape so each hot loop stays
 * monomorphic. Every function decodes exactly `count` output units starting at unit 0 and returns
 * the input position after the last consumed byte.
 *
 * Syntax: ctrl < 32 → ctrl+1 literals. Otherwise L = ctrl >> 5 (7 → add following bytes while they
 * are 255, the first smaller byte ends it), offset = ((ctrl & 31) << 8) + next byte, or, when that
 * byte is 255 and ctrl & 31 == 31, the "far" form: 16-bit big-endian value + 8191.
 * Distance = offset + 1 units back; length = L + extension + bias (0 for 3-byte pixels, 1 for
 * RGB16, 2 for one-byte units).
 */
import type { CodecError } from "../errors.js";
import { copyMatch32, copyMatchLane } from "./copy-match.js";
import { streamError } from "./lz-errors.js";
import { rgb16Lut } from "./rgb16.js";

const OPAQUE = 0xff000000;
const MAX_DISTANCE = 8191;

function truncated(pos: number): CodecError {
  return streamError("ERR_LZ_CORRUPT", "LZ stream truncated", pos);
}
function badMatch(pos: number, what: string): CodecError {
  return streamError("ERR_LZ_CORRUPT", `LZ ${what}`, pos);
}

/**
 * Decodes the match header that starts with `ctrl` (already consumed) and returns the new input
 * position; the length (without bias) and the distance are left in `match`.
 */
const match = { len: 0, dist: 0 };
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
  if (pos >= end) throw truncated(pos);
  const code = src[pos++];
  let ofs = ((ctrl & 31) << 8) + code;
  if (code === 255 && (ctrl & 31) === 31) {
    if (pos + 2 > end) throw truncated(pos);
    ofs = ((src[pos] << 8) | src[pos + 1]) + MAX_DISTANCE;
    pos += 2;
  }
  match.len = len;
  match.dist = ofs + 1;
  return pos;
}

/**
 * Writes the 3-byte B,G,R literals at `src[pos..]` as opaque pixels `out[op..stop)` and returns the
 * position after them; the caller has checked that the bytes are there. Four pixels are assembled
 * from three unaligned little-endian words at a time (twice as fast as byte loads).
 */
export function copyBgrLiterals(dv: DataView, src: Uint8Array, pos: number, out: Uint32Array, op: number, stop: number): number {
  for (; op + 4 <= stop; op += 4, pos += 12) {
    const w0 = dv.getUint32(pos, true);
    const w1 = dv.getUint32(pos + 4, true);
    const w2 = dv.getUint32(pos + 8, true);
    out[op] = OPAQUE | w0;
    out[op + 1] = OPAQUE | (w0 >>> 24) | (w1 << 8);
    out[op + 2] = OPAQUE | (w1 >>> 16) | (w2 << 16);
    out[op + 3] = OPAQUE | (w2 >>> 8);
  }
  for (; op < stop; pos += 3) out[op++] = OPAQUE | (src[pos + 2] << 16) | (src[pos + 1] << 8) | src[pos];
  return pos;
}

/** RGB32 / RGB24 / the colour pass of RGBA: 3-byte B,G,R literals into opaque 32-bit pixels. */
export function lzDecodeBgr(src: Uint8Array, pos: number, out: Uint32Array, count: number): number {
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const end = src.length;
  let op = 0;
  while (op < count) {
    if (pos >= end) throw truncated(pos);
    const ctrl = src[pos++];
    if (ctrl < 32) {
      const stop = op + ctrl + 1;
      if (pos + (ctrl + 1) * 3 > end) throw truncated(pos);
      if (stop > count) throw badMatch(pos, "literal run past the image end");
      pos = copyBgrLiterals(dv, src, pos, out, op, stop);
      op = stop;
    } else {
      pos = readMatch(src, pos, ctrl);
      const len = match.len;
      const ref = op - match.dist;
      if (ref < 0) throw badMatch(pos, "reference before the image start");
      if (op + len > count) throw badMatch(pos, "match past the image end");
      copyMatch32(out, op, ref, len);
      op += len;
    }
  }
  return pos;
}

/** RGB16: 2-byte big-endian x1r5g5b5 literals, match bias 1. */
export function lzDecodeRgb16(src: Uint8Array, pos: number, out: Uint32Array, count: number): number {
  const lut = rgb16Lut();
  const end = src.length;
  let op = 0;
  while (op < count) {
    if (pos >= end) throw truncated(pos);
    const ctrl = src[pos++];
    if (ctrl < 32) {
      const stop = op + ctrl + 1;
      if (pos + (ctrl + 1) * 2 > end) throw truncated(pos);
      if (stop > count) throw badMatch(pos, "literal run past the image end");
      for (; op < stop; pos += 2) out[op++] = lut[((src[pos] << 8) | src[pos + 1]) & 0x7fff];
    } else {
      pos = readMatch(src, pos, ctrl);
      const len = match.len + 1;
      const ref = op - match.dist;
      if (ref < 0) throw badMatch(pos, "reference before the image start");
      if (op + len > count) throw badMatch(pos, "match past the image end");
      copyMatch32(out, op, ref, len);
      op += len;
    }
  }
  return pos;
}

/**
 * One-byte units written to `out[base + unit * step]`: palette index bytes (step 1), the alpha
 * pass of RGBA / XXXA (base 3, step 4 over BGRA bytes), A8. Match bias 2.
 */
export function lzDecodeLane(src: Uint8Array, pos: number, out: Uint8Array, base: number, step: number, count: number): number {
  const end = src.length;
  let op = 0;
  while (op < count) {
    if (pos >= end) throw truncated(pos);
    const ctrl = src[pos++];
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (pos + n > end) throw truncated(pos);
      if (op + n > count) throw badMatch(pos, "literal run past the image end");
      for (let i = 0, d = base + op * step; i < n; i++, d += step) out[d] = src[pos + i];
      pos += n;
      op += n;
    } else {
      pos = readMatch(src, pos, ctrl);
      const len = match.len + 2;
      const ref = op - match.dist;
      if (ref < 0) throw badMatch(pos, "reference before the image start");
      if (op + len > count) throw badMatch(pos, "match past the image end");
      copyMatchLane(out, base, step, op, ref, len);
      op += len;
    }
  }
  return pos;
}
