// AssemblyScript source of src/wasm/quic-decode.wasm.ts (npm run build:wasm -w @saffron/codecs).
//
// The QUIC decoder of src/quic/quic-decoder.ts (protocol-map §6.1) moved into WebAssembly: the
// same model, sampling, run decisions and corruption checks step for step, so the same pixels
// and the same errors for every input. src/quic/quic-wasm.ts drives it.
//
// Linear memory: the constant tables and the model live in static data (below __heap_base);
// prepare(nBytes, width, height) lays out the rest from __heap_base and grows the memory to fit
// (it never shrinks; drop the instance to release it):
//   [corrRgb, +4 (width + 1))   per pixel i at index i + 1, the r, g, b symbols of the row being
//                               decoded, packed as r << 16 | g << 8 | b (index 0: the "-1" context)
//   [corrPlane, +(width + 1))   the same for the single plane (alpha of RGBA, or GRAY), one byte each
//   [input - PAD, input)        PAD = 16 * width + 128 zero bytes, written by decode()
//   [input, +nWords * 4)        the stream's whole 32-bit words, written there by the caller in
//                               stream order; decode() reverses their order in place
//   [output, +width*height*4)   the pixels, 0xAARRGGBB words (B, G, R, A bytes)
//
// Bit reading: the stream is little-endian u32 words whose bits are read MSB first. With the
// word order reversed, stream bit p is bit 7 - (p & 7) of the byte at streamEnd - 1 - (p >> 3),
// so one little-endian u64 load at streamEnd - 8 - (p >> 3), shifted left by p & 7, holds the
// next 57 bits or more, MSB first, with no byte swapping (window()). Bits past the stream's end
// read as the zero padding, below `input`. Every row consumes fewer than 3 words per pixel plus
// a few words (r, g, b codewords of at most 26 bits and one run code of at most 16 bits per
// pixel; a plane row less), so reading never passes the padding; the bit position is checked
// against the real data size after every row, and runs against the row's end, exactly where
// the JS decoder checks them.

// ---- Constant tables, Golomb families, model: lib/quic-model.ts

import { TABRAND, MEL_LEN, MEL_STATE_MAX, WM_TRIGGER, WM_INDEX_MAX, WM_INDEX_STEP, F_CODE, FAM8, FAM5, BEST, PLANE_SLOT, RGB_STATE, PLANE_STATE, S_WAITCNT, S_SEED, S_WMIDX, S_WMILEFT, S_MEL, TYPE_GRAY, TYPE_RGB16, TYPE_RGB24, TYPE_RGB32, TYPE_RGBA, resetModel, updateModel } from "./lib/quic-model";

const OPAQUE: u32 = 0xff000000;
const RGB_MASK: u32 = 0xffffff;
const HEADER_BITS: u32 = 20 * 8;

/** decode() results. */
const OK: i32 = 0;
const ERR_TRUNCATED: i32 = 1;
const ERR_RUN: i32 = 2;
const ERR_TYPE: i32 = 3;

// ---- Bit reading

/**
 * The stream bits from bit position p on, MSB first: at least 57 valid bits on top (the last
 * 8 - (p & 7) bits loaded are stream bits too). `rd` is streamEnd - 8 (see the file comment).
 */
// @ts-ignore: decorator
@inline
function window(rd: usize, p: u32): u64 {
  return load<u64>(rd - <usize>(p >>> 3)) << <u64>(p & 7);
}

/** The 32 stream bits starting at bit position p, MSB first. */
// @ts-ignore: decorator
@inline
function peek(rd: usize, p: u32): u32 {
  return <u32>(window(rd, p) >>> 32);
}

/**
 * Reads one Golomb-Rice codeword with code number l from the top of `bits` (a window with at
 * least 26 valid bits). Returns the symbol (which may exceed the bit depth on corrupt input:
 * callers mask it) | codeword length << 16.
 *
 * A GR codeword (fewer leading zeros than the code's not-GR prefix) is `zeros` 0 bits, a 1 and
 * l bits: its top zeros + 1 + l bits read as a number are 2^l + the l bits, so the symbol
 * (zeros << l) + the l bits is that number + ((zeros - 1) << l), mod 2^32. A not-GR codeword is
 * the prefix of zeros and a suffix added to the number of GR codewords. The hot loops have this
 * written out, to keep the length and symbol in separate locals.
 */
// @ts-ignore: decorator
@inline
function golomb(bits: u64, fam: usize, l: u32): u32 {
  const zeros = <u32>clz<u64>(bits);
  const c = fam + F_CODE + (<usize>l << 4);
  if (zeros < load<u32>(c)) {
    const len = zeros + 1 + l;
    return (<u32>(bits >>> <u64>(64 - len)) + ((zeros - 1) << l)) | (len << 16);
  }
  const len = load<u32>(c, 8);
  return (load<u32>(c, 4) + (<u32>(bits >>> <u64>(64 - len)) & load<u32>(c, 12))) | (len << 16);
}

/**
 * The r, g, b components (one per byte, `bpc` bits each) of a pixel whose packed symbols are
 * `s`, whose left neighbour is `left` and the pixel above `q`: per byte lane, the residual of
 * the symbol (0, -1, +1, -2, ...) plus floor((left + above) / 2), mod 2^bpc. All three lanes at
 * once: the average is (a & b) + ((a ^ b) >> 1), the unfolding (s >> 1) ^ (odd ? all ones : 0),
 * and for 8-bit lanes the sum keeps each lane's top bit apart so no carry crosses a lane.
 * The result's top byte is 0.
 */
// @ts-ignore: decorator
@inline
function reconstruct(s: u32, left: u32, q: u32, bpc: u32): u32 {
  const odd = s & 0x010101;
  if (bpc == 8) {
    const res = ((s >>> 1) & 0x7f7f7f) ^ ((odd << 8) - odd);
    const avg = (left & q) + (((left ^ q) >>> 1) & 0x7f7f7f);
    return ((avg & 0x7f7f7f) + (res & 0x7f7f7f)) ^ ((avg ^ res) & 0x808080);
  }
  // 5-bit lanes (bits 5..7 of each byte are 0): lane sums stay below 64, no carry out.
  const res = ((s >>> 1) & 0x0f0f0f) ^ ((odd << 5) - odd);
  const avg = (left & q & 0x1f1f1f) + (((left ^ q) >>> 1) & 0x0f0f0f);
  return (avg + res) & 0x1f1f1f;
}

/** Symbol → residual (mod the bit depth: callers mask the sum): 0, -1, +1, -2, ... */
// @ts-ignore: decorator
@inline
function residual(s: u32): u32 {
  return (s >>> 1) ^ (0 - (s & 1));
}

// ---- Layout and state of the current image (set by prepare and decode)

let corrRgb: usize = 0;
let corrPlane: usize = 0;
let input: usize = 0;
/** The end of the stream's words in memory, minus 8: the base of window(). */
let streamRd: usize = 0;
let output: usize = 0;
let imageWidth: u32 = 0;
let imageHeight: u32 = 0;
let inputWords: u32 = 0;
/** Bits of real stream data; consuming past this is corruption. */
let limit: u32 = 0;
/** The bit position between rows (and after readRun). */
let pos: u32 = 0;
/** The byte offset to report with the last error. */
let errorOffset: u32 = 0;

function padBytes(width: u32): usize {
  return (<usize>width * 4 + 32) << 2;
}

/** Reverses the order of the n words at `at` (see the file comment). */
function reverseWords(at: usize, n: u32): void {
  let a = at;
  let b = at + (<usize>n << 2) - 4;
  while (a < b) {
    const t = load<u32>(a);
    store<u32>(a, load<u32>(b));
    store<u32>(b, t);
    a += 4;
    b -= 4;
  }
}

/**
 * Lays out the memory for an nBytes stream of a width x height image and grows it to fit.
 * Returns where the caller writes the stream (its first nBytes & ~3 bytes at least), or 0 when
 * the memory cannot grow that far.
 */
export function prepare(nBytes: u32, width: u32, height: u32): usize {
  const nWords = nBytes >>> 2;
  const corrR: u64 = (<u64>__heap_base + 15) & ~(<u64>15);
  const corrA: u64 = corrR + ((<u64>width + 1) << 2);
  const inp: u64 = ((corrA + <u64>width + 1 + 15) & ~(<u64>15)) + <u64>padBytes(width);
  const out: u64 = (inp + (<u64>nWords << 2) + 15) & ~(<u64>15);
  const end: u64 = out + ((<u64>width * <u64>height) << 2);
  const have: u64 = <u64>memory.size() << 16;
  if (end > have) {
    const pages = (end - have + 0xffff) >> 16;
    if (pages > 65536 || memory.grow(<i32>pages) < 0) return 0;
  }
  corrRgb = <usize>corrR;
  corrPlane = <usize>corrA;
  input = <usize>inp;
  streamRd = <usize>inp + (<usize>nWords << 2) - 8;
  output = <usize>out;
  imageWidth = width;
  imageHeight = height;
  inputWords = nWords;
  return input;
}

/** Where decode() leaves the pixels: width * height 0xAARRGGBB words. */
export function output_ptr(): usize {
  return output;
}

/** The byte offset of the error decode() last returned. */
export function error_offset(): u32 {
  return errorOffset;
}

/**
 * Decodes the stream written at prepare()'s pointer as a QUIC image of `type` with the prepared
 * size (the header is not read: the caller has parsed and checked it). Returns 0, or 1 when the
 * stream is truncated, 2 when a run passes the end of its row, 3 for an unknown type.
 */
export function decode(type: u32): i32 {
  const width = imageWidth;
  const height = imageHeight;
  const pad = padBytes(width);
  memory.fill(input - pad, 0, pad);
  reverseWords(input, inputWords);
  limit = inputWords << 5;
  pos = HEADER_BITS;
  resetModel(type == TYPE_RGB16 ? 5 : 8);

  let err = OK;
  if (type == TYPE_RGB32 || type == TYPE_RGB24) {
    for (let y: u32 = 0; y < height && err == OK; y++) err = rgbRow8(y, width, OPAQUE);
  } else if (type == TYPE_RGB16) {
    for (let y: u32 = 0; y < height && err == OK; y++) err = rgbRow5(y, width);
    if (err == OK) widen555(<usize>width * height);
  } else if (type == TYPE_RGBA) {
    for (let y: u32 = 0; y < height && err == OK; y++) {
      err = rgbRow8(y, width, 0);
      if (err == OK) err = planeRow(y, width, 3);
    }
  } else if (type == TYPE_GRAY) {
    for (let y: u32 = 0; y < height && err == OK; y++) err = planeRow(y, width, 0);
    if (err == OK) grayToBgra(<usize>width * height);
  } else {
    err = ERR_TYPE;
  }
  if (err == ERR_TRUNCATED) errorOffset = limit >>> 3;
  return err;
}

// ---- Rows

function rgbRow8(y: u32, width: u32, alpha: u32): i32 {
  return rgbRow(y, width, FAM8, 8, 0xff, alpha);
}

function rgbRow5(y: u32, width: u32): i32 {
  return rgbRow(y, width, FAM5, 5, 0x1f, OPAQUE);
}

/**
 * Reads a MELCODE run length at bit position p with the MELCODE state at `st`, and leaves the
 * new bit position in `pos`. Each leading 1 bit adds 2^J[state] and moves the state up; a 0 bit
 * then ends the prefix and J[state] bits give the remainder; the state then moves one step
 * down. Returns -1 (and sets errorOffset) when the run would pass `maxRun` pixels.
 */
function readRun(p: u32, maxRun: u32, st: usize): i32 {
  const rd = streamRd;
  let mel = load<u32>(st, S_MEL);
  let run: u32 = 0;
  while (true) {
    const ones = clz<u32>(~peek(rd, p));
    for (let k: u32 = 0; k < ones; k++) {
      run += 1 << load<u8>(MEL_LEN + <usize>mel);
      if (mel < MEL_STATE_MAX) mel++;
    }
    if (run > maxRun) {
      errorOffset = p >>> 3;
      return -1;
    }
    if (ones < 32) {
      p += ones + 1;
      break;
    }
    p += 32;
  }
  const melLen = <u32>load<u8>(MEL_LEN + <usize>mel);
  if (melLen > 0) {
    run += peek(rd, p) >>> (32 - melLen);
    p += melLen;
  }
  if (mel > 0) mel--;
  if (run > maxRun) {
    errorOffset = p >>> 3;
    return -1;
  }
  store<u32>(st, mel, S_MEL);
  pos = p;
  return <i32>run;
}

/**
 * Decodes the r, g, b components of row y into the output, with `alpha` ORed into every pixel
 * word (components of `bpc` bits: RGB16 rows hold 5-bit values until widen555). Row 0 predicts
 * from the left neighbour only (the average predictor with the left pixel standing in for the
 * one above); pixel 0 of a row is predicted from the pixel above and takes its context from the
 * previous row's pixel 0. Inlined into rgbRow8 and rgbRow5, so the family is a constant there.
 */
// @ts-ignore: decorator
@inline
function rgbRow(y: u32, width: u32, fam: usize, bpc: u32, mask: u32, alpha: u32): i32 {
  const rd = streamRd;
  const corr = corrRgb;
  const row = output + (<usize>(y * width) << 2);
  const first = y == 0;
  /** above + 4 i: the pixel above pixel i; on row 0 the left neighbour instead. */
  const above = first ? row - 4 : row - (<usize>width << 2);
  const runFrom: u32 = first ? 0xffffffff : 3;
  let p = pos;

  // Pixel 0: always in the row's first segment, so with the current wait mask.
  {
    const ctx: u32 = first ? 0 : load<u32>(corr, 4);
    store<u32>(corr, ctx);
    const q: u32 = first ? 0 : load<u32>(above);
    const cR = ctx >>> 16;
    const cG = (ctx >>> 8) & 0xff;
    const cB = ctx & 0xff;
    let c = golomb(window(rd, p), fam, load<u8>(BEST + <usize>cR));
    p += c >>> 16;
    const sR = c & mask;
    c = golomb(window(rd, p), fam, load<u8>(BEST + 256 + <usize>cG));
    p += c >>> 16;
    const sG = c & mask;
    c = golomb(window(rd, p), fam, load<u8>(BEST + 512 + <usize>cB));
    p += c >>> 16;
    const sB = c & mask;
    store<u32>(corr, (sR << 16) | (sG << 8) | sB, 4);
    const r = (residual(sR) + ((q >>> 16) & 0xff)) & mask;
    const g = (residual(sG) + ((q >>> 8) & 0xff)) & mask;
    const b = (residual(sB) + (q & 0xff)) & mask;
    store<u32>(row, alpha | (r << 16) | (g << 8) | b);
    const wait = load<u32>(RGB_STATE, S_WAITCNT);
    if (wait > 0) {
      store<u32>(RGB_STATE, wait - 1, S_WAITCNT);
    } else {
      const wmidx = load<u32>(RGB_STATE, S_WMIDX);
      const seed = (load<u32>(RGB_STATE, S_SEED) + 1) & 0xff;
      store<u32>(RGB_STATE, seed, S_SEED);
      store<u32>(RGB_STATE, <u32>load<u8>(TABRAND + <usize>seed) & ((1 << wmidx) - 1), S_WAITCNT);
      const trigger = load<u32>(WM_TRIGGER + (<usize>wmidx << 2));
      updateModel(fam, bpc, 0, cR, sR, trigger);
      updateModel(fam, bpc, 1, cG, sG, trigger);
      updateModel(fam, bpc, 2, cB, sB, trigger);
    }
  }

  let waitcnt = load<u32>(RGB_STATE, S_WAITCNT);
  let seed = load<u32>(RGB_STATE, S_SEED);
  let wmidx = load<u32>(RGB_STATE, S_WMIDX);
  let wmileft = load<u32>(RGB_STATE, S_WMILEFT);

  let segStart: u32 = 0;
  while (segStart < width) {
    // Segments end where the wait-mask index grows (every WM_INDEX_STEP pixels, up to the max).
    const bump = wmidx < WM_INDEX_MAX && wmileft <= width - segStart;
    const end = bump ? segStart + wmileft : width;
    const wmask: u32 = (1 << wmidx) - 1;
    const trigger = load<u32>(WM_TRIGGER + (<usize>wmidx << 2));
    let i: u32 = segStart > 0 ? segStart : 1;
    let stop = i + waitcnt;
    let runIndex: u32 = 0;
    let runToEnd = false;
    /** Pixel i - 1 and its packed symbols (the context of pixel i). */
    let left = load<u32>(row + (<usize>(i - 1) << 2));
    let ctx = load<u32>(corr + (<usize>i << 2));
    let cR = ctx >>> 16;
    let cG = (ctx >>> 8) & 0xff;
    let cB = ctx & 0xff;

    while (i < end) {
      const q = load<u32>(above + (<usize>i << 2));
      if (
        i >= runFrom &&
        i != runIndex &&
        ((load<u32>(above + (<usize>(i - 1) << 2)) ^ q) & RGB_MASK) == 0 &&
        ((left ^ load<u32>(row + (<usize>(i - 2) << 2))) & RGB_MASK) == 0
      ) {
        // Run mode: a MELCODE run length, then copies of the left pixel. Run pixels leave
        // their context symbols untouched, and the sampling countdown resumes after the run.
        waitcnt = stop - i;
        runIndex = i;
        const run = readRun(p, end - i, RGB_STATE);
        if (run < 0) return ERR_RUN;
        p = pos;
        const runEnd = i + <u32>run;
        for (; i < runEnd; i++) store<u32>(row + (<usize>i << 2), left);
        if (i == end) {
          runToEnd = true;
          break;
        }
        stop = i + waitcnt;
        ctx = load<u32>(corr + (<usize>i << 2));
        cR = ctx >>> 16;
        cG = (ctx >>> 8) & 0xff;
        cB = ctx & 0xff;
        continue;
      }

      // golomb() written out three times. One window serves r and g (2 x 26 bits at most of its
      // 57), and b unless they took more than 31 bits.
      let bits = window(rd, p);
      let l = <u32>load<u8>(BEST + <usize>cR);
      let z = <u32>clz<u64>(bits);
      let code = fam + F_CODE + (<usize>l << 4);
      let lenR: u32;
      let sR: u32;
      if (z < load<u32>(code)) {
        lenR = z + 1 + l;
        sR = <u32>(bits >>> <u64>(64 - lenR)) + ((z - 1) << l);
      } else {
        lenR = load<u32>(code, 8);
        sR = (load<u32>(code, 4) + (<u32>(bits >>> <u64>(64 - lenR)) & load<u32>(code, 12))) & mask;
      }
      bits <<= <u64>lenR;
      l = <u32>load<u8>(BEST + 256 + <usize>cG);
      z = <u32>clz<u64>(bits);
      code = fam + F_CODE + (<usize>l << 4);
      let lenG: u32;
      let sG: u32;
      if (z < load<u32>(code)) {
        lenG = z + 1 + l;
        sG = <u32>(bits >>> <u64>(64 - lenG)) + ((z - 1) << l);
      } else {
        lenG = load<u32>(code, 8);
        sG = (load<u32>(code, 4) + (<u32>(bits >>> <u64>(64 - lenG)) & load<u32>(code, 12))) & mask;
      }
      const len = lenR + lenG;
      bits <<= <u64>lenG;
      if (len > 31) bits = window(rd, p + len);
      l = <u32>load<u8>(BEST + 512 + <usize>cB);
      z = <u32>clz<u64>(bits);
      code = fam + F_CODE + (<usize>l << 4);
      let lenB: u32;
      let sB: u32;
      if (z < load<u32>(code)) {
        lenB = z + 1 + l;
        sB = <u32>(bits >>> <u64>(64 - lenB)) + ((z - 1) << l);
      } else {
        lenB = load<u32>(code, 8);
        sB = (load<u32>(code, 4) + (<u32>(bits >>> <u64>(64 - lenB)) & load<u32>(code, 12))) & mask;
      }
      p += len + lenB;
      const s = (sR << 16) | (sG << 8) | sB;
      store<u32>(corr + (<usize>(i + 1) << 2), s);
      left = alpha | reconstruct(s, left, q, bpc);
      store<u32>(row + (<usize>i << 2), left);

      if (i == stop) {
        updateModel(fam, bpc, 0, cR, sR, trigger);
        updateModel(fam, bpc, 1, cG, sG, trigger);
        updateModel(fam, bpc, 2, cB, sB, trigger);
        seed = (seed + 1) & 0xff;
        stop = i + 1 + (<u32>load<u8>(TABRAND + <usize>seed) & wmask);
      }
      cR = sR;
      cG = sG;
      cB = sB;
      i++;
    }
    // A run that reaches the segment end keeps the countdown it saved at its start.
    if (!runToEnd) waitcnt = stop - end;
    if (bump) {
      wmidx++;
      wmileft = WM_INDEX_STEP;
    } else if (wmidx < WM_INDEX_MAX) {
      wmileft -= end - segStart;
    }
    segStart = end;
  }

  if (p > limit) return ERR_TRUNCATED;
  pos = p;
  store<u32>(RGB_STATE, waitcnt, S_WAITCNT);
  store<u32>(RGB_STATE, seed, S_SEED);
  store<u32>(RGB_STATE, wmidx, S_WMIDX);
  store<u32>(RGB_STATE, wmileft, S_WMILEFT);
  return OK;
}

/**
 * Decodes one 8-bit plane of row y into byte `offset` of each pixel word: the alpha of RGBA (3)
 * or the value of GRAY (0, expanded by grayToBgra). Same structure as rgbRow, with its own
 * sampling state and model slot; pixel 0 is decoded in the first segment.
 */
function planeRow(y: u32, width: u32, offset: usize): i32 {
  const fam = FAM8;
  const rd = streamRd;
  const corr = corrPlane;
  const best = BEST + (<usize>PLANE_SLOT << 8);
  const first = y == 0;
  /** row + 4 i: the byte of pixel i; above + 4 i: its predictor partner (row 0: the left one). */
  const row = output + (<usize>(y * width) << 2) + offset;
  const above = first ? row - 4 : row - (<usize>width << 2);
  const runFrom: u32 = first ? 0xffffffff : 3;
  let p = pos;
  let waitcnt = load<u32>(PLANE_STATE, S_WAITCNT);
  let seed = load<u32>(PLANE_STATE, S_SEED);
  let wmidx = load<u32>(PLANE_STATE, S_WMIDX);
  let wmileft = load<u32>(PLANE_STATE, S_WMILEFT);

  store<u8>(corr, first ? 0 : load<u8>(corr, 1));

  let segStart: u32 = 0;
  while (segStart < width) {
    const bump = wmidx < WM_INDEX_MAX && wmileft <= width - segStart;
    const end = bump ? segStart + wmileft : width;
    const wmask: u32 = (1 << wmidx) - 1;
    const trigger = load<u32>(WM_TRIGGER + (<usize>wmidx << 2));
    let i = segStart;
    let a: u32;
    let stop: u32;
    if (i == 0) {
      const q: u32 = first ? 0 : load<u8>(above);
      const ctx0 = <u32>load<u8>(corr);
      const c = golomb(window(rd, p), fam, load<u8>(best + <usize>ctx0));
      p += c >>> 16;
      const s = c & 0xff;
      store<u8>(corr, <u8>s, 1);
      a = (residual(s) + q) & 0xff;
      store<u8>(row, <u8>a);
      if (waitcnt > 0) {
        waitcnt--;
      } else {
        seed = (seed + 1) & 0xff;
        waitcnt = <u32>load<u8>(TABRAND + <usize>seed) & wmask;
        updateModel(fam, 8, PLANE_SLOT, ctx0, s, trigger);
      }
      i = 1;
      stop = 1 + waitcnt;
    } else {
      a = load<u8>(row + (<usize>(i - 1) << 2));
      stop = i + waitcnt;
    }

    let runIndex: u32 = 0;
    let runToEnd = false;
    let ctx = <u32>load<u8>(corr + <usize>i);
    while (i < end) {
      const at = row + (<usize>i << 2);
      const up = above + (<usize>i << 2);
      const q = <u32>load<u8>(up);
      if (i >= runFrom && i != runIndex && <u32>load<u8>(up - 4) == q && <u32>load<u8>(at - 8) == a) {
        waitcnt = stop - i;
        runIndex = i;
        const run = readRun(p, end - i, PLANE_STATE);
        if (run < 0) return ERR_RUN;
        p = pos;
        const runEnd = i + <u32>run;
        for (; i < runEnd; i++) store<u8>(row + (<usize>i << 2), <u8>a);
        if (i == end) {
          runToEnd = true;
          break;
        }
        stop = i + waitcnt;
        ctx = <u32>load<u8>(corr + <usize>i);
        continue;
      }

      // golomb(), written out.
      const bits = window(rd, p);
      const l = <u32>load<u8>(best + <usize>ctx);
      const z = <u32>clz<u64>(bits);
      const code = fam + F_CODE + (<usize>l << 4);
      let len: u32;
      let s: u32;
      if (z < load<u32>(code)) {
        len = z + 1 + l;
        s = <u32>(bits >>> <u64>(64 - len)) + ((z - 1) << l);
      } else {
        len = load<u32>(code, 8);
        s = (load<u32>(code, 4) + (<u32>(bits >>> <u64>(64 - len)) & load<u32>(code, 12))) & 0xff;
      }
      p += len;
      store<u8>(corr + <usize>i + 1, <u8>s);
      a = (residual(s) + ((a + q) >>> 1)) & 0xff;
      store<u8>(at, <u8>a);
      if (i == stop) {
        updateModel(fam, 8, PLANE_SLOT, ctx, s, trigger);
        seed = (seed + 1) & 0xff;
        stop = i + 1 + (<u32>load<u8>(TABRAND + <usize>seed) & wmask);
      }
      ctx = s;
      i++;
    }
    if (!runToEnd) waitcnt = stop - end;
    if (bump) {
      wmidx++;
      wmileft = WM_INDEX_STEP;
    } else if (wmidx < WM_INDEX_MAX) {
      wmileft -= end - segStart;
    }
    segStart = end;
  }

  if (p > limit) return ERR_TRUNCATED;
  pos = p;
  store<u32>(PLANE_STATE, waitcnt, S_WAITCNT);
  store<u32>(PLANE_STATE, seed, S_SEED);
  store<u32>(PLANE_STATE, wmidx, S_WMIDX);
  store<u32>(PLANE_STATE, wmileft, S_WMILEFT);
  return OK;
}

// ---- Final passes

/** Widens x1r5g5b5 components (held one per byte) to 8 bits: v << 3 | v >> 2, opaque. */
function widen555(n: usize): void {
  const end = output + (n << 2);
  for (let at = output; at < end; at += 4) {
    const v = load<u32>(at);
    const w = (v << 3) & 0xf8f8f8; // each 5-bit lane moved to the top of its byte
    store<u32>(at, OPAQUE | w | ((w >>> 5) & 0x070707));
  }
}

/** Expands the gray value held in each pixel's blue byte to B = G = R = value, opaque. */
function grayToBgra(n: usize): void {
  const end = output + (n << 2);
  for (let at = output; at < end; at += 4) store<u32>(at, OPAQUE | (<u32>load<u8>(at) * 0x010101));
}
