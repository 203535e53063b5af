/**
 * Host byte order. Decoded images are B, G, R, A in memory; code that writes whole pixels
 * through a Uint32Array builds its words with `packBgra` so it is right on either order.
 */
export const LITTLE_ENDIAN: boolean = new Uint8Array(new Uint32Array([0x01020304]).buffer)[0] === 0x04;

/** The Uint32 word whose memory bytes are b, g, r, a on this host. */
export function packBgra(b: number, g: number, r: number, a: number): number {
  return LITTLE_ENDIAN
    ? (((a & 255) << 24) | ((r & 255) << 16) | ((g & 255) << 8) | (b & 255)) >>> 0
    : (((b & 255) << 24) | ((g & 255) << 16) | ((r & 255) << 8) | (a & 255)) >>> 0;
}

/** OR this into a host-order BGRA word to make its alpha byte 255. */
export const ALPHA_MASK: number = packBgra(0, 0, 0, 255);

/** A Uint32Array over the same bytes, or null when the view would be misaligned. */
export function u32View(bytes: Uint8Array): Uint32Array | null {
  if (bytes.byteOffset % 4 !== 0 || bytes.length % 4 !== 0) return null;
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
}
