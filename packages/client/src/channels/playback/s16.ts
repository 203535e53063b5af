/**
 * Interleaved little-endian S16 bytes (SPICE audio_fmt S16) as an Int16Array. Copies, so the
 * result is aligned and outlives the received chunk; a trailing odd byte is dropped.
 */
export function s16FromBytes(bytes: Uint8Array): Int16Array {
  const n = bytes.length >> 1;
  const out = new Int16Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 2) out[i] = (bytes[j]! | (bytes[j + 1]! << 8)) << 16 >> 16;
  return out;
}

/** Int16 samples as little-endian bytes (for RECORD DATA). */
export function s16ToBytes(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  for (let i = 0, j = 0; i < samples.length; i++, j += 2) {
    const v = samples[i]!;
    out[j] = v & 0xff;
    out[j + 1] = (v >> 8) & 0xff;
  }
  return out;
}
