/**
 * Random bytes from the platform's CSPRNG (`crypto.getRandomValues`, which browsers offer in
 * insecure contexts too, unlike `crypto.subtle`). Declared locally: this package compiles
 * against lib ES2022 only.
 */

interface RandomSource {
  getRandomValues(array: Uint8Array): Uint8Array;
}

/** The message of the error thrown when there is no CSPRNG (matched by @saffron/web's explanation). */
export const NO_RANDOM_MESSAGE = "crypto.getRandomValues is not available: no secure random numbers to encrypt the SPICE ticket";

/** `n` bytes from `crypto.getRandomValues`; throws (a plain Error) when the platform has none. */
export function secureRandomBytes(n: number): Uint8Array {
  const source = (globalThis as { crypto?: Partial<RandomSource> }).crypto;
  if (!source || typeof source.getRandomValues !== "function") throw new Error(NO_RANDOM_MESSAGE);
  const out = new Uint8Array(n);
  // getRandomValues fills at most 65536 bytes per call.
  for (let off = 0; off < n; off += 65536) source.getRandomValues(out.subarray(off, Math.min(n, off + 65536)));
  return out;
}
