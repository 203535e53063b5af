// AssemblyScript source of src/wasm/lz-decode.wasm.ts (npm run build:wasm -w @saffron/codecs).
//
// The LZ decoder of src/lz/lz-passes.ts (protocol-map §6.2) in WebAssembly: the same control-byte
// syntax, the same checks in the same order, so the same pixels and the same errors (status and
// stream offset) for every input. src/lz/lz-wasm.ts drives it; src/lz/lz-decode.ts parses and
// checks the header in JS first.
//
// Linear memory: a 1 KiB palette table in static data (below __heap_base); prepare(nBytes,
// pixels, scratchBytes) lays out the rest from __heap_base and grows the memory to fit (it never
// shrinks; drop the instance to release it):
//   [SRC, +nBytes)            the whole LZ stream, header included, written by the caller, so a
//                             position is ip - SRC exactly as in the JS decoder; SLACK bytes after
//                             it (RGB literals are read 8 bytes for 6, or 4 for 3)
//   [output, +pixels * 4)     the pixels, 0xAARRGGBB words (B, G, R, A bytes), then SLACK bytes
//                             (a match of 32-bit units is copied 8 bytes at a time and may write
//                             4 bytes past its end, later overwritten, or into the slack)
//   [scratch, +scratchBytes)  the packed index bytes of a palette image, then SLACK bytes
//
// Every pass writes only inside its output region and reads the stream only below its end (plus
// the literal overreads into the slack): literal runs and match lengths are checked against the
// units left, distances against the units written, and the input position against the stream's
// end before every read, exactly where the JS decoder checks them.

const OPAQUE: u32 = 0xff000000;
const OPAQUE2: u64 = 0xff000000_ff000000;
/** Long runs are written as copies of a block of this many bytes at their start (kept in L1). */
const RUN_BLOCK: usize = 4096;
/** Offsets from this value up use the "far" form: a 16-bit big-endian offset follows, + 8191. */
const MAX_DISTANCE: u32 = 8191;
const HEADER_BYTES: usize = 28;
const SLACK: usize = 16;
/**
 * Match lengths saturate here while their 255-bytes are added (16 M bytes of them would wrap a
 * u32). Any length past the image's units is refused the same way, so the result is unchanged:
 * images have at most 2^28 units.
 */
const LENGTH_CAP: u32 = 1 << 30;

// LZ image types (src/lz/lz-image-type.ts).
const PLT1_LE: u32 = 1;
const PLT1_BE: u32 = 2;
const PLT4_LE: u32 = 3;
const PLT4_BE: u32 = 4;
const PLT8: u32 = 5;
const RGB16: u32 = 6;
const RGB24: u32 = 7;
const RGB32: u32 = 8;
const RGBA: u32 = 9;
const XXXA: u32 = 10;
const A8: u32 = 11;

// decode() / decode_alpha() results (src/lz/lz-wasm.ts turns them into CodecErrors).
const OK: u32 = 0;
const TRUNCATED: u32 = 1;
const LITERAL_PAST_END: u32 = 2;
const REF_BEFORE_START: u32 = 3;
const MATCH_PAST_END: u32 = 4;
/** A call the caller's checks should have made impossible (regions too small, bad type). */
const BAD_CALL: u32 = 5;

/** The palette's 256 opaque BGRA words (written by the caller for the palette types). */
const LUT: usize = memory.data(1024, 16);
const SRC: usize = (__heap_base + 15) & ~(<usize>15);

let srcEnd: usize = SRC;
let output: usize = SRC;
let outputBytes: u64 = 0;
let scratch: usize = SRC;
let scratchBytes: u64 = 0;
/** The stream position of the last error. */
let errorPos: u32 = 0;
/** The stream position after the last pass that completed. */
let passEnd: usize = 0;

/**
 * Lays out the memory for an nBytes stream, `pixels` output pixels and `scratchSize` palette index
 * bytes, growing it when needed; returns where to write the stream, or 0 when the memory cannot
 * grow that far.
 */
export function prepare(nBytes: u32, pixels: u32, scratchSize: u32): usize {
  const out: u64 = (<u64>SRC + <u64>nBytes + SLACK + 15) & ~(<u64>15);
  const scr: u64 = (out + (<u64>pixels << 2) + SLACK + 15) & ~(<u64>15);
  const end: u64 = scr + <u64>scratchSize + SLACK;
  const have: u64 = <u64>memory.size() << 16;
  if (end > have) {
    const pages = (end - have + 0xffff) >> 16;
    if (end > 0x1_0000_0000 || memory.grow(<i32>pages) < 0) return 0;
  }
  srcEnd = SRC + <usize>nBytes;
  output = <usize>out;
  outputBytes = <u64>pixels << 2;
  scratch = <usize>scr;
  scratchBytes = <u64>scratchSize;
  return SRC;
}

/** Where decode() leaves the pixels (pixels * 4 bytes, in display order for palette types). */
export function output_ptr(): usize {
  return output;
}

/** Where the caller writes the palette's opaque BGRA words (up to 256). */
export function lut_ptr(): usize {
  return LUT;
}

/** The stream offset of the error of the last failed call. */
export function error_pos(): u32 {
  return errorPos;
}

// @ts-ignore: decorator
@inline
function fail(status: u32, ip: usize): u32 {
  errorPos = <u32>(ip - SRC);
  return status;
}

// The four unit kinds of decodeUnits, chosen by its type argument at compile time:
//   u32  3-byte B,G,R literals into opaque pixel words (RGB24, RGB32, colour pass of RGBA), bias 0
//   u16  2-byte big-endian x1r5g5b5 literals into opaque pixel words (RGB16), bias 1
//   u8   1-byte units, one output byte each (palette index bytes), bias 2
//   i8   1-byte units into byte 3 of pixel words (alpha of RGBA, XXXA, A8), bias 2

// @ts-ignore: decorator
@inline
function literalBytes<T>(): usize {
  return sizeof<T>() == 4 ? 3 : sizeof<T>() == 2 ? 2 : 1;
}

// @ts-ignore: decorator
@inline
function outputShift<T>(): usize {
  return sizeof<T>() == 1 && !isSigned<T>() ? 0 : 2;
}

// @ts-ignore: decorator
@inline
function lengthBias<T>(): u32 {
  return sizeof<T>() == 4 ? 0 : sizeof<T>() == 2 ? 1 : 2;
}

// @ts-ignore: decorator
@inline
function widen555(w: u32): u32 {
  // w: the two stream bytes as loaded little-endian (hi | lo << 8); x1r5g5b5 = (hi << 8 | lo) & 0x7fff
  const v = ((w & 0x7f) << 8) | (w >> 8);
  const r = v >> 10;
  const g = (v >> 5) & 31;
  const b = v & 31;
  return OPAQUE | (((r << 3) | (r >> 2)) << 16) | (((g << 3) | (g >> 2)) << 8) | ((b << 3) | (b >> 2));
}

/**
 * Copies a match of `len` 32-bit units from `dist` units back, with the result of a unit-by-unit
 * forward copy (an overlap repeats the period `dist`); returns the end. May write up to 4 bytes
 * past the end.
 */
// @ts-ignore: decorator
@inline
function copyWords(op: usize, len: usize, dist: usize): usize {
  const bytes = len << 2;
  const stop = op + bytes;
  const ref = op - (dist << 2);
  if (dist == 1) {
    const v = <u64>load<u32>(ref);
    const v2 = v | (v << 32);
    if (len <= 32) {
      do {
        store<u64>(op, v2);
        op += 8;
      } while (op < stop);
    } else {
      // 16 pixels, then copies of what is written (doubling up to RUN_BLOCK bytes).
      for (let i: usize = 0; i < 64; i += 8) store<u64>(op + i, v2);
      let done: usize = 64;
      while (done < bytes) {
        let n = done < RUN_BLOCK ? done : RUN_BLOCK;
        if (n > bytes - done) n = bytes - done;
        memory.copy(op + done, op, n);
        done += n;
      }
    }
  } else if (len <= 16 || (dist < 8 && dist < len)) {
    // 8 bytes at a time: exact for overlaps too, as the source runs at least 8 bytes behind.
    let s = ref;
    do {
      store<u64>(op, load<u64>(s));
      op += 8;
      s += 8;
    } while (op < stop);
  } else if (dist >= len) {
    memory.copy(op, ref, bytes);
  } else {
    // Overlapping: each copy reads only bytes already written, and every chunk but the last
    // is a whole number of periods, so the phase stays right.
    const period = dist << 2;
    let done: usize = 0;
    let chunk = period;
    while (done < bytes) {
      const n = chunk < bytes - done ? chunk : bytes - done;
      memory.copy(op + done, ref, n);
      done += n;
      chunk = done + period;
    }
  }
  return stop;
}

/**
 * Decodes `count` units of kind T from the stream at `ip` to `dst`; returns a status, and on
 * success leaves the position after the last consumed byte in passEnd.
 */
function decodeUnits<T>(ip: usize, dst: usize, count: usize): u32 {
  const end = srcEnd;
  const shift = outputShift<T>();
  const oend = dst + (count << shift);
  let op = dst;
  while (op < oend) {
    if (ip >= end) return fail(TRUNCATED, ip);
    const ctrl = <u32>load<u8>(ip++);
    if (ctrl < 32) {
      const n = <usize>ctrl + 1;
      if (n * literalBytes<T>() > end - ip) return fail(TRUNCATED, ip);
      if (n << shift > oend - op) return fail(LITERAL_PAST_END, ip);
      const stop = op + (n << shift);
      if (sizeof<T>() == 4) {
        // Two pixels per 8-byte load (6 bytes used), then the odd one as a 4-byte load.
        while (op + 8 <= stop) {
          const x = load<u64>(ip);
          store<u64>(op, (x & 0xffffff) | ((x << 8) & 0xffffff_00000000) | OPAQUE2);
          ip += 6;
          op += 8;
        }
        if (op < stop) {
          store<u32>(op, load<u32>(ip) | OPAQUE);
          ip += 3;
          op += 4;
        }
      } else if (sizeof<T>() == 2) {
        do {
          store<u32>(op, widen555(<u32>load<u16>(ip)));
          ip += 2;
          op += 4;
        } while (op < stop);
      } else if (shift == 0) {
        memory.copy(op, ip, n);
        ip += n;
        op = stop;
      } else {
        do {
          store<u8>(op, load<u8>(ip));
          ip++;
          op += 4;
        } while (op < stop);
      }
    } else {
      let len = ctrl >> 5;
      if (len == 7) {
        let code: u32;
        do {
          if (ip >= end) return fail(TRUNCATED, ip);
          code = <u32>load<u8>(ip++);
          len += code;
          if (len > LENGTH_CAP) len = LENGTH_CAP;
        } while (code == 255);
      }
      if (ip >= end) return fail(TRUNCATED, ip);
      let ofs = ((ctrl & 31) << 8) + <u32>load<u8>(ip++);
      if (ofs == MAX_DISTANCE) {
        // code 255 with ctrl & 31 == 31: the far form
        if (end - ip < 2) return fail(TRUNCATED, ip);
        ofs = ((<u32>load<u8>(ip) << 8) | <u32>load<u8>(ip + 1)) + MAX_DISTANCE;
        ip += 2;
      }
      const units = <usize>(len + lengthBias<T>());
      const dist = <usize>ofs + 1;
      if (dist > (op - dst) >> shift) return fail(REF_BEFORE_START, ip);
      if (units > (oend - op) >> shift) return fail(MATCH_PAST_END, ip);
      if (sizeof<T>() >= 2) {
        op = copyWords(op, units, dist);
      } else if (shift == 0) {
        const ref = op - dist;
        if (dist == 1) memory.fill(op, load<u8>(ref), units);
        else if (dist >= units) memory.copy(op, ref, units);
        else for (let i: usize = 0; i < units; i++) store<u8>(op + i, load<u8>(ref + i));
        op += units;
      } else {
        const stop = op + (units << 2);
        let s = op - (dist << 2);
        do {
          store<u8>(op, load<u8>(s));
          op += 4;
          s += 4;
        } while (op < stop);
      }
    }
  }
  passEnd = ip;
  return OK;
}

/**
 * Counts the control bytes (literal runs and matches) of the prepared stream's first pass of kind
 * T until `count` units are coded. Stops at `limit` (and returns it) and returns `limit` at the
 * stream's end, leaving any corruption for decode() to report. Only reads the stream.
 */
function countOps<T>(count: u64, limit: u32): u32 {
  const end = srcEnd;
  let ip = SRC + HEADER_BYTES;
  let units: u64 = 0;
  let ops: u32 = 0;
  while (units < count) {
    if (ops >= limit || ip >= end) return limit;
    const ctrl = <u32>load<u8>(ip++);
    ops++;
    if (ctrl < 32) {
      units += <u64>ctrl + 1;
      ip += (<usize>ctrl + 1) * literalBytes<T>();
      continue;
    }
    let len = <u64>(ctrl >> 5);
    if (len == 7) {
      let code: u32;
      do {
        if (ip >= end) return limit;
        code = <u32>load<u8>(ip++);
        len += code;
      } while (code == 255);
    }
    if (ip >= end) return limit;
    if (<u32>load<u8>(ip++) == 255 && (ctrl & 31) == 31) ip += 2;
    units += len + lengthBias<T>();
  }
  return ops;
}

/**
 * The number of control bytes that code the prepared RGB16/24/32 stream's `pixels` pixels, or
 * `limit` when that is more, or the stream is cut short or corrupt, or the type is another one.
 */
export function count_ops(type: u32, pixels: u32, limit: u32): u32 {
  if (srcEnd < SRC + HEADER_BYTES) return limit;
  if (type == RGB24 || type == RGB32) return countOps<u32>(pixels, limit);
  if (type == RGB16) return countOps<u16>(pixels, limit);
  return limit;
}

/** Expands the packed index rows in scratch through LUT into output, in display order, cropped to width. */
function expandPalette(type: u32, width: usize, height: usize, stride: usize, topDown: bool): void {
  for (let r: usize = 0; r < height; r++) {
    const s = scratch + r * stride;
    const d = output + (topDown ? r : height - 1 - r) * (width << 2);
    if (type == PLT8) {
      for (let x: usize = 0; x < width; x++) store<u32>(d + (x << 2), load<u32>(LUT + (<usize>load<u8>(s + x) << 2)));
    } else if (type == PLT4_LE || type == PLT4_BE) {
      const hiFirst: u32 = type == PLT4_BE ? 4 : 0;
      for (let x: usize = 0; x < width; x++) {
        const b = <u32>load<u8>(s + (x >> 1));
        const i = (b >> (((<u32>x & 1) << 2) ^ hiFirst)) & 15;
        store<u32>(d + (x << 2), load<u32>(LUT + (<usize>i << 2)));
      }
    } else {
      const msbFirst: u32 = type == PLT1_BE ? 7 : 0;
      for (let x: usize = 0; x < width; x++) {
        const i = (<u32>load<u8>(s + (x >> 3)) >> ((<u32>x & 7) ^ msbFirst)) & 1;
        store<u32>(d + (x << 2), load<u32>(LUT + (<usize>i << 2)));
      }
    }
  }
}

/**
 * Decodes the prepared stream (header already checked by the caller: type, width, height,
 * stride, top_down) into output as BGRA words: RGB types in coded row order (the caller flips a
 * bottom-up image), palette types expanded through LUT in display order. Returns a status; on an
 * error, error_pos() tells where.
 */
export function decode(type: u32, width: u32, height: u32, stride: u32, topDown: bool): u32 {
  const n: u64 = <u64>width * <u64>height;
  if (n << 2 > outputBytes) return BAD_CALL;
  const count = <usize>n;
  const body = SRC + HEADER_BYTES;
  if (srcEnd < body) return BAD_CALL;
  switch (type) {
    case RGB24:
    case RGB32:
      return decodeUnits<u32>(body, output, count);
    case RGBA: {
      const status = decodeUnits<u32>(body, output, count);
      return status != OK ? status : decodeUnits<i8>(passEnd, output + 3, count);
    }
    case RGB16:
      return decodeUnits<u16>(body, output, count);
    case XXXA:
    case A8:
      memory.fill(output, 0, count << 2);
      return decodeUnits<i8>(body, output + 3, count);
    case PLT1_LE:
    case PLT1_BE:
    case PLT4_LE:
    case PLT4_BE:
    case PLT8: {
      const perByte: u64 = type == PLT8 ? 1 : type <= PLT1_BE ? 8 : 2;
      const units: u64 = <u64>stride * <u64>height;
      if (units > scratchBytes || <u64>stride * perByte < <u64>width) return BAD_CALL;
      const status = decodeUnits<u8>(body, scratch, <usize>units);
      if (status == OK) expandPalette(type, width, height, stride, topDown);
      return status;
    }
    default:
      return BAD_CALL;
  }
}

/**
 * Decodes the prepared XXXA stream's alpha into byte 3 of the `pixels` words at output (which
 * the caller filled with the target image, in coded row order); the other bytes stay as they are.
 */
export function decode_alpha(pixels: u32): u32 {
  if (<u64>pixels << 2 > outputBytes) return BAD_CALL;
  const body = SRC + HEADER_BYTES;
  if (srcEnd < body) return BAD_CALL;
  return decodeUnits<i8>(body, output + 3, pixels);
}
