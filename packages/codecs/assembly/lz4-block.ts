// AssemblyScript source of src/wasm/lz4-block.wasm.ts (npm run build:wasm -w @saffron/codecs).
//
// The LZ4 block compressor of src/lz4/lz4-block-encoder.ts (compressLz4Block) moved into
// WebAssembly: the same choices step for step, so the same bytes as liblz4's
// LZ4_compress_fast_continue on a fresh stream (acceleration 1, 64-bit host). What wasm adds
// is 64-bit arithmetic: the hash5 product in one i64 multiply, and match extension 8 bytes at
// a time at any alignment (unaligned i64 loads, ctz of the difference), which JS can only do
// through BigInt64Array when both sides are 8-byte aligned.
//
// Linear memory, all addresses from memory_base() (the end of the compiler's static data):
//   [base, base + 16 KiB)        the 4096-entry hash table (u32 positions, zeroed per block)
//   [src, src + n + 64)          the input, written by the caller (64 bytes of slack for the
//                                8-byte reads near the end)
//   [out, out + head + bound + 64) the caller's `head` header bytes, then the block (64 bytes
//                                of slack for the 16-byte literal copies)
// prepare(n, head) grows the memory to fit (it never shrinks: drop the instance to release it).
//
// Positions are u32 offsets from src, as the JS version's are from 0.

import { writeLength } from "./lib/lz-length";

const HASH_LOG: u64 = 12;
const TABLE_BYTES: usize = 4 << 12;
const MINMATCH: u32 = 4;
const LASTLITERALS: u32 = 5;
const MFLIMIT: u32 = 12;
const MIN_LENGTH: u32 = MFLIMIT + 1;
const MAX_DISTANCE: u32 = 65535;
const SKIP_TRIGGER: u32 = 6;
const PRIME5: u64 = 889523592379;
const SLACK: usize = 64;

const TABLE: usize = (__heap_base + 15) & ~(<usize>15);
const SRC: usize = TABLE + TABLE_BYTES;

/** Where the caller writes the n input bytes. */
export function input_ptr(): usize {
  return SRC;
}

/** Worst-case block size for n input bytes (LZ4_compressBound). */
function bound(n: usize): usize {
  return n + n / 255 + 16;
}

/** Where the output (head header bytes, then the block) starts for an n-byte input. */
export function output_ptr(n: usize): usize {
  return (SRC + n + SLACK + 15) & ~(<usize>15);
}

/**
 * Grows the memory to hold an n-byte input and its output after `head` bytes; returns the
 * output pointer, or 0 when the memory cannot grow that far.
 */
export function prepare(n: usize, head: usize): usize {
  const out = output_ptr(n);
  const end: u64 = <u64>out + <u64>head + <u64>bound(n) + <u64>SLACK;
  const have: u64 = <u64>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) return 0;
  }
  return out;
}

// @ts-ignore: decorator
@inline
function hash5(p: usize): usize {
  return <usize>(((load<u64>(p) << 24) * PRIME5) >> (64 - HASH_LOG)) << 2;
}

/** The end of the run of equal bytes at a and b (b < a), stopping at limit. */
// @ts-ignore: decorator
@inline
function matchEnd(a: usize, b: usize, limit: usize): usize {
  while (a + 8 <= limit) {
    const x = load<u64>(a) ^ load<u64>(b);
    if (x != 0) return a + <usize>(ctz<u64>(x) >> 3);
    a += 8;
    b += 8;
  }
  if (a + 4 <= limit && load<u32>(a) == load<u32>(b)) {
    a += 4;
    b += 4;
  }
  if (a + 2 <= limit && load<u16>(a) == load<u16>(b)) {
    a += 2;
    b += 2;
  }
  if (a < limit && load<u8>(a) == load<u8>(b)) a++;
  return a;
}

/**
 * Compresses the n bytes at input_ptr() as one LZ4 block written at output_ptr(n) + head
 * (prepare(n, head) must have succeeded); returns the block's length.
 */
export function compress(n: u32, head: usize): u32 {
  const src = SRC;
  const table = TABLE;
  const start = output_ptr(<usize>n) + head;
  let op = start;
  let anchor: u32 = 0;
  memory.fill(table, 0, TABLE_BYTES);

  if (n >= MIN_LENGTH) {
    const mflimitPlusOne = n - MFLIMIT + 1;
    const limit = src + <usize>(n - LASTLITERALS);
    store<u32>(table + hash5(src), 0);
    let ip: u32 = 1;
    let forwardH = hash5(src + 1);
    let done = false;

    while (!done) {
      // Find a match, skipping faster the longer nothing is found.
      let forwardIp = ip;
      let step: u32 = 1;
      let searchMatchNb: u32 = 1 << SKIP_TRIGGER;
      let match: u32;
      while (true) {
        const h = forwardH;
        const current = forwardIp;
        match = load<u32>(table + h);
        ip = forwardIp;
        forwardIp += step;
        step = searchMatchNb++ >> SKIP_TRIGGER;
        if (forwardIp > mflimitPlusOne) {
          done = true;
          break;
        }
        forwardH = hash5(src + forwardIp);
        store<u32>(table + h, current);
        if (match + MAX_DISTANCE >= current && load<u32>(src + match) == load<u32>(src + current)) break;
      }
      if (done) break;

      // Extend backwards over the pending literals.
      while (ip > anchor && match > 0 && load<u8>(src + ip - 1) == load<u8>(src + match - 1)) {
        ip--;
        match--;
      }

      // Literals.
      const litLength = ip - anchor;
      let token = op++;
      if (litLength >= 15) {
        store<u8>(token, 15 << 4);
        op = writeLength(op, litLength - 15);
      } else {
        store<u8>(token, <u8>(litLength << 4));
      }
      const from = src + anchor;
      if (litLength <= 16) {
        // Copies 16 bytes (the input and output have the slack); the next writes cover the rest.
        store<u64>(op, load<u64>(from));
        store<u64>(op + 8, load<u64>(from + 8));
      } else {
        memory.copy(op, from, litLength);
      }
      op += litLength;

      while (true) {
        // Offset and match length (the equal bytes after the first 4, up to the limit).
        store<u16>(op, <u16>(ip - match));
        op += 2;
        const end = <u32>(matchEnd(src + ip + MINMATCH, src + match + MINMATCH, limit) - src);
        const matchCode = end - ip - MINMATCH;
        ip = end;
        if (matchCode >= 15) {
          store<u8>(token, load<u8>(token) + 15);
          op = writeLength(op, matchCode - 15);
        } else {
          store<u8>(token, load<u8>(token) + <u8>matchCode);
        }
        anchor = ip;
        if (ip >= mflimitPlusOne) {
          done = true;
          break;
        }

        store<u32>(table + hash5(src + ip - 2), ip - 2);

        // Is there a match right here?
        const h = hash5(src + ip);
        match = load<u32>(table + h);
        store<u32>(table + h, ip);
        if (match + MAX_DISTANCE >= ip && load<u32>(src + match) == load<u32>(src + ip)) {
          token = op++;
          store<u8>(token, 0);
          continue;
        }
        break;
      }
      if (done) break;
      ip++;
      forwardH = hash5(src + ip);
    }
  }

  // Last literals.
  const lastRun = n - anchor;
  if (lastRun >= 15) {
    store<u8>(op++, 15 << 4);
    op = writeLength(op, lastRun - 15);
  } else {
    store<u8>(op++, <u8>(lastRun << 4));
  }
  memory.copy(op, src + anchor, lastRun);
  op += lastRun;
  return <u32>(op - start);
}
