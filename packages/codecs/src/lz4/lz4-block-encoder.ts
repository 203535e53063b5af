/**
 * An LZ4 raw block compressor (lz4 Block_format.md) that makes the same choices as liblz4's
 * LZ4_compress_fast_continue on a fresh stream with acceleration 1 on a 64-bit host, so the
 * block matches what spice-server sends:
 *
 * - a 4096-entry table of positions, hashed from the 5 bytes at a position (the 64-bit
 *   "hash5": (bytes << 24) * 889523592379, top 12 bits);
 * - a candidate is used when its 4 bytes are equal and it is at most 65535 back; after 64 misses
 *   in a row the search step grows by one every 64 positions;
 * - a match is extended backwards over the pending literals, then forwards up to 5 bytes
 *   before the end; no match starts in the last 12 bytes;
 * - after a match, the position 2 before its end is hashed and the position right after it is
 *   tried at once (a match with no literals).
 */

const HASH_LOG = 12;
const MINMATCH = 4;
const LASTLITERALS = 5;
const MFLIMIT = 12;
const MIN_LENGTH = MFLIMIT + 1;
const MAX_DISTANCE = 65535;
const SKIP_TRIGGER = 6;
/** 889523592379 split in 20-bit halves for the 40-bit product in hash5. */
const PRIME5_LO = 842939;
const PRIME5_HI = 848315;
const TWO_POW_MINUS_28 = 1 / 268435456;

/** Worst-case block size for `n` input bytes (LZ4_compressBound). */
export function lz4CompressBound(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

/**
 * Top 12 bits of ((5 bytes at p) << 24) * 889523592379 mod 2^64, i.e. bits 28..39 of the 40-bit
 * product of the 5 bytes and the prime; computed exactly in 20-bit limbs.
 */
function hash5(dv: DataView, src: Uint8Array, p: number): number {
  const w = dv.getInt32(p, true);
  const lo = w & 0xfffff;
  const hi = (w >>> 20) | (src[p + 4] << 12);
  const mid = (Math.imul(hi, PRIME5_LO) + Math.imul(lo, PRIME5_HI)) & 0xfffff;
  return ((mid * 1048576 + lo * PRIME5_LO) * TWO_POW_MINUS_28) & 0xfff;
}

/** Number of equal bytes at a and b (b < a), stopping at limit (for a). */
function countEqual(dv: DataView, src: Uint8Array, a: number, b: number, limit: number): number {
  const start = a;
  while (
    a + 16 <= limit &&
    dv.getInt32(a, true) === dv.getInt32(b, true) &&
    dv.getInt32(a + 4, true) === dv.getInt32(b + 4, true) &&
    dv.getInt32(a + 8, true) === dv.getInt32(b + 8, true) &&
    dv.getInt32(a + 12, true) === dv.getInt32(b + 12, true)
  ) {
    a += 16;
    b += 16;
  }
  while (a + 4 <= limit) {
    const x = dv.getInt32(a, true) ^ dv.getInt32(b, true);
    if (x !== 0) return a - start + ((31 - Math.clz32(x & -x)) >> 3);
    a += 4;
    b += 4;
  }
  while (a < limit && src[a] === src[b]) {
    a++;
    b++;
  }
  return a - start;
}

function writeLength(out: Uint8Array, op: number, len: number): number {
  for (; len >= 255; len -= 255) out[op++] = 255;
  out[op++] = len;
  return op;
}

function copyLiterals(out: Uint8Array, op: number, src: Uint8Array, from: number, to: number): number {
  const n = to - from;
  if (n > 32) out.set(src.subarray(from, to), op);
  else for (let i = 0; i < n; i++) out[op + i] = src[from + i];
  return op + n;
}

/**
 * Compresses `src[0, n)` as one LZ4 block into `out` at `op` (room for lz4CompressBound(n)
 * bytes is the caller's job) and returns the end position. `table` (4096 entries) is scratch.
 */
export function compressLz4Block(src: Uint8Array, n: number, out: Uint8Array, op: number, table: Int32Array): number {
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  table.fill(0);
  let anchor = 0;

  if (n >= MIN_LENGTH) {
    const mflimitPlusOne = n - MFLIMIT + 1;
    const matchLimit = n - LASTLITERALS;
    table[hash5(dv, src, 0)] = 0;
    let ip = 1;
    let forwardH = hash5(dv, src, ip);

    search: for (;;) {
      // Find a match, skipping faster the longer nothing is found.
      let forwardIp = ip;
      let step = 1;
      let searchMatchNb = 1 << SKIP_TRIGGER;
      let match: number;
      for (;;) {
        const h = forwardH;
        const current = forwardIp;
        match = table[h];
        ip = forwardIp;
        forwardIp += step;
        step = searchMatchNb++ >> SKIP_TRIGGER;
        if (forwardIp > mflimitPlusOne) break search;
        forwardH = hash5(dv, src, forwardIp);
        table[h] = current;
        if (match + MAX_DISTANCE < current) continue;
        if (dv.getInt32(match, true) === dv.getInt32(ip, true)) break;
      }

      // Extend backwards over the pending literals.
      while (ip > anchor && match > 0 && src[ip - 1] === src[match - 1]) {
        ip--;
        match--;
      }

      // Literals.
      const litLength = ip - anchor;
      let token = op++;
      if (litLength >= 15) {
        out[token] = 15 << 4;
        op = writeLength(out, op, litLength - 15);
      } else {
        out[token] = litLength << 4;
      }
      op = copyLiterals(out, op, src, anchor, ip);

      for (;;) {
        // Offset and match length.
        const offset = ip - match;
        out[op++] = offset & 255;
        out[op++] = offset >>> 8;
        let matchCode = countEqual(dv, src, ip + MINMATCH, match + MINMATCH, matchLimit);
        ip += matchCode + MINMATCH;
        if (matchCode >= 15) {
          out[token] += 15;
          op = writeLength(out, op, matchCode - 15);
        } else {
          out[token] += matchCode;
        }
        anchor = ip;
        if (ip >= mflimitPlusOne) break search;

        table[hash5(dv, src, ip - 2)] = ip - 2;

        // Is there a match right here?
        const h = hash5(dv, src, ip);
        match = table[h];
        table[h] = ip;
        if (match + MAX_DISTANCE >= ip && dv.getInt32(match, true) === dv.getInt32(ip, true)) {
          token = op++;
          out[token] = 0;
          continue;
        }
        break;
      }
      forwardH = hash5(dv, src, ++ip);
    }
  }

  // Last literals.
  const lastRun = n - anchor;
  if (lastRun >= 15) {
    out[op++] = 15 << 4;
    op = writeLength(out, op, lastRun - 15);
  } else {
    out[op++] = lastRun << 4;
  }
  return copyLiterals(out, op, src, anchor, n);
}
