import { LITTLE_ENDIAN, u32View } from "./byte-order.js";

/**
 * Swaps bytes 0 and 2 of every 4-byte pixel: BGRA <-> RGBA. `dst` may be `src` (in place).
 * Works a Uint32 word at a time when both buffers are 4-byte aligned.
 */
export function swapRedBlue(src: Uint8Array, dst: Uint8Array = src): Uint8Array {
  const n = src.length & ~3;
  if (dst.length < n) throw new RangeError(`destination too small: ${dst.length} < ${n}`);
  const s32 = u32View(src.subarray(0, n));
  const d32 = u32View(dst.subarray(0, n));
  if (s32 && d32) {
    const count = s32.length;
    if (LITTLE_ENDIAN) {
      for (let i = 0; i < count; i++) {
        const w = s32[i];
        d32[i] = (w & 0xff00ff00) | ((w >>> 16) & 0xff) | ((w & 0xff) << 16);
      }
    } else {
      for (let i = 0; i < count; i++) {
        const w = s32[i];
        d32[i] = (w & 0x00ff00ff) | ((w >>> 16) & 0xff00) | ((w & 0xff00) << 16);
      }
    }
    return dst;
  }
  for (let i = 0; i < n; i += 4) {
    const b0 = src[i];
    const b1 = src[i + 1];
    const b2 = src[i + 2];
    const b3 = src[i + 3];
    dst[i] = b2;
    dst[i + 1] = b1;
    dst[i + 2] = b0;
    dst[i + 3] = b3;
  }
  return dst;
}

/** BGRA (decoded image order) to RGBA (canvas ImageData order). `dst` may be `src`. */
export function bgraToRgba(src: Uint8Array, dst: Uint8Array = src): Uint8Array {
  return swapRedBlue(src, dst);
}

/** RGBA to BGRA. `dst` may be `src`. */
export function rgbaToBgra(src: Uint8Array, dst: Uint8Array = src): Uint8Array {
  return swapRedBlue(src, dst);
}
