// AssemblyScript source of src/wasm/lz-encode.wasm.ts (npm run build:wasm -w @saffron/codecs).
//
// The LZ image encoder of src/lz/lz-encoder.ts (protocol-map §6.2) in WebAssembly: the same
// choices step for step (hash, run test, match acceptance, extension, table updates, literal
// runs), so the same stream byte for byte. src/lz/lz-encode-wasm.ts drives it; LzEncoder
// (src/lz/lz-encoder.ts) writes the 28-byte header. What wasm adds: the DJB2 hash on plain u32
// arithmetic (only its low 13 bits are kept, and they depend only on the low bits of each
// step), carried from one position to the next in the literal path so that its three pixel
// chains run in parallel (a photo is ~100% literals, and the hash decides the branch taken);
// 3-byte literals written as one u32 store; match extension two pixels at a time (one u64 load
// per side, the alpha bytes masked off, ctz of the difference finds the first unequal pixel).
//
// Linear memory:
//   [TABLE, +32 KiB)          the 8192-entry hash table, in static data: pixel addresses (u32;
//                             reset to SRC per pass, so every slot starts at pixel 0)
//   [SRC, +n * 4 + SLACK)     from __heap_base: the pixels in coded order, 0xAARRGGBB words,
//                             written by the caller
//   [out, +bound + SLACK)     the 28 header bytes (written by the caller), then the body; a
//                             3-byte literal is written as 4 bytes, the last one into the slack
// prepare(n, rgba) grows the memory to fit (it never shrinks: drop the instance to release it).

import { writeLength } from "./lib/lz-length";

const HASH_SIZE: u32 = 1 << 13;
const HASH_MASK: u32 = HASH_SIZE - 1;
const MAX_COPY: u32 = 32;
/** Distances (biased) below this use the 2-byte form; at least this many use the far form. */
const MAX_DISTANCE: u32 = 8191;
/** Candidates this far back or further are not used. */
const MAX_FARDISTANCE: u32 = 65535 + MAX_DISTANCE - 1;
/** Matches never run into the last BOUND_OFFSET units; no match starts in the last LIMIT_OFFSET. */
const BOUND_OFFSET: usize = 2;
const LIMIT_OFFSET: usize = 6;
const HEADER_BYTES: usize = 28;
const SLACK: usize = 16;
const RGB_MASK: u32 = 0x00ffffff;
const RGB_MASK2: u64 = 0x00ffffff_00ffffff;

/** The hash table (static data, so its address is a constant). */
const TABLE: usize = memory.data(<i32>(HASH_SIZE << 2), 16);
const TABLE_BYTES: usize = <usize>HASH_SIZE << 2;
const SRC: usize = (__heap_base + 15) & ~(<usize>15);

/** Where the caller writes the n pixels (n * 4 bytes, coded order). */
export function input_ptr(): usize {
  return SRC;
}

/** Where the stream (header, then body) starts for an n-pixel image. */
export function output_ptr(n: u32): usize {
  return <usize>((<u64>SRC + (<u64>n << 2) + SLACK + 15) & ~(<u64>15));
}

/** Worst case of the stream: every unit a literal, plus one control byte per 32 units (as lz-encoder.ts sizes it). */
function bound(n: u64, rgba: bool): u64 {
  return <u64>HEADER_BYTES + 16 + (rgba ? 4 : 3) * n + 2 * ((n + 31) / 32 + 1);
}

/**
 * Grows the memory to hold n pixels and the stream of an RGB32 (rgba 0) or RGBA (rgba 1)
 * image; returns the output pointer, or 0 when the memory cannot grow that far.
 */
export function prepare(n: u32, rgba: u32): usize {
  const out: u64 = (<u64>SRC + (<u64>n << 2) + SLACK + 15) & ~(<u64>15);
  const end: u64 = out + bound(<u64>n, rgba != 0) + SLACK;
  const have: u64 = <u64>memory.size() << 16;
  if (end > have) {
    const pages = (end - have + 0xffff) >> 16;
    if (end > 0x1_0000_0000 || memory.grow(<i32>pages) < 0) return 0;
  }
  return <usize>out;
}

/**
 * Codes the n pixels at SRC after the header at output_ptr(n): the colour pass, then with
 * rgba the alpha pass. Returns the stream's length (header included).
 */
export function encode(n: u32, rgba: u32): u32 {
  const out = output_ptr(n);
  let op = compressRgb(<usize>n, out + HEADER_BYTES);
  if (rgba != 0) op = compressAlpha(<usize>n, op);
  return <u32>(op - out);
}

// @ts-ignore: decorator
@inline
function step(h: u32, b: u32): u32 {
  return (h * 33) ^ b;
}

/** DJB2 (xor variant) over R, G, B of the pixels at p, p + 4, p + 8; returns the table slot's address. */
// @ts-ignore: decorator
@inline
function hashRgb(p: usize): usize {
  let v = load<u32>(p);
  let h = step(step(step(5381, (v >> 16) & 255), (v >> 8) & 255), v & 255);
  v = load<u32>(p, 4);
  h = step(step(step(h, (v >> 16) & 255), (v >> 8) & 255), v & 255);
  v = load<u32>(p, 8);
  h = step(step(step(h, (v >> 16) & 255), (v >> 8) & 255), v & 255);
  return TABLE + (<usize>(h & HASH_MASK) << 2);
}

/** One pixel's R, G, B bytes into the running DJB2 value h (only its low 13 bits are used). */
// @ts-ignore: decorator
@inline
function hashPixel(h: u32, v: u32): u32 {
  return step(step(step(h, (v >> 16) & 255), (v >> 8) & 255), v & 255);
}

/** The same hash over the alpha bytes of the pixels at p, p + 4, p + 8. */
// @ts-ignore: decorator
@inline
function hashAlpha(p: usize): usize {
  const h = step(step(step(5381, <u32>load<u8>(p, 3)), <u32>load<u8>(p, 7)), <u32>load<u8>(p, 11));
  return TABLE + (<usize>(h & HASH_MASK) << 2);
}

/** Writes a match (length without the type's bias, distance already biased by -1); returns op. */
// @ts-ignore: decorator
@inline
function writeMatch(op: usize, len: u32, dist: u32): usize {
  if (dist < MAX_DISTANCE) {
    if (len < 7) {
      store<u8>(op, <u8>((len << 5) + (dist >> 8)));
      op++;
    } else {
      store<u8>(op, <u8>((7 << 5) + (dist >> 8)));
      op = writeLength(op + 1, len - 7);
    }
    store<u8>(op, <u8>dist);
    return op + 1;
  }
  dist -= MAX_DISTANCE;
  if (len < 7) {
    store<u8>(op, <u8>((len << 5) + 31));
    op++;
  } else {
    store<u8>(op, <u8>((7 << 5) + 31));
    op = writeLength(op + 1, len - 7);
  }
  store<u8>(op, 255);
  store<u8>(op, <u8>(dist >> 8), 1);
  store<u8>(op, <u8>dist, 2);
  return op + 3;
}

/** Points every table slot at pixel 0. */
function clearTable(): void {
  const v = <u64>SRC | (<u64>SRC << 32);
  for (let p = TABLE; p < TABLE + TABLE_BYTES; p += 16) {
    store<u64>(p, v);
    store<u64>(p, v, 8);
  }
}

/** The colour pass: pixels compared and coded on B, G, R only. Returns the output position. */
function compressRgb(n: usize, op: usize): usize {
  if (n < 4) {
    store<u8>(op++, <u8>(n - 1));
    for (let i: usize = 0; i < n; i++) {
      store<u32>(op, load<u32>(SRC + (i << 2)));
      op += 3;
    }
    return op;
  }
  clearTable();
  let lastCopy = op;
  store<u8>(op, <u8>(MAX_COPY - 1));
  store<u32>(op, load<u32>(SRC), 1);
  store<u32>(op, load<u32>(SRC, 4), 4);
  op += 7;
  let copy: u32 = 2;
  let ip = SRC + 8;
  const ipBound = SRC + ((n - BOUND_OFFSET) << 2);
  const ipLimit = SRC + ((n - LIMIT_OFFSET) << 2);
  // The DJB2 values of pixels (rollAt, rollAt + 4) (rollB) and of pixel rollAt + 4 (rollA).
  let rollAt: usize = 0;
  let rollA: u32 = 0;
  let rollB: u32 = 0;

  while (ip < ipLimit) {
    let anchor = ip;
    let ref: usize;
    let dist: u32;
    const p0 = load<u32>(ip);
    if (((load<u32>(ip - 4) ^ p0) & RGB_MASK) == 0 && ((p0 ^ load<u32>(ip, 4)) & RGB_MASK) == 0 && ((p0 ^ load<u32>(ip, 8)) & RGB_MASK) == 0) {
      // A run: distance 1.
      dist = 0;
      ip += 12;
      ref = anchor + 8;
    } else {
      // hashRgb(ip), from the partial hashes left by the previous position when it was the
      // pixel before (a literal): the three chains below are independent, so the hash's
      // latency is one pixel's instead of three.
      const v1 = load<u32>(ip, 4);
      const v2 = load<u32>(ip, 8);
      if (ip != rollAt) {
        rollA = hashPixel(5381, v1);
        rollB = hashPixel(hashPixel(5381, p0), v1);
      }
      const slot = TABLE + (<usize>(hashPixel(rollB, v2) & HASH_MASK) << 2);
      rollB = hashPixel(rollA, v2);
      rollA = hashPixel(5381, v2);
      rollAt = ip + 4;
      ref = <usize>load<u32>(slot);
      const distance = <u32>((anchor - ref) >> 2);
      store<u32>(slot, <u32>anchor);
      // A match needs one equal pixel, a far one two.
      if (
        distance == 0 ||
        distance >= MAX_FARDISTANCE ||
        ((load<u32>(ref) ^ p0) & RGB_MASK) != 0 ||
        (distance >= MAX_DISTANCE && ((load<u32>(ref, 4) ^ v1) & RGB_MASK) != 0)
      ) {
        store<u32>(op, p0);
        op += 3;
        ip = anchor + 4;
        if (++copy == MAX_COPY) {
          copy = 0;
          lastCopy = op;
          store<u8>(op++, <u8>(MAX_COPY - 1));
        }
        continue;
      }
      if (distance >= MAX_DISTANCE) {
        ref += 8;
        ip += 8;
      } else {
        ref += 4;
        ip += 4;
      }
      dist = distance - 1;
    }

    if (dist == 0) {
      // ref stays one pixel behind ip: extend while the pixel at ref equals x.
      const x = load<u32>(ref) & RGB_MASK;
      const x2 = (<u64>x << 32) | <u64>x;
      for (;;) {
        if (ip + 4 < ipBound) {
          const d = (load<u64>(ref) & RGB_MASK2) ^ x2;
          if (d != 0) {
            ip += <usize>(ctz(d) >> 5) << 2;
            break;
          }
          ref += 8;
          ip += 8;
        } else {
          if (ip < ipBound && ((load<u32>(ref) ^ x) & RGB_MASK) == 0) ip += 4;
          break;
        }
      }
    } else {
      for (;;) {
        if (ip + 4 < ipBound) {
          const d = (load<u64>(ref) ^ load<u64>(ip)) & RGB_MASK2;
          if (d != 0) {
            ip += (<usize>(ctz(d) >> 5) << 2) + 4;
            break;
          }
          ref += 8;
          ip += 8;
        } else {
          // The last pixel before the bound: ip passes it whether it is equal or not.
          if (ip < ipBound) ip += 4;
          break;
        }
      }
    }

    if (copy != 0) store<u8>(lastCopy, <u8>(copy - 1));
    else op--;
    copy = 0;

    ip -= 12;
    op = writeMatch(op, <u32>(<i32>(ip - anchor) >> 2) + 2, dist);
    if (ip > anchor) store<u32>(hashRgb(ip), <u32>ip);
    ip += 4;
    if (ip > anchor) store<u32>(hashRgb(ip), <u32>ip);
    ip += 4;
    lastCopy = op;
    store<u8>(op++, <u8>(MAX_COPY - 1));
  }

  const end = SRC + (n << 2);
  for (; ip < end; ip += 4) {
    store<u32>(op, load<u32>(ip));
    op += 3;
    if (++copy == MAX_COPY) {
      copy = 0;
      lastCopy = op;
      store<u8>(op++, <u8>(MAX_COPY - 1));
    }
  }
  if (copy != 0) store<u8>(lastCopy, <u8>(copy - 1));
  else op--;
  return op;
}

/** The alpha pass (RGBA after the colour pass): one-byte units (byte 3 of each pixel), minimum match 3. */
function compressAlpha(n: usize, op: usize): usize {
  if (n < 4) {
    store<u8>(op++, <u8>(n - 1));
    for (let i: usize = 0; i < n; i++) store<u8>(op++, load<u8>(SRC + (i << 2), 3));
    return op;
  }
  clearTable();
  let lastCopy = op;
  store<u8>(op, <u8>(MAX_COPY - 1));
  store<u8>(op, load<u8>(SRC, 3), 1);
  store<u8>(op, load<u8>(SRC, 7), 2);
  op += 3;
  let copy: u32 = 2;
  let ip = SRC + 8;
  const ipBound = SRC + ((n - BOUND_OFFSET) << 2);
  const ipLimit = SRC + ((n - LIMIT_OFFSET) << 2);

  while (ip < ipLimit) {
    let anchor = ip;
    let ref: usize;
    let dist: u32;
    const a0 = load<u8>(ip, 3);
    if (load<u8>(ip - 1) == a0 && load<u8>(ip, 7) == a0 && load<u8>(ip, 11) == a0) {
      dist = 0;
      ip += 12;
      ref = anchor + 8;
    } else {
      const slot = hashAlpha(ip);
      ref = <usize>load<u32>(slot);
      const distance = <u32>((anchor - ref) >> 2);
      store<u32>(slot, <u32>anchor);
      let literal = distance == 0 || distance >= MAX_FARDISTANCE;
      // Three equal units, five for a far match.
      const need: u32 = distance >= MAX_DISTANCE ? 5 : 3;
      for (let k: u32 = 0; k < need && !literal; k++) {
        if (load<u8>(ref, 3) != load<u8>(ip, 3)) literal = true;
        else {
          ref += 4;
          ip += 4;
        }
      }
      if (literal) {
        store<u8>(op++, load<u8>(anchor, 3));
        ip = anchor + 4;
        if (++copy == MAX_COPY) {
          copy = 0;
          lastCopy = op;
          store<u8>(op++, <u8>(MAX_COPY - 1));
        }
        continue;
      }
      dist = distance - 1;
    }

    if (dist == 0) {
      const x = load<u8>(ref, 3);
      while (ip < ipBound) {
        if (load<u8>(ref, 3) != x) break;
        ref += 4;
        ip += 4;
      }
    } else {
      while (ip < ipBound) {
        if (load<u8>(ref, 3) != load<u8>(ip, 3)) {
          ip += 4;
          break;
        }
        ref += 4;
        ip += 4;
      }
    }

    if (copy != 0) store<u8>(lastCopy, <u8>(copy - 1));
    else op--;
    copy = 0;

    ip -= 12;
    op = writeMatch(op, <u32>(<i32>(ip - anchor) >> 2), dist);
    store<u32>(hashAlpha(ip), <u32>ip);
    ip += 4;
    store<u32>(hashAlpha(ip), <u32>ip);
    ip += 4;
    lastCopy = op;
    store<u8>(op++, <u8>(MAX_COPY - 1));
  }

  const end = SRC + (n << 2);
  for (; ip < end; ip += 4) {
    store<u8>(op++, load<u8>(ip, 3));
    if (++copy == MAX_COPY) {
      copy = 0;
      lastCopy = op;
      store<u8>(op++, <u8>(MAX_COPY - 1));
    }
  }
  if (copy != 0) store<u8>(lastCopy, <u8>(copy - 1));
  else op--;
  return op;
}
