import { rsaOaepSha1Encrypt } from "../crypto/rsa-oaep-encrypt.js";
import { parseRsaSpki } from "../crypto/spki-rsa.js";
import { SpiceError } from "../wire/errors.js";
import { LinkErr, SPICE_TICKET_BYTES, SPICE_TICKET_PUBKEY_BYTES } from "./link-messages.js";

/**
 * SPICE ticket authentication (protocol-map §2.4): the client encrypts password + NUL with
 * RSA-OAEP (SHA-1, MGF1-SHA1, empty label) under the 1024-bit key from the link reply and
 * sends the 128-byte result. WebCrypto does exactly this in browsers and in Node 20
 * (`globalThis.crypto.subtle`); where there is none (a browser page that is not a secure
 * context) a small BigInt implementation (../crypto/) does the same. The types below are the
 * small part of WebCrypto used here, declared locally because this package compiles against
 * lib ES2022 only.
 */

/** An opaque WebCrypto key. */
export interface CryptoKeyLike {
  readonly type: string;
}

export interface CryptoKeyPairLike {
  readonly publicKey: CryptoKeyLike;
  readonly privateKey: CryptoKeyLike;
}

/** The subset of `SubtleCrypto` this file calls; browsers' and Node's `crypto.subtle` fit it. */
export interface SubtleCryptoLike {
  importKey(format: "spki", keyData: Uint8Array<ArrayBuffer>, algorithm: { name: "RSA-OAEP"; hash: "SHA-1" }, extractable: boolean, keyUsages: ("encrypt" | "decrypt")[]): Promise<CryptoKeyLike>;
  exportKey(format: "spki", key: CryptoKeyLike): Promise<ArrayBuffer>;
  encrypt(algorithm: { name: "RSA-OAEP" }, key: CryptoKeyLike, data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
  decrypt(algorithm: { name: "RSA-OAEP" }, key: CryptoKeyLike, data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
  generateKey(
    algorithm: { name: "RSA-OAEP"; modulusLength: number; publicExponent: Uint8Array<ArrayBuffer>; hash: "SHA-1" },
    extractable: boolean,
    keyUsages: ("encrypt" | "decrypt")[],
  ): Promise<CryptoKeyPairLike>;
}

/** `SPICE_MAX_PASSWORD_LENGTH`: spice-gtk and spice-server refuse longer passwords (UTF-8 bytes). */
export const SPICE_MAX_PASSWORD_LENGTH = 60;

/** The platform's WebCrypto, or undefined when there is none (e.g. a browser page over plain http). */
export function platformSubtle(): SubtleCryptoLike | undefined {
  return (globalThis as { crypto?: { subtle?: SubtleCryptoLike } }).crypto?.subtle;
}

/** The platform's WebCrypto, or an error when there is none (e.g. a browser page over plain http). */
export function defaultSubtle(): SubtleCryptoLike {
  const subtle = platformSubtle();
  if (!subtle) throw new Error("WebCrypto (globalThis.crypto.subtle) is not available; pass a SubtleCrypto explicitly");
  return subtle;
}

/** UTF-8 bytes of a string (lone surrogates become U+FFFD, as TextEncoder does). */
export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** The ticket plaintext: the password's UTF-8 bytes plus a trailing NUL (as spice-gtk and spice-html5 send). */
export function ticketPlaintext(password: string): Uint8Array<ArrayBuffer> {
  const pw = utf8Encode(password);
  if (pw.length > SPICE_MAX_PASSWORD_LENGTH) {
    throw new SpiceError("ERR_SPICE_AUTH", `password is ${pw.length} bytes; SPICE allows at most ${SPICE_MAX_PASSWORD_LENGTH}`);
  }
  const out = new Uint8Array(pw.length + 1);
  out.set(pw);
  return out;
}

const OAEP = { name: "RSA-OAEP" } as const;

/**
 * Encrypts `password` for the link reply's public key, with `subtle` (default: the platform's
 * WebCrypto). Without WebCrypto (`subtle` null, or none on the platform) it uses the built-in
 * RSA-OAEP-SHA1 encryptor, which needs only `crypto.getRandomValues` (a plain Error says so
 * when even that is missing). Errors: ERR_SPICE_AUTH (password too long, or the server sent no
 * key because it wants SASL), ERR_SPICE_MALFORMED (the key is not a usable RSA-1024 SPKI).
 */
export async function encryptTicket(spkiDer: Uint8Array, password: string, subtle: SubtleCryptoLike | null | undefined = platformSubtle()): Promise<Uint8Array> {
  const plain = ticketPlaintext(password);
  if (spkiDer.every((b) => b === 0)) {
    throw new SpiceError("ERR_SPICE_AUTH", "the server sent no ticket key (it expects SASL authentication, which is not supported)");
  }
  return subtle ? encryptWithSubtle(subtle, spkiDer, plain) : encryptPortable(spkiDer, plain);
}

async function encryptWithSubtle(subtle: SubtleCryptoLike, spkiDer: Uint8Array, plain: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  let key: CryptoKeyLike;
  try {
    key = await subtle.importKey("spki", new Uint8Array(spkiDer), { name: "RSA-OAEP", hash: "SHA-1" }, false, ["encrypt"]);
  } catch (cause) {
    throw new SpiceError("ERR_SPICE_MALFORMED", "the server's ticket key is not a valid RSA public key", { cause });
  }
  let out: Uint8Array;
  try {
    out = new Uint8Array(await subtle.encrypt(OAEP, key, plain));
  } catch (cause) {
    throw new SpiceError("ERR_SPICE_MALFORMED", "could not encrypt the ticket with the server's key", { cause });
  }
  checkTicketSize(out.length);
  return out;
}

/** The same encryption without WebCrypto (../crypto/): for browser pages that are not a secure context. */
function encryptPortable(spkiDer: Uint8Array, plain: Uint8Array): Uint8Array {
  let key;
  try {
    key = parseRsaSpki(spkiDer);
  } catch (cause) {
    throw new SpiceError("ERR_SPICE_MALFORMED", "the server's ticket key is not a valid RSA public key", { cause });
  }
  checkTicketSize(key.modulusBytes);
  return rsaOaepSha1Encrypt(key, plain);
}

function checkTicketSize(bytes: number): void {
  if (bytes !== SPICE_TICKET_BYTES) {
    throw new SpiceError("ERR_SPICE_MALFORMED", `the server's ticket key gives ${bytes}-byte tickets; SPICE needs RSA-1024 (${SPICE_TICKET_BYTES} bytes)`);
  }
}

/** The server's per-link ticket key: the 162-byte SPKI it sends, and a decryptor for the 128-byte answer. */
export interface TicketKeyPair {
  readonly publicKeyDer: Uint8Array;
  /** The decrypted ticket; rejects (any error) when the ticket is not a valid encryption. */
  decrypt(ticket: Uint8Array): Promise<Uint8Array>;
}

/** A fresh RSA-1024 (e = 65537) OAEP-SHA1 key pair from WebCrypto, as spice-server makes per link. */
export async function generateTicketKeyPair(subtle: SubtleCryptoLike = defaultSubtle()): Promise<TicketKeyPair> {
  const pair = await subtle.generateKey(
    { name: "RSA-OAEP", modulusLength: 1024, publicExponent: Uint8Array.of(1, 0, 1), hash: "SHA-1" },
    false,
    ["encrypt", "decrypt"],
  );
  const publicKeyDer = new Uint8Array(await subtle.exportKey("spki", pair.publicKey));
  if (publicKeyDer.length !== SPICE_TICKET_PUBKEY_BYTES) {
    throw new Error(`RSA-1024 SPKI is ${publicKeyDer.length} bytes, expected ${SPICE_TICKET_PUBKEY_BYTES}`);
  }
  return {
    publicKeyDer,
    decrypt: async (ticket) => new Uint8Array(await subtle.decrypt(OAEP, pair.privateKey, new Uint8Array(ticket))),
  };
}

/** The password bytes of a decrypted ticket: everything before the first NUL (the NUL is optional). */
export function ticketPasswordBytes(plain: Uint8Array): Uint8Array {
  const nul = plain.indexOf(0);
  return nul < 0 ? plain : plain.subarray(0, nul);
}

/**
 * The server's ticket check. It always decrypts, as spice-server does, so a garbage ticket is
 * refused even with ticketing off (`password` null). Returns the link result to send:
 * LinkErr.Ok or LinkErr.PermissionDenied.
 */
export async function verifyTicket(keyPair: TicketKeyPair, ticket: Uint8Array, password: string | null): Promise<LinkErr> {
  let plain: Uint8Array;
  try {
    plain = await keyPair.decrypt(ticket);
  } catch {
    return LinkErr.PermissionDenied;
  }
  if (password === null) return LinkErr.Ok;
  const got = ticketPasswordBytes(plain);
  const want = utf8Encode(password);
  let diff = got.length ^ want.length;
  for (let i = 0; i < want.length; i++) diff |= want[i]! ^ (got[i] ?? 0);
  return diff === 0 ? LinkErr.Ok : LinkErr.PermissionDenied;
}
