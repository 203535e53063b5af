import { CodecError } from "../errors.js";

const NATIVE_COPY_MIN = 24;

function corrupt(message: string, offset: number): CodecError {
  return new CodecError("ERR_LZ4_CORRUPT", message, offset);
}

/** Decoder state for one image, carried across the chunks of an LZ4 image. */
export interface BgrxStream {
  /** Raw X bytes by pixel; allocated at the first X byte that is not 255. */
  xraw: Uint8Array | undefined;
  /** Makes a zeroed buffer of at least `pixels` bytes (lets the caller reuse scratch). */
  alloc: (pixels: number) => Uint8Array;
}

/** True when every byte of `dst` at a position = 3 (mod 4) in [from, to) is 255. */
function xOpaque(dst: Uint8Array, from: number, to: number): boolean {
  for (let k = from + ((3 - from) & 3); k < to; k += 4) if (dst[k] !== 255) return false;
  return true;
}

/**
 * `decodeLz4Block` for a stream of 32-bit BGRX pixels whose output must have X = 255, without a
 * separate per-pixel alpha pass (a JS loop over every pixel costs as much as the whole decode).
 * Positions are relative to the start of `dst`, which must be the first byte of the image.
 *
 * Phase 1 (while every X byte seen is 255, as with most real framebuffers): plain decoding that
 * checks the X bytes of literals and of matches whose offset is not a multiple of 4; a match at
 * a multiple of 4 copies X positions onto X positions that were already checked.
 *
 * Phase 2 (from the first other X byte on): `dst` holds the stream with every X byte replaced
 * by 255, and the raw value is kept in `xraw[position >> 2]`, because later matches must copy
 * the raw stream. On the switch, the X bytes written so far are moved to `xraw` once.
 * Literals store X bytes into `xraw`; a match at a multiple of 4 copies `dst` natively (which
 * carries the 255s along) and the matching `xraw` span; other matches go byte by byte through
 * the raw view.
 */
export function decodeLz4BlockBgrx(src: Uint8Array, ip: number, iend: number, dst: Uint8Array, op: number, oend: number, state: BgrxStream): number {
  if (!state.xraw) {
    for (;;) {
      if (ip >= iend) throw corrupt("LZ4 block ends without its last literals", ip);
      const token = src[ip++];
      let lit = token >>> 4;
      if (lit === 15) {
        let b: number;
        do {
          if (ip >= iend) throw corrupt("LZ4 literal length runs past the block", ip);
          b = src[ip++];
          lit += b;
        } while (b === 255);
      }
      let opaque = true;
      if (lit > 0) {
        if (lit > iend - ip) throw corrupt("LZ4 literals run past the block", ip);
        if (lit > oend - op) throw corrupt("LZ4 literals overflow the image", ip);
        const start = op;
        if (lit < NATIVE_COPY_MIN) {
          const end = ip + lit;
          while (ip < end) dst[op++] = src[ip++];
        } else {
          dst.set(src.subarray(ip, ip + lit), op);
          ip += lit;
          op += lit;
        }
        opaque = xOpaque(dst, start, op);
      }
      if (ip === iend) {
        if (!opaque) enterPhase2(dst, op, state);
        return op;
      }
      if (iend - ip < 2) throw corrupt("LZ4 match offset truncated", ip);
      const offset = src[ip] | (src[ip + 1] << 8);
      ip += 2;
      if (offset === 0 || offset > op) throw corrupt(`LZ4 match offset ${offset} out of range`, ip - 2);
      let len = (token & 15) + 4;
      if (len === 19) {
        let b: number;
        do {
          if (ip >= iend) throw corrupt("LZ4 match length runs past the block", ip);
          b = src[ip++];
          len += b;
        } while (b === 255);
      }
      if (len > oend - op) throw corrupt("LZ4 match overflows the image", ip);
      const start = op;
      let m = op - offset;
      if (len < NATIVE_COPY_MIN) {
        const end = op + len;
        while (op < end) dst[op++] = dst[m++];
      } else {
        periodicCopy(dst, op, m, len);
        op += len;
      }
      if ((offset & 3) !== 0 && opaque) opaque = xOpaque(dst, start, op);
      if (!opaque) {
        enterPhase2(dst, op, state);
        break;
      }
    }
  }
  const xraw = state.xraw!;
  for (;;) {
    if (ip >= iend) throw corrupt("LZ4 block ends without its last literals", ip);
    const token = src[ip++];

    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (ip >= iend) throw corrupt("LZ4 literal length runs past the block", ip);
        b = src[ip++];
        lit += b;
      } while (b === 255);
    }
    if (lit > 0) {
      if (lit > iend - ip) throw corrupt("LZ4 literals run past the block", ip);
      if (lit > oend - op) throw corrupt("LZ4 literals overflow the image", ip);
      if (lit < NATIVE_COPY_MIN) {
        const end = ip + lit;
        while (ip < end) {
          const v = src[ip++];
          if ((op & 3) === 3) {
            xraw[op >> 2] = v;
            dst[op++] = 255;
          } else {
            dst[op++] = v;
          }
        }
      } else {
        const start = op;
        dst.set(src.subarray(ip, ip + lit), op);
        ip += lit;
        op += lit;
        for (let k = start + ((3 - start) & 3); k < op; k += 4) {
          xraw[k >> 2] = dst[k];
          dst[k] = 255;
        }
      }
    }
    if (ip === iend) return op;

    if (iend - ip < 2) throw corrupt("LZ4 match offset truncated", ip);
    const offset = src[ip] | (src[ip + 1] << 8);
    ip += 2;
    if (offset === 0 || offset > op) throw corrupt(`LZ4 match offset ${offset} out of range`, ip - 2);

    let len = (token & 15) + 4;
    if (len === 19) {
      let b: number;
      do {
        if (ip >= iend) throw corrupt("LZ4 match length runs past the block", ip);
        b = src[ip++];
        len += b;
      } while (b === 255);
    }
    if (len > oend - op) throw corrupt("LZ4 match overflows the image", ip);

    let m = op - offset;
    const end = op + len;
    if ((offset & 3) !== 0) {
      // X bytes move to other channels: copy through the raw view.
      while (op < end) {
        const v = (m & 3) === 3 ? xraw[m >> 2] : dst[m];
        m++;
        if ((op & 3) === 3) {
          xraw[op >> 2] = v;
          dst[op++] = 255;
        } else {
          dst[op++] = v;
        }
      }
      continue;
    }
    // X positions map onto X positions: copy dst, then the raw X bytes of the span.
    const x0 = (op + ((3 - op) & 3)) >> 2; // first X slot in [op, end): slot s is position 4s+3
    const x1 = end >> 2; // one past the last
    if (len < NATIVE_COPY_MIN) {
      while (op < end) dst[op++] = dst[m++];
      const d = offset >> 2;
      for (let s = x0; s < x1; s++) xraw[s] = xraw[s - d];
    } else {
      periodicCopy(dst, op, m, len);
      periodicCopy(xraw, x0, x0 - (offset >> 2), x1 - x0);
      op = end;
    }
  }
}

/** Switch to phase 2: move the raw X bytes of dst[0, op) into xraw and set them to 255. */
function enterPhase2(dst: Uint8Array, op: number, state: BgrxStream): void {
  const xraw = state.alloc((dst.length + 3) >> 2);
  for (let k = 3; k < op; k += 4) {
    xraw[k >> 2] = dst[k];
    dst[k] = 255;
  }
  state.xraw = xraw;
}

/** buf[to + i] = buf[from + i] for i in [0, n), in increasing i (overlap repeats the pattern). */
function periodicCopy(buf: Uint8Array, to: number, from: number, n: number): void {
  if (n <= 0) return;
  const period = to - from;
  if (period >= n) {
    buf.copyWithin(to, from, from + n);
    return;
  }
  if (period === 1) {
    buf.fill(buf[from], to, to + n);
    return;
  }
  const end = to + n;
  let span = period;
  while (to < end) {
    const k = span < end - to ? span : end - to;
    buf.copyWithin(to, from, from + k);
    to += k;
    span += k;
  }
}
