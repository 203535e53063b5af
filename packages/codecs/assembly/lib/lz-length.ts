// Shared by lz-encode.ts and lz4-block.ts: the length extension both formats write after a
// length field that is full (LZ's 7-in-3-bits, LZ4's 15-in-4-bits): bytes of 255, then the rest.

/** Writes `len` as that run of 255s and a last byte below 255; returns the next output address. */
// @ts-ignore: decorator
@inline
export function writeLength(op: usize, len: u32): usize {
  if (len >= 255) {
    const k = len / 255;
    memory.fill(op, 255, k);
    op += k;
    len -= k * 255;
  }
  store<u8>(op, <u8>len);
  return op + 1;
}
