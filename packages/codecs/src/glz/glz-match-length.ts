/**
 * Match extension for the GLZ encoder: how far two pixel strings of the dictionary's arena agree
 * on B, G, R (byte 3 is not compared). Both compare two pixels at a time through a 64-bit view of
 * the same memory when the two positions have the same parity (always so for a run, and for a
 * reference whose distance is even: the row above in an even-width image, the same place in an
 * earlier image of the same size). Equal 64-bit words are equal pixels; unequal ones are then
 * checked pixel by pixel, as they may differ in byte 3 only.
 */

/**
 * Number of pixels, up to max, from a[i] on that equal (on B, G, R) a[i - 1], where
 * a[i - 3 .. i - 1] already are equal: compared two at a time against a pair of the run.
 */
export function runLength(a: Int32Array, w: BigInt64Array, i: number, max: number): number {
  const stop = i + max;
  let p = i;
  if ((p & 1) !== 0) {
    if (p >= stop || ((a[p] ^ a[p - 1]) << 8) !== 0) return 0;
    p++;
  }
  let wp = p >> 1;
  const wEnd = stop >> 1;
  // Pixels p - 2 and p - 1, both in the run.
  const pair = w[wp - 1];
  while (wp < wEnd - 3 && w[wp] === pair && w[wp + 1] === pair && w[wp + 2] === pair && w[wp + 3] === pair) wp += 4;
  for (; wp < wEnd; wp++) {
    if (w[wp] !== pair) {
      p = wp << 1;
      const v = a[p - 1];
      if (((a[p] ^ v) << 8) !== 0) return p - i;
      if (((a[p + 1] ^ v) << 8) !== 0) return p + 1 - i;
    }
  }
  p = wp << 1;
  while (p < stop && ((a[p] ^ a[p - 1]) << 8) === 0) p++;
  return p - i;
}

/**
 * Number of pixels, up to max, from a[i] on that equal (on B, G, R) those from a[j] on. `w` views
 * the same memory as pixel pairs: when i and j have the same parity the pixels are compared two
 * at a time (equal 64-bit words are equal pixels; unequal ones are then checked pixel by pixel,
 * as they may differ in byte 3 only).
 */
export function matchLength(a: Int32Array, w: BigInt64Array, i: number, j: number, max: number): number {
  const stop = i + max;
  let p = i;
  if (((i ^ j) & 1) === 0) {
    if ((p & 1) !== 0) {
      if (p >= stop || ((a[p] ^ a[j]) << 8) !== 0) return 0;
      p++;
    }
    // Pairs wp, wp + 1, ... against wp + d, ...
    const d = (j - i) >> 1;
    let wp = p >> 1;
    const wEnd = stop >> 1;
    while (wp < wEnd - 3 && w[wp] === w[wp + d] && w[wp + 1] === w[wp + 1 + d] && w[wp + 2] === w[wp + 2 + d] && w[wp + 3] === w[wp + 3 + d]) wp += 4;
    for (; wp < wEnd; wp++) {
      if (w[wp] !== w[wp + d]) {
        p = wp << 1;
        if (((a[p] ^ a[p + 2 * d]) << 8) !== 0) return p - i;
        if (((a[p + 1] ^ a[p + 1 + 2 * d]) << 8) !== 0) return p + 1 - i;
      }
    }
    p = wp << 1;
  }
  const q = j - i;
  while (p < stop && ((a[p] ^ a[p + q]) << 8) === 0) p++;
  return p - i;
}
