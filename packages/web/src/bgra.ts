import type { PixelRect } from "./dirty-rects.js";

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Copies a rect of a B,G,R,X surface (`stride` = width·4) into RGBA bytes for ImageData,
 * with alpha forced to 255 (the desktop is opaque; a canvas would otherwise premultiply and
 * lose colours). `out` holds exactly the rect: (right-left)·(bottom-top)·4 bytes.
 */
export function bgraRectToRgba(src: Uint8Array, srcWidth: number, rect: PixelRect, out: Uint8Array | Uint8ClampedArray): void {
  const w = rect.right - rect.left;
  if (LITTLE_ENDIAN && src.byteOffset % 4 === 0 && out.byteOffset % 4 === 0) {
    const s32 = new Uint32Array(src.buffer, src.byteOffset, src.byteLength >>> 2);
    const d32 = new Uint32Array(out.buffer, out.byteOffset, out.byteLength >>> 2);
    let d = 0;
    for (let y = rect.top; y < rect.bottom; y++) {
      let s = y * srcWidth + rect.left;
      const end = s + w;
      while (s < end) {
        const p = s32[s++]!;
        // memory B G R X (0xXXRRGGBB) -> R G B A (0xAABBGGRR)
        d32[d++] = (p & 0x0000ff00) | ((p >>> 16) & 0xff) | ((p & 0xff) << 16) | 0xff000000;
      }
    }
    return;
  }
  let d = 0;
  for (let y = rect.top; y < rect.bottom; y++) {
    let s = (y * srcWidth + rect.left) * 4;
    for (let x = 0; x < w; x++, s += 4) {
      out[d++] = src[s + 2]!;
      out[d++] = src[s + 1]!;
      out[d++] = src[s]!;
      out[d++] = 255;
    }
  }
}
