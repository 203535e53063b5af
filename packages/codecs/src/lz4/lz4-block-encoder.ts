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
 *
 * assembly/lz4-block.ts is the same compressor in WebAssembly, which Lz4Encoder uses where it
 * can (about twice as fast); this one is the reference and the fallback. Change both together:
 * lz4-block-wasm.test.ts checks they give the same blocks.
 */

const HASH_MASK = (1 << 12) - 1;
const MINMATCH = 4;
const LASTLITERALS = 5;
const MFLIMIT = 12;
const MIN_LENGTH = MFLIMIT + 1;
const MAX_DISTANCE = 65535;
const SKIP_TRIGGER = 6;
/** 889523592379 split in 20-bit halves (low, high) for the 40-bit product in hash5. */
const PRIME5_LO = 842939;
const PRIME5_HI = 848315;
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Worst-case block size for `n` input bytes (LZ4_compressBound). */
export function lz4CompressBound(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

/**
 * hash5 of the word `w` (bytes p..p+3, little-endian) and the byte `b4` at p+4: the top 12 bits
 * of ((5 bytes) << 24) * 889523592379 mod 2^64, i.e. bits 28..39 of the 40-bit product x * K,
 * computed exactly with 32-bit integer operations. With x = xl + xh * 2^20 and
 * K = kl + kh * 2^20 (20-bit limbs), x * K mod 2^40 = xl * kl + ((xl * kh + xh * kl) mod 2^20) * 2^20,
 * so bits 28..39 are those of ((xl * kl) >> 20) + the middle term, shifted right by 8;
 * (xl * kl) >> 20 is taken in two 10-bit steps so every product fits in 32 bits.
 * (The hot loop of compressLz4Block repeats this inline, to stay within V8's inlining budget.)
 */
function hash5(w: number, b4: number): number {
  const lo = w & 0xfffff;
  const hi = (w >>> 20) | (b4 << 12);
  const lowHigh = (Math.imul(lo >>> 10, PRIME5_LO) + (Math.imul(lo & 1023, PRIME5_LO) >>> 10)) >>> 10;
  return ((lowHigh + ((Math.imul(hi, PRIME5_LO) + Math.imul(lo, PRIME5_HI)) & 0xfffff)) >>> 8) & HASH_MASK;
}

function writeLength(out: Uint8Array, op: number, len: number): number {
  for (; len >= 255; len -= 255) out[op++] = 255;
  out[op++] = len;
  return op;
}

function copyLiterals(out: Uint8Array, op: number, src: Uint8Array, from: number, to: number): number {
  out.set(src.subarray(from, to), op);
  return op + to - from;
}

/** Byte index of the lowest set byte of a non-zero little-endian word difference. */
function firstDiffByte(x: number): number {
  return (31 - Math.clz32(x & -x)) >> 3;
}

/**
 * The end of the run of equal bytes src[a..] = src[b..] (b < a), stopping at `limit`. Once the
 * first 4 bytes match, whole groups are compared when a and b are equally aligned: 8 bytes
 * through `longs` (src as BigInt64Array; V8 compares those without allocating, about twice as
 * fast as words) when a - b is a multiple of 8, else 4 bytes through `words` (src as
 * little-endian Int32Array); each is null when src is not aligned for it. Otherwise, or at the
 * end, 16, 4 and 1 bytes at a time through the DataView.
 */
function matchEnd(
  src: Uint8Array,
  dv: DataView,
  words: Int32Array | null,
  longs: BigInt64Array | null,
  a: number,
  b: number,
  limit: number,
): number {
  if (a <= limit - 4) {
    const x = dv.getInt32(a, true) ^ dv.getInt32(b, true);
    if (x !== 0) return a + firstDiffByte(x);
    a += 4;
    b += 4;
    // Stepping back to a group boundary (at most 7 bytes) stays inside the match, whose first
    // 8 bytes are equal.
    if (longs !== null && ((a - b) & 7) === 0) {
      const back = a & 7;
      let la = (a - back) >> 3;
      let lb = (b - back) >> 3;
      const lastLong = (limit - 8) >> 3;
      while (
        la + 3 <= lastLong &&
        longs[la] === longs[lb] &&
        longs[la + 1] === longs[lb + 1] &&
        longs[la + 2] === longs[lb + 2] &&
        longs[la + 3] === longs[lb + 3]
      ) {
        la += 4;
        lb += 4;
      }
      while (la <= lastLong && longs[la] === longs[lb]) {
        la++;
        lb++;
      }
      a = la << 3;
      b = lb << 3;
    }
    if (words !== null && ((a - b) & 3) === 0) {
      const back = a & 3;
      let wa = (a - back) >> 2;
      let wb = (b - back) >> 2;
      const lastWord = (limit - 4) >> 2;
      while (
        wa + 3 <= lastWord &&
        words[wa] === words[wb] &&
        words[wa + 1] === words[wb + 1] &&
        words[wa + 2] === words[wb + 2] &&
        words[wa + 3] === words[wb + 3]
      ) {
        wa += 4;
        wb += 4;
      }
      while (wa <= lastWord) {
        const x = words[wa] ^ words[wb];
        if (x !== 0) return (wa << 2) + firstDiffByte(x);
        wa++;
        wb++;
      }
      a = wa << 2;
      b = wb << 2;
    }
  }
  const wordLimit = limit - 4;
  const blockLimit = limit - 16;
  for (;;) {
    if (
      a <= blockLimit &&
      dv.getInt32(a, true) === dv.getInt32(b, true) &&
      dv.getInt32(a + 4, true) === dv.getInt32(b + 4, true) &&
      dv.getInt32(a + 8, true) === dv.getInt32(b + 8, true) &&
      dv.getInt32(a + 12, true) === dv.getInt32(b + 12, true)
    ) {
      a += 16;
      b += 16;
      continue;
    }
    if (a > wordLimit) {
      while (a < limit && src[a] === src[b]) {
        a++;
        b++;
      }
      return a;
    }
    const x = dv.getInt32(a, true) ^ dv.getInt32(b, true);
    if (x !== 0) return a + firstDiffByte(x);
    a += 4;
    b += 4;
  }
}

/**
 * Compresses `src[0, n)` as one LZ4 block into `out` at `op` (room for lz4CompressBound(n)
 * bytes is the caller's job) and returns the end position. `table` (4096 entries) is scratch.
 */
export function compressLz4Block(src: Uint8Array, n: number, out: Uint8Array, op: number, table: Int32Array): number {
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  // src as aligned groups for matchEnd: little-endian words, and 8-byte groups (compared only
  // for equality, so any byte order does).
  const words = LITTLE_ENDIAN && (src.byteOffset & 3) === 0 ? new Int32Array(src.buffer, src.byteOffset, src.byteLength >> 2) : null;
  const longs = (src.byteOffset & 7) === 0 ? new BigInt64Array(src.buffer, src.byteOffset, src.byteLength >> 3) : null;
  table.fill(0);
  let anchor = 0;

  if (n >= MIN_LENGTH) {
    const mflimitPlusOne = n - MFLIMIT + 1;
    const matchLimit = n - LASTLITERALS;
    table[hash5(dv.getInt32(0, true), src[4])] = 0;
    let ip = 1;
    let forwardW = dv.getInt32(ip, true);
    let forwardH = hash5(forwardW, src[ip + 4]);

    search: for (;;) {
      // Find a match, skipping faster the longer nothing is found.
      let forwardIp = ip;
      let step = 1;
      let searchMatchNb = 1 << SKIP_TRIGGER;
      let match: number;
      for (;;) {
        const h = forwardH;
        const w = forwardW;
        const current = forwardIp;
        match = table[h];
        ip = forwardIp;
        forwardIp += step;
        step = searchMatchNb++ >> SKIP_TRIGGER;
        if (forwardIp > mflimitPlusOne) break search;
        // forwardH = hash5 of forwardIp, inline.
        forwardW = dv.getInt32(forwardIp, true);
        const lo = forwardW & 0xfffff;
        const hi = (forwardW >>> 20) | (src[forwardIp + 4] << 12);
        const lowHigh = (Math.imul(lo >>> 10, PRIME5_LO) + (Math.imul(lo & 1023, PRIME5_LO) >>> 10)) >>> 10;
        forwardH = ((lowHigh + ((Math.imul(hi, PRIME5_LO) + Math.imul(lo, PRIME5_HI)) & 0xfffff)) >>> 8) & HASH_MASK;
        table[h] = current;
        if (match + MAX_DISTANCE >= current && dv.getInt32(match, true) === w) break;
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
      if (litLength > 16) {
        op = copyLiterals(out, op, src, anchor, ip);
      } else {
        for (let i = anchor; i < ip; i++) out[op++] = src[i];
      }

      for (;;) {
        // Offset and match length (the equal bytes after the first 4, up to matchLimit).
        const offset = ip - match;
        out[op++] = offset & 255;
        out[op++] = offset >>> 8;
        const a = matchEnd(src, dv, words, longs, ip + MINMATCH, match + MINMATCH, matchLimit);
        const matchCode = a - ip - MINMATCH;
        ip = a;
        if (matchCode >= 15) {
          out[token] += 15;
          op = writeLength(out, op, matchCode - 15);
        } else {
          out[token] += matchCode;
        }
        anchor = ip;
        if (ip >= mflimitPlusOne) break search;

        table[hash5(dv.getInt32(ip - 2, true), src[ip + 2])] = ip - 2;

        // Is there a match right here?
        const wIp = dv.getInt32(ip, true);
        const h = hash5(wIp, src[ip + 4]);
        match = table[h];
        table[h] = ip;
        if (match + MAX_DISTANCE >= ip && dv.getInt32(match, true) === wIp) {
          token = op++;
          out[token] = 0;
          continue;
        }
        break;
      }
      ip++;
      forwardW = dv.getInt32(ip, true);
      forwardH = hash5(forwardW, src[ip + 4]);
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
