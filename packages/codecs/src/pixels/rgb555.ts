import { packBgra } from "./byte-order.js";

/**
 * 5-bit to 8-bit channel expansion by bit replication, (v << 3) | (v >> 2): 0 -> 0, 31 -> 255.
 * This is spice-common canvas_base.c `canvas_16bpp_to_32bpp` and pixman's x1r5g5b5 expansion.
 */
export function expand5(v: number): number {
  return ((v << 3) | (v >>> 2)) & 0xff;
}

/** x1r5g5b5 pixel (bit 15 ignored) to a host-order BGRA word with alpha 255. */
export function rgb555ToBgraWord(pixel: number): number {
  return packBgra(expand5(pixel & 0x1f), expand5((pixel >>> 5) & 0x1f), expand5((pixel >>> 10) & 0x1f), 255);
}

let table: Uint32Array | undefined;

/** Lookup table, index = 15-bit x1r5g5b5 value, entry = host-order BGRA word (built once, 128 KiB). */
export function rgb555Table(): Uint32Array {
  if (!table) {
    const t = new Uint32Array(32768);
    for (let p = 0; p < 32768; p++) t[p] = rgb555ToBgraWord(p);
    table = t;
  }
  return table;
}
