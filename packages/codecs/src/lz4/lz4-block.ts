import { CodecError } from "../errors.js";

/** Literal runs and matches at least this long use native set/copyWithin instead of a byte loop. */
const NATIVE_COPY_MIN = 24;

function corrupt(message: string, offset: number): CodecError {
  return new CodecError("ERR_LZ4_CORRUPT", message, offset);
}

/**
 * Decodes one raw LZ4 block (no frame header) from `src[ip, iend)` into `dst` at `op`,
 * never writing at or past `oend`. Matches may reach back to any earlier byte of `dst` from
 * `dictStart` on, which gives LZ4_decompress_safe_continue semantics when successive blocks
 * are decoded into one buffer. Returns the new output position.
 *
 * Block format (lz4 Block_format.md): sequences of token (literal length high nibble, match
 * length - 4 low nibble; 15 means more length bytes follow, each added, until one is < 255),
 * literals, u16 little-endian match offset (1..65535), extra match length bytes. The last
 * sequence has literals only and ends the block.
 */
export function decodeLz4Block(
  src: Uint8Array,
  ip: number,
  iend: number,
  dst: Uint8Array,
  op: number,
  oend: number,
  dictStart = 0,
): number {
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
        while (ip < end) dst[op++] = src[ip++];
      } else {
        dst.set(src.subarray(ip, ip + lit), op);
        ip += lit;
        op += lit;
      }
    }
    if (ip === iend) return op;

    if (iend - ip < 2) throw corrupt("LZ4 match offset truncated", ip);
    const offset = src[ip] | (src[ip + 1] << 8);
    ip += 2;
    if (offset === 0 || offset > op - dictStart) throw corrupt(`LZ4 match offset ${offset} out of range`, ip - 2);

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
    if (len < NATIVE_COPY_MIN) {
      const end = op + len;
      while (op < end) dst[op++] = dst[m++];
    } else if (offset >= len) {
      dst.copyWithin(op, m, m + len);
      op += len;
    } else if (offset === 1) {
      dst.fill(dst[m], op, op + len);
      op += len;
    } else {
      // Overlapping match: the output repeats with period `offset`. Copy one period, then keep
      // doubling the copied span; every copy starts at m, so the phase stays right.
      const end = op + len;
      let span = offset;
      while (op < end) {
        const n = span < end - op ? span : end - op;
        dst.copyWithin(op, m, m + n);
        op += n;
        span += n;
      }
    }
  }
}
