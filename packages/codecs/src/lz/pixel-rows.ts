/** Row helpers for turning a decoded pixel array in coded (stream) order into a top-down image. */

/** Reverses the row order of a tightly packed 32-bit image in place. */
export function flipRowsInPlace(px: Uint32Array, width: number, height: number): void {
  const tmp = new Uint32Array(width);
  for (let top = 0, bottom = (height - 1) * width; top < bottom; top += width, bottom -= width) {
    tmp.set(px.subarray(top, top + width));
    px.copyWithin(top, bottom, bottom + width);
    px.set(tmp, bottom);
  }
}

/**
 * Copies `height` rows of `width` pixels from `src` (rows `srcRow` pixels apart, coded order) to
 * the tightly packed `dst`, reversing the row order when `flip` is set.
 */
export function copyRows(src: Uint32Array, srcRow: number, dst: Uint32Array, width: number, height: number, flip: boolean): void {
  if (!flip && srcRow === width) {
    dst.set(src.subarray(0, width * height));
    return;
  }
  for (let y = 0; y < height; y++) {
    const s = (flip ? height - 1 - y : y) * srcRow;
    dst.set(src.subarray(s, s + width), y * width);
  }
}

/** A Uint32Array view of a BGRA byte buffer, or undefined when it is not 4-byte aligned. */
export function wordView(bytes: Uint8Array): Uint32Array | undefined {
  if ((bytes.byteOffset & 3) !== 0) return undefined;
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
}
