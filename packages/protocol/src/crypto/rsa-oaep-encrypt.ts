import { SpiceError } from "../wire/errors.js";
import { secureRandomBytes } from "./secure-random.js";
import { SHA1_BYTES, sha1 } from "./sha1.js";
import type { RsaPublicKey } from "./spki-rsa.js";

/**
 * RSAES-OAEP encryption (RFC 8017 §7.1.1) with SHA-1, MGF1-SHA1 and an empty label: what the
 * SPICE ticket uses (OpenSSL RSA_PKCS1_OAEP_PADDING). Encrypt only, for platforms without
 * WebCrypto (a browser page that is not a secure context); the arithmetic is BigInt and not
 * constant-time, which is acceptable for a public-key operation on a per-link key.
 */

/** SHA-1 of the empty label. */
const EMPTY_LABEL_HASH = sha1(new Uint8Array(0));

/** Longest message for a `modulusBytes` key: k − 2·hLen − 2 (86 bytes for RSA-1024). */
export function oaepSha1MaxMessage(modulusBytes: number): number {
  return modulusBytes - 2 * SHA1_BYTES - 2;
}

/** MGF1 with SHA-1 (RFC 8017 B.2.1): `length` mask bytes from `seed`. */
export function mgf1Sha1(seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const input = new Uint8Array(seed.length + 4);
  input.set(seed);
  const view = new DataView(input.buffer);
  for (let counter = 0, off = 0; off < length; counter++, off += SHA1_BYTES) {
    view.setUint32(seed.length, counter);
    out.set(sha1(input).subarray(0, Math.min(SHA1_BYTES, length - off)), off);
  }
  return out;
}

/** base^exp mod m, square and multiply. */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = base % m;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

function toBigInt(bytes: Uint8Array): bigint {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex === "" ? 0n : BigInt("0x" + hex);
}

function toBytes(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16).padStart(length * 2, "0");
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * The `key.modulusBytes`-byte OAEP-SHA1 ciphertext of `message`. `random` supplies the 20-byte
 * seed (default: crypto.getRandomValues, which throws when the platform has none). A message
 * too long for the key is ERR_SPICE_MALFORMED (the key is too small).
 */
export function rsaOaepSha1Encrypt(key: RsaPublicKey, message: Uint8Array, random: (n: number) => Uint8Array = secureRandomBytes): Uint8Array {
  const k = key.modulusBytes;
  const max = oaepSha1MaxMessage(k);
  if (message.length > max) {
    throw new SpiceError("ERR_SPICE_MALFORMED", `a ${k * 8}-bit RSA key holds at most ${Math.max(0, max)} bytes with OAEP-SHA1; the message has ${message.length}`);
  }
  // DB = lHash ‖ PS (zeros) ‖ 0x01 ‖ M, k − hLen − 1 bytes.
  const db = new Uint8Array(k - SHA1_BYTES - 1);
  db.set(EMPTY_LABEL_HASH);
  db[db.length - message.length - 1] = 0x01;
  db.set(message, db.length - message.length);

  const seed = random(SHA1_BYTES);
  if (seed.length !== SHA1_BYTES) throw new Error(`the random source gave ${seed.length} bytes, not ${SHA1_BYTES}`);
  const dbMask = mgf1Sha1(seed, db.length);
  for (let i = 0; i < db.length; i++) db[i] ^= dbMask[i]!;
  const seedMask = mgf1Sha1(db, SHA1_BYTES);

  // EM = 0x00 ‖ maskedSeed ‖ maskedDB; as an integer it is below 256^(k−1) ≤ n.
  const em = new Uint8Array(k);
  for (let i = 0; i < SHA1_BYTES; i++) em[1 + i] = seed[i]! ^ seedMask[i]!;
  em.set(db, 1 + SHA1_BYTES);
  return toBytes(modPow(toBigInt(em), key.exponent, key.modulus), k);
}
