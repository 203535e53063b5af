import { SpiceError } from "../wire/errors.js";

/**
 * The RSA public key in a DER X.509 SubjectPublicKeyInfo (RFC 5280 §4.1, RFC 3279 §2.3.1), as
 * spice-server sends it in the link reply (protocol-map §2.3: 162 bytes for RSA-1024):
 *
 *   SEQUENCE { SEQUENCE { OID 1.2.840.113549.1.1.1, NULL }, BIT STRING { SEQUENCE { INTEGER n, INTEGER e } } }
 *
 * Only this shape is read, with strict DER (definite minimal lengths, minimal positive
 * integers, nothing trailing). Anything else is ERR_SPICE_MALFORMED.
 */
export interface RsaPublicKey {
  readonly modulus: bigint;
  readonly exponent: bigint;
  /** Byte length of the modulus: the size of every ciphertext (128 for RSA-1024). */
  readonly modulusBytes: number;
}

/** Largest modulus accepted, in bytes (RSA-8192): bounds the BigInt work on a hostile key. */
export const MAX_RSA_MODULUS_BYTES = 1024;

const RSA_ENCRYPTION_OID = Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01);
const TAG = { integer: 0x02, bitString: 0x03, null: 0x05, oid: 0x06, sequence: 0x30 } as const;

function malformed(what: string): SpiceError {
  return new SpiceError("ERR_SPICE_MALFORMED", `RSA public key (SPKI DER): ${what}`);
}

/** One DER element: its contents, and where the next element starts. */
function element(der: Uint8Array, pos: number, tag: number, name: string): { body: Uint8Array; end: number } {
  if (pos + 2 > der.length) throw malformed(`${name} is truncated`);
  if (der[pos] !== tag) throw malformed(`${name}: expected tag 0x${tag.toString(16)}, got 0x${der[pos]!.toString(16)}`);
  let len = der[pos + 1]!;
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3) throw malformed(`${name}: unsupported length form`);
    if (start + n > der.length) throw malformed(`${name} length is truncated`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i]!;
    if (der[start] === 0 || len < 0x80) throw malformed(`${name}: non-minimal length`);
    start += n;
  }
  if (start + len > der.length) throw malformed(`${name} is truncated (${len} bytes declared, ${der.length - start} left)`);
  return { body: der.subarray(start, start + len), end: start + len };
}

function noTrailing(body: Uint8Array, end: number, name: string): void {
  if (end !== body.length) throw malformed(`${body.length - end} stray bytes after ${name}`);
}

/** A positive DER INTEGER (minimal two's complement), as a BigInt and its unsigned byte length. */
function positiveInteger(body: Uint8Array, name: string): { value: bigint; bytes: number } {
  if (body.length === 0) throw malformed(`${name} is empty`);
  if (body[0]! & 0x80) throw malformed(`${name} is negative`);
  if (body.length > 1 && body[0] === 0 && !(body[1]! & 0x80)) throw malformed(`${name} is not minimally encoded`);
  const digits = body[0] === 0 ? body.subarray(1) : body;
  let hex = "";
  for (const b of digits) hex += b.toString(16).padStart(2, "0");
  return { value: hex === "" ? 0n : BigInt("0x" + hex), bytes: digits.length };
}

/** Reads the RSA key of a SubjectPublicKeyInfo; errors are SpiceError ERR_SPICE_MALFORMED. */
export function parseRsaSpki(der: Uint8Array): RsaPublicKey {
  const spki = element(der, 0, TAG.sequence, "SubjectPublicKeyInfo");
  noTrailing(der, spki.end, "SubjectPublicKeyInfo");

  const alg = element(spki.body, 0, TAG.sequence, "AlgorithmIdentifier");
  const oid = element(alg.body, 0, TAG.oid, "algorithm OID");
  if (oid.body.length !== RSA_ENCRYPTION_OID.length || oid.body.some((b, i) => b !== RSA_ENCRYPTION_OID[i])) {
    throw malformed("the algorithm is not rsaEncryption");
  }
  // RFC 3279: the parameters MUST be NULL; some encoders leave them out.
  if (oid.end < alg.body.length) {
    const params = element(alg.body, oid.end, TAG.null, "algorithm parameters");
    if (params.body.length !== 0) throw malformed("rsaEncryption parameters are not NULL");
    noTrailing(alg.body, params.end, "AlgorithmIdentifier");
  }

  const bits = element(spki.body, alg.end, TAG.bitString, "subjectPublicKey");
  noTrailing(spki.body, bits.end, "subjectPublicKey");
  if (bits.body.length < 1 || bits.body[0] !== 0) throw malformed("subjectPublicKey has unused bits");
  const keyDer = bits.body.subarray(1);

  const rsa = element(keyDer, 0, TAG.sequence, "RSAPublicKey");
  noTrailing(keyDer, rsa.end, "RSAPublicKey");
  const n = element(rsa.body, 0, TAG.integer, "modulus");
  const e = element(rsa.body, n.end, TAG.integer, "publicExponent");
  noTrailing(rsa.body, e.end, "publicExponent");

  if (n.body.length > MAX_RSA_MODULUS_BYTES + 1) throw malformed(`modulus is over ${MAX_RSA_MODULUS_BYTES * 8} bits`);
  const modulus = positiveInteger(n.body, "modulus");
  const exponent = positiveInteger(e.body, "publicExponent");
  if (modulus.bytes < 64 || (modulus.value & 1n) === 0n) throw malformed("modulus is not an odd number of at least 512 bits");
  if (exponent.value < 3n || (exponent.value & 1n) === 0n || exponent.value >= modulus.value) throw malformed("publicExponent is out of range");
  return { modulus: modulus.value, exponent: exponent.value, modulusBytes: modulus.bytes };
}
