import { CODES_PER_BUCKET, type GolombFamily, MAX_BUCKETS, WM_INDEX_STEP } from "./quic-tables.js";

/*
 * The adaptive model shared by the QUIC encoder and decoder (protocol-map §6.1): per-slot bucket
 * counters, the best code of each context, and the sampling/MELCODE state. Both sides must run
 * it identically, so it lives here once.
 *
 * Slots: 0, 1, 2 are r, g, b; PLANE_SLOT is the single-channel plane (alpha of RGBA, or GRAY).
 * `bestByCtx[slot * 256 + ctx]` is the best code of the bucket of context symbol ctx, kept per
 * symbol so the hot loops need no bucket lookup. `counters[(slot * MAX_BUCKETS + bucket) * 8 + l]`
 * is the accumulated cost of code l in that bucket.
 */

export const SLOTS = 4;
export const PLANE_SLOT = 3;

// Layout of the state Int32Array: one CommonState for r/g/b at RGB_STATE, one for the plane at
// PLANE_STATE.
export const RGB_STATE = 0;
export const PLANE_STATE = 8;
export const MODEL_STATE_WORDS = 16;
export const S_WAITCNT = 0;
export const S_SEED = 1;
export const S_WMIDX = 2;
export const S_WMILEFT = 3;
export const S_MEL = 4;

export function newBestByCtx(): Uint8Array {
  return new Uint8Array(SLOTS * 256);
}

export function newCounters(): Int32Array {
  return new Int32Array(SLOTS * MAX_BUCKETS * CODES_PER_BUCKET);
}

/** Resets the model to its per-image start: best code bpc - 1, zero counters, fresh sampling. */
export function resetModel(fam: GolombFamily, bestByCtx: Uint8Array, counters: Int32Array, state: Int32Array): void {
  bestByCtx.fill(fam.bpc - 1);
  counters.fill(0);
  for (let base = RGB_STATE; base <= PLANE_STATE; base += PLANE_STATE - RGB_STATE) {
    state[base + S_WAITCNT] = 0;
    state[base + S_SEED] = 0xff;
    state[base + S_WMIDX] = 0;
    state[base + S_WMILEFT] = WM_INDEX_STEP;
    state[base + S_MEL] = 0;
  }
}

/**
 * Adds the cost of symbol `sym` under every code to the counters of the bucket selected by
 * context `ctx`, and makes the cheapest code (the highest one on ties) the bucket's best code.
 * Halves the bucket's counters when the best cost passes `trigger`.
 */
export function updateModel(
  fam: GolombFamily,
  bestByCtx: Uint8Array,
  counters: Int32Array,
  slot: number,
  ctx: number,
  sym: number,
  trigger: number,
): void {
  const bpc = fam.bpc;
  const codeLen = fam.codeLen;
  const bucket = fam.bucketOf[ctx];
  const c = (slot * MAX_BUCKETS + bucket) * CODES_PER_BUCKET;
  const row = sym * CODES_PER_BUCKET;
  let bestCode = bpc - 1;
  let bestLen = (counters[c + bestCode] += codeLen[row + bestCode]);
  for (let k = bpc - 2; k >= 0; k--) {
    const len = (counters[c + k] += codeLen[row + k]);
    if (len < bestLen) {
      bestLen = len;
      bestCode = k;
    }
  }
  const from = (slot << 8) + fam.bucketStart[bucket];
  if (bestByCtx[from] !== bestCode) {
    const to = (slot << 8) + fam.bucketStart[bucket + 1];
    for (let k = from; k < to; k++) bestByCtx[k] = bestCode;
  }
  if (bestLen > trigger) {
    for (let k = 0; k < bpc; k++) counters[c + k] >>= 1;
  }
}
