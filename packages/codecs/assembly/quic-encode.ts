// AssemblyScript source of src/wasm/quic-encode.wasm.ts (npm run build:wasm -w @saffron/codecs).
//
// The QUIC encoder of src/quic/quic-encoder.ts (protocol-map §6.1) in WebAssembly: the same
// model, sampling and run decisions step for step, so the same stream, byte for byte, for every
// image. src/quic/quic-encode-wasm.ts drives it.
//
// Use: prepare(width, height, chunkRows, type), then for each chunk of rows (top-down, up to
// chunkRows at a time) write them at prepare()'s pointer and call encode_rows(n), then finish().
// The pixels pass through a chunk of a few rows, so they are coded while in cache and the
// memory does not hold the image.
//
// Linear memory: the constant tables and the model live in static data (below __heap_base);
// prepare() lays out the rest from __heap_base and grows the memory to fit (it never shrinks;
// drop the instance to release it):
//   [corrRgb, +4 (width + 1))   per pixel i at index i + 1, the r, g, b symbols of the row being
//                               coded, packed as r << 16 | g << 8 | b (index 0: the "-1" context)
//   [corrPlane, +(width + 1))   the same for the single plane (alpha of RGBA, or GRAY), one byte each
//   [prevRow, +width*4)         the row above the chunk's first (the previous chunk's last)
//   [chunk, +chunkRows*width*4) the chunk's rows, B, G, R, A bytes (0xAARRGGBB words), packed,
//                               written by the caller; encode_rows() rewrites them in place for
//                               RGB16 (5-bit lanes) and GRAY (the B byte moved to the top byte)
//   [output, ...)               the stream's 32-bit words (little-endian); encode_rows() grows
//                               the memory before each row to that row's worst case
//
// Bit writing: `bitbuf` (u64) holds the pending bits right-aligned, `nbits` (< 32 between
// appends) how many. An append of up to 32 bits shifts them in; the 32 oldest pending bits are
// then stored at `wo` whether or not they are complete, and `wo` moves on only when they are
// (nbits >= 32): an incomplete word is rewritten by the next append. No branch per codeword.

// ---- Constant tables, Golomb families, model: lib/quic-model.ts

import { TABRAND, MEL_LEN, MEL_STATE_MAX, WM_TRIGGER, WM_INDEX_MAX, WM_INDEX_STEP, F_CODE_WORD, FAM8, FAM5, BEST, PLANE_SLOT, RGB_STATE, PLANE_STATE, S_WAITCNT, S_SEED, S_WMIDX, S_WMILEFT, S_MEL, TYPE_GRAY, TYPE_RGB16, TYPE_RGBA, resetModel, updateModel } from "./lib/quic-model";

const QUIC_MAGIC: u32 = 0x43495551;
const HEADER_WORDS: u32 = 5;
const RGB_MASK: u32 = 0xffffff;
const RGB_MASK2: u64 = 0x00ffffff00ffffff;

/**
 * Output bytes one row can need at most, per pixel: three codewords of up to 26 bits and a run
 * code of up to 16 bits (94 bits) for r, g, b; 26 + 16 bits for the plane. Plus slack.
 */
const RGB_ROW_BYTES_PER_PIXEL: u64 = 12;
const PLANE_ROW_BYTES_PER_PIXEL: u64 = 8;
const ROW_SLACK_BYTES: u64 = 64;

// ---- Model

/**
 * The model updates of one sampled r, g, b pixel with contexts `ctx` and symbols `s` (packed
 * r << 16 | g << 8 | b). One call per sample, out of the row loops (which keep their registers).
 */
function updateRgb8(ctx: u32, s: u32, trigger: u32): void {
  updateModel(FAM8, 8, 0, ctx >>> 16, s >>> 16, trigger);
  updateModel(FAM8, 8, 1, (ctx >>> 8) & 0xff, (s >>> 8) & 0xff, trigger);
  updateModel(FAM8, 8, 2, ctx & 0xff, s & 0xff, trigger);
}

function updateRgb5(ctx: u32, s: u32, trigger: u32): void {
  updateModel(FAM5, 5, 0, ctx >>> 16, s >>> 16, trigger);
  updateModel(FAM5, 5, 1, (ctx >>> 8) & 0xff, (s >>> 8) & 0xff, trigger);
  updateModel(FAM5, 5, 2, ctx & 0xff, s & 0xff, trigger);
}

/** The model update of one sampled plane pixel. */
function updatePlane(ctx: u32, s: u32, trigger: u32): void {
  updateModel(FAM8, 8, PLANE_SLOT, ctx, s, trigger);
}

// ---- Layout and state of the current image (set by prepare, encode_rows and finish)

let corrRgb: usize = 0;
let corrPlane: usize = 0;
/** The row before the chunk (the last one of the previous chunk), then the chunk's rows. */
let prevRow: usize = 0;
let chunk: usize = 0;
let output: usize = 0;
let imageWidth: u32 = 0;
let imageType: u32 = 0;
/** The next row to code. */
let nextRow: u32 = 0;

/** The bit writer between rows (see the file comment): next word address, pending bits. */
let wo: usize = 0;
let bitbuf: u64 = 0;
let nbits: u32 = 0;

/** Makes the memory reach `end` (an address); false when it cannot grow that far. */
function reserve(end: u64): bool {
  const have: u64 = <u64>memory.size() << 16;
  if (end <= have) return true;
  // Grow by half the current size at least, so a long stream grows the memory a few times only.
  const want = max<u64>(end, have + (have >> 1));
  let pages = (want - have + 0xffff) >> 16;
  if (have + (pages << 16) > (<u64>65536 << 16)) pages = (end - have + 0xffff) >> 16;
  if (have + (pages << 16) > (<u64>65536 << 16)) return false;
  if (memory.grow(<i32>pages) >= 0) return true;
  pages = (end - have + 0xffff) >> 16;
  return memory.grow(<i32>pages) >= 0;
}

/**
 * Starts a QUIC stream of `type` for a width x height image whose rows the caller passes in
 * chunks of up to `chunkRows` rows: lays out the memory, grows it to fit the chunk and a first
 * share of the output, and writes the header. Returns where the caller writes each chunk (its
 * rows packed, width * 4 bytes each), or 0 when the memory cannot grow that far or the type is
 * unknown.
 */
export function prepare(width: u32, height: u32, chunkRows: u32, type: u32): usize {
  if (type < TYPE_GRAY || type > TYPE_RGBA) return 0;
  const rowBytes: u64 = <u64>width << 2;
  const corrR: u64 = (<u64>__heap_base + 15) & ~(<u64>15);
  const corrA: u64 = corrR + ((<u64>width + 1) << 2);
  const prev: u64 = (corrA + <u64>width + 1 + 15) & ~(<u64>15);
  const out: u64 = (prev + rowBytes * (<u64>chunkRows + 1) + 15) & ~(<u64>15);
  // The header, a quarter word per pixel (as the JS encoder starts) and the first row's worst case.
  const first: u64 = out + ((<u64>HEADER_WORDS + 2) << 2) + <u64>width * <u64>height + <u64>width * 20 + 2 * ROW_SLACK_BYTES;
  if (!reserve(first)) return 0;
  corrRgb = <usize>corrR;
  corrPlane = <usize>corrA;
  prevRow = <usize>prev;
  chunk = <usize>(prev + rowBytes);
  output = <usize>out;
  imageWidth = width;
  imageType = type;
  nextRow = 0;

  resetModel(type == TYPE_RGB16 ? 5 : 8);
  store<u32>(output, QUIC_MAGIC);
  store<u32>(output, 0, 4);
  store<u32>(output, type, 8);
  store<u32>(output, width, 12);
  store<u32>(output, height, 16);
  wo = output + (<usize>HEADER_WORDS << 2);
  bitbuf = 0;
  nbits = 0;
  return chunk;
}

/**
 * Codes the n rows the caller wrote at prepare()'s pointer (the next n rows of the image).
 * Returns false when the memory cannot grow to their stream.
 */
export function encode_rows(n: u32): bool {
  const width = imageWidth;
  const type = imageType;
  const rowBytes = <usize>width << 2;
  const end = chunk + rowBytes * n;
  if (type == TYPE_RGB16) {
    // The top 5 bits of B, G, R, in the low bits of their bytes.
    for (let at = chunk; at < end; at += 4) store<u32>(at, (load<u32>(at) >>> 3) & 0x1f1f1f);
  } else if (type == TYPE_GRAY) {
    // The B byte as the top byte: the plane coder's.
    for (let at = chunk; at < end; at += 4) store<u32>(at, load<u32>(at) << 24);
  }
  const rgb = type != TYPE_GRAY;
  const plane = type == TYPE_RGBA || type == TYPE_GRAY;
  const worst: u64 =
    (rgb ? RGB_ROW_BYTES_PER_PIXEL * <u64>width : 0) + (plane ? PLANE_ROW_BYTES_PER_PIXEL * <u64>width : 0) + 2 * ROW_SLACK_BYTES;
  for (let row = chunk; row < end; row += rowBytes) {
    if (!reserve(<u64>wo + worst)) return false;
    const first = nextRow == 0;
    if (type == TYPE_RGB16) rgbRow5(row, first, width);
    else if (rgb) rgbRow8(row, first, width);
    if (plane) planeRow(row, first, width);
    nextRow++;
  }
  // The chunk's last row is the one above the next chunk's first.
  memory.copy(prevRow, end - rowBytes, rowBytes);
  return true;
}

/** Ends the stream after the last row; returns its length in bytes (at output_ptr()), 0 when out of memory. */
export function finish(): u32 {
  // The partly filled word, zero-padded, then one zero word.
  if (!reserve(<u64>wo + 16)) return 0;
  let w = wo;
  if (nbits > 0) {
    store<u32>(w, <u32>(bitbuf << <u64>(32 - nbits)));
    w += 4;
  }
  store<u32>(w, 0);
  w += 4;
  return <u32>(w - output);
}

/** Where the stream is. */
export function output_ptr(): usize {
  return output;
}

// ---- Bit writing

/** Writes the low `len` (0..32) bits of `bits` (no bits above them), at `w`; returns the new `w`. */
// @ts-ignore: decorator
@inline
function put(w: usize, bits: u32, len: u32): usize {
  const b = (bitbuf << <u64>len) | <u64>bits;
  const n = nbits + len;
  store<u32>(w, <u32>(b >>> <u64>((n - 32) & 63)));
  bitbuf = b;
  nbits = n & 31;
  return w + (<usize>(n >>> 5) << 2);
}

/**
 * Writes a MELCODE run length with the MELCODE state at `st`: a 1 bit for each whole
 * 2^J[state] taken off the run (moving the state up), then a 0 bit and the rest in J[state]
 * bits; the state then moves one step down. Returns the new `w`.
 */
function putRun(w: usize, run: u32, st: usize): usize {
  let mel = load<u32>(st, S_MEL);
  let hits: u32 = 0;
  while (true) {
    const order: u32 = 1 << load<u8>(MEL_LEN + <usize>mel);
    if (run < order) break;
    run -= order;
    hits++;
    if (mel < MEL_STATE_MAX) mel++;
  }
  while (hits > 0) {
    const k = min<u32>(hits, 24);
    w = put(w, (1 << k) - 1, k);
    hits -= k;
  }
  w = put(w, run, <u32>load<u8>(MEL_LEN + <usize>mel) + 1);
  if (mel > 0) mel--;
  store<u32>(st, mel, S_MEL);
  return w;
}

// ---- Rows

function rgbRow8(row: usize, first: bool, width: u32): void {
  rgbRow(row, first, width, FAM8, 8, 0xff);
}

function rgbRow5(row: usize, first: bool, width: u32): void {
  rgbRow(row, first, width, FAM5, 5, 0x1f);
}

/**
 * The three channels' symbols of pixel v predicted from its left neighbour and the pixel above
 * q, one byte lane each (SWAR, as in the JS encoder): the lane average floor((a + b) / 2) is
 * (a & b) + ((a ^ b) >> 1), the lane difference is taken with the top bits apart so no borrow
 * crosses a lane, and the folding (0, -1, +1, -2, ... as 0, 1, 2, 3, ...) is
 * (d << 1) ^ (d < 0 ? all ones : 0) per lane. 5-bit lanes for RGB16, taken mod 32.
 */
// @ts-ignore: decorator
@inline
function symbols(v: u32, left: u32, q: u32, bpc: u32): u32 {
  if (bpc == 8) {
    const avg = (left & q) + (((left ^ q) >>> 1) & 0x7f7f7f);
    const d = ((v | 0x808080) - (avg & 0x7f7f7f)) ^ ((v ^ ~avg) & 0x808080);
    const neg = (d >>> 7) & 0x010101;
    return ((d << 1) & 0xfefefe) ^ ((neg << 8) - neg);
  }
  const avg = (left & q & 0x1f1f1f) + (((left ^ q) >>> 1) & 0x0f0f0f);
  const d = ((v | 0x808080) - avg) & 0x1f1f1f;
  const neg = (d >>> 4) & 0x010101;
  return ((d << 1) & 0x1e1e1e) ^ ((neg << 5) - neg);
}

/** The folded symbol of a residual (mod 2^bpc, masked by `mask`). */
// @ts-ignore: decorator
@inline
function toSymbol(r: u32, mask: u32): u32 {
  // r in 0..mask: r <= mask/2 is a residual >= 0 (symbol 2r), else r - 2^bpc < 0 (symbol 2(mask - r) + 1).
  return r <= mask >>> 1 ? r << 1 : ((mask - r) << 1) | 1;
}

/** The codeword of symbol s with code l, as bits | length << 8. */
// @ts-ignore: decorator
@inline
function codeWord(fam: usize, s: u32, l: u32): u32 {
  return <u32>load<u16>(fam + F_CODE_WORD + (<usize>((s << 3) | l) << 1));
}

/**
 * Codes the r, g, b components of row y. Row 0 predicts from the left neighbour only (the
 * pixel "above" is the left one); pixel 0 of a row is predicted from the pixel above (0 on
 * row 0) and takes its context from the previous row's pixel 0. Runs are only tried on later
 * rows. Inlined into rgbRow8 and rgbRow5, so the family is a constant there.
 */
// @ts-ignore: decorator
@inline
function rgbRow(row: usize, first: bool, width: u32, fam: usize, bpc: u32, mask: u32): void {
  const corr = corrRgb;
  const above = first ? row - 4 : row - (<usize>width << 2);
  const runFrom: u32 = first ? 0xffffffff : 3;
  let w = wo;

  // Pixel 0: always in the row's first segment, so with the current wait mask.
  {
    const ctx: u32 = first ? 0 : load<u32>(corr, 4);
    store<u32>(corr, ctx);
    const cR = ctx >>> 16;
    const cG = (ctx >>> 8) & 0xff;
    const cB = ctx & 0xff;
    const v = load<u32>(row);
    const q: u32 = first ? 0 : load<u32>(above);
    const sR = toSymbol((((v >>> 16) & 0xff) - ((q >>> 16) & 0xff)) & mask, mask);
    const sG = toSymbol((((v >>> 8) & 0xff) - ((q >>> 8) & 0xff)) & mask, mask);
    const sB = toSymbol(((v & 0xff) - (q & 0xff)) & mask, mask);
    let c = codeWord(fam, sR, load<u8>(BEST + <usize>cR));
    w = put(w, c & 0xff, c >>> 8);
    c = codeWord(fam, sG, load<u8>(BEST + 256 + <usize>cG));
    w = put(w, c & 0xff, c >>> 8);
    c = codeWord(fam, sB, load<u8>(BEST + 512 + <usize>cB));
    w = put(w, c & 0xff, c >>> 8);
    store<u32>(corr, (sR << 16) | (sG << 8) | sB, 4);
    const wait = load<u32>(RGB_STATE, S_WAITCNT);
    if (wait > 0) {
      store<u32>(RGB_STATE, wait - 1, S_WAITCNT);
    } else {
      const wmidx = load<u32>(RGB_STATE, S_WMIDX);
      const seed = (load<u32>(RGB_STATE, S_SEED) + 1) & 0xff;
      store<u32>(RGB_STATE, seed, S_SEED);
      store<u32>(RGB_STATE, <u32>load<u8>(TABRAND + <usize>seed) & ((1 << wmidx) - 1), S_WAITCNT);
      const trigger = load<u32>(WM_TRIGGER + (<usize>wmidx << 2));
      if (bpc == 8) updateRgb8(ctx, (sR << 16) | (sG << 8) | sB, trigger);
      else updateRgb5(ctx, (sR << 16) | (sG << 8) | sB, trigger);
    }
  }

  let waitcnt = load<u32>(RGB_STATE, S_WAITCNT);
  let seed = load<u32>(RGB_STATE, S_SEED);
  let wmidx = load<u32>(RGB_STATE, S_WMIDX);
  let wmileft = load<u32>(RGB_STATE, S_WMILEFT);
  let b = bitbuf;
  let nb = nbits;

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
    let left = load<u32>(row + (<usize>(i - 1) << 2));
    // Context: the previous pixel's packed symbols (stale ones after a run, as in the reference).
    let ctx = load<u32>(corr + (<usize>i << 2));

    while (i < end) {
      const q = load<u32>(above + (<usize>i << 2));
      if (
        i >= runFrom &&
        i != runIndex &&
        ((load<u32>(above + (<usize>(i - 1) << 2)) ^ q) & RGB_MASK) == 0 &&
        ((left ^ load<u32>(row + (<usize>(i - 2) << 2))) & RGB_MASK) == 0
      ) {
        // Run mode: count the pixels equal to the left one (maybe none), up to the segment end.
        waitcnt = stop - i;
        runIndex = i;
        let j = row + (<usize>i << 2);
        const e = row + (<usize>end << 2);
        const left2 = (<u64>left << 32) | <u64>left;
        while (j + 8 <= e && ((load<u64>(j) ^ left2) & RGB_MASK2) == 0) j += 8;
        while (j < e && ((load<u32>(j) ^ left) & RGB_MASK) == 0) j += 4;
        const j2 = <u32>((j - row) >>> 2);
        bitbuf = b;
        nbits = nb;
        w = putRun(w, j2 - i, RGB_STATE);
        b = bitbuf;
        nb = nbits;
        i = j2;
        if (i == end) {
          runToEnd = true;
          break;
        }
        stop = i + waitcnt;
        ctx = load<u32>(corr + (<usize>i << 2));
        continue;
      }

      const v = load<u32>(row + (<usize>i << 2));
      const s = symbols(v, left, q, bpc);
      const nR = s >>> 16;
      const nG = (s >>> 8) & 0xff;
      const nB = s & 0xff;
      const cR = ctx >>> 16;
      const cG = (ctx >>> 8) & 0xff;
      const cB = ctx & 0xff;
      const kR = codeWord(fam, nR, load<u8>(BEST + <usize>cR));
      const kG = codeWord(fam, nG, load<u8>(BEST + 256 + <usize>cG));
      const kB = codeWord(fam, nB, load<u8>(BEST + 512 + <usize>cB));
      store<u32>(corr + (<usize>(i + 1) << 2), s);
      const lR = kR >>> 8;
      const lG = kG >>> 8;
      const lB = kB >>> 8;
      const len = lR + lG + lB;
      if (len <= 32) {
        // The three codewords as one (the common case).
        const bits = ((((kR & 0xff) << lG) | (kG & 0xff)) << lB) | (kB & 0xff);
        b = (b << <u64>len) | <u64>bits;
        nb += len;
        store<u32>(w, <u32>(b >>> <u64>((nb - 32) & 63)));
        w += <usize>(nb >>> 5) << 2;
        nb &= 31;
      } else {
        // Three appends of at most 26 bits each.
        b = (b << <u64>lR) | <u64>(kR & 0xff);
        nb += lR;
        store<u32>(w, <u32>(b >>> <u64>((nb - 32) & 63)));
        w += <usize>(nb >>> 5) << 2;
        nb &= 31;
        b = (b << <u64>lG) | <u64>(kG & 0xff);
        nb += lG;
        store<u32>(w, <u32>(b >>> <u64>((nb - 32) & 63)));
        w += <usize>(nb >>> 5) << 2;
        nb &= 31;
        b = (b << <u64>lB) | <u64>(kB & 0xff);
        nb += lB;
        store<u32>(w, <u32>(b >>> <u64>((nb - 32) & 63)));
        w += <usize>(nb >>> 5) << 2;
        nb &= 31;
      }
      left = v;
      if (i == stop) {
        if (bpc == 8) updateRgb8(ctx, s, trigger);
        else updateRgb5(ctx, s, trigger);
        seed = (seed + 1) & 0xff;
        stop = i + 1 + (<u32>load<u8>(TABRAND + <usize>seed) & wmask);
      }
      ctx = s;
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

  bitbuf = b;
  nbits = nb;
  wo = w;
  store<u32>(RGB_STATE, waitcnt, S_WAITCNT);
  store<u32>(RGB_STATE, seed, S_SEED);
  store<u32>(RGB_STATE, wmidx, S_WMIDX);
  store<u32>(RGB_STATE, wmileft, S_WMILEFT);
}

/**
 * Codes the plane (the top byte of each pixel word: alpha of RGBA, the value of GRAY) of row y,
 * with its own sampling state, MELCODE state and model slot. Same structure as rgbRow; pixel 0
 * is coded in the first segment.
 */
function planeRow(pixels: usize, first: bool, width: u32): void {
  const fam = FAM8;
  const corr = corrPlane;
  const best = BEST + (<usize>PLANE_SLOT << 8);
  /** row + 4 i: the plane byte (the top one) of pixel i; above + 4 i: its predictor partner (row 0: the left one). */
  const row = pixels + 3;
  const above = first ? row - 4 : row - (<usize>width << 2);
  const runFrom: u32 = first ? 0xffffffff : 3;
  let w = wo;
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
    let stop: u32;
    if (i == 0) {
      const q: u32 = first ? 0 : load<u8>(above);
      const ctx0 = <u32>load<u8>(corr);
      const s = toSymbol((<u32>load<u8>(row) - q) & 0xff, 0xff);
      const c = codeWord(fam, s, load<u8>(best + <usize>ctx0));
      w = put(w, c & 0xff, c >>> 8);
      store<u8>(corr, <u8>s, 1);
      if (waitcnt > 0) {
        waitcnt--;
      } else {
        seed = (seed + 1) & 0xff;
        waitcnt = <u32>load<u8>(TABRAND + <usize>seed) & wmask;
        updatePlane(ctx0, s, trigger);
      }
      i = 1;
      stop = 1 + waitcnt;
    } else {
      stop = i + waitcnt;
    }

    let runIndex: u32 = 0;
    let runToEnd = false;
    let a = <u32>load<u8>(row + (<usize>(i - 1) << 2));
    let ctx = <u32>load<u8>(corr + <usize>i);
    while (i < end) {
      const at = row + (<usize>i << 2);
      const up = above + (<usize>i << 2);
      const q = <u32>load<u8>(up);
      if (i >= runFrom && i != runIndex && <u32>load<u8>(up - 4) == q && <u32>load<u8>(at - 8) == a) {
        waitcnt = stop - i;
        runIndex = i;
        let j = i;
        while (j < end && <u32>load<u8>(row + (<usize>j << 2)) == a) j++;
        w = putRun(w, j - i, PLANE_STATE);
        i = j;
        if (i == end) {
          runToEnd = true;
          break;
        }
        stop = i + waitcnt;
        ctx = <u32>load<u8>(corr + <usize>i);
        continue;
      }

      const v = <u32>load<u8>(at);
      const s = toSymbol((v - ((a + q) >>> 1)) & 0xff, 0xff);
      const c = codeWord(fam, s, load<u8>(best + <usize>ctx));
      w = put(w, c & 0xff, c >>> 8);
      store<u8>(corr + <usize>i + 1, <u8>s);
      a = v;
      if (i == stop) {
        updatePlane(ctx, s, trigger);
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

  wo = w;
  store<u32>(PLANE_STATE, waitcnt, S_WAITCNT);
  store<u32>(PLANE_STATE, seed, S_SEED);
  store<u32>(PLANE_STATE, wmidx, S_WMIDX);
  store<u32>(PLANE_STATE, wmileft, S_WMILEFT);
}
