import { constants, generateKeyPairSync, privateDecrypt, randomBytes, randomInt, type KeyObject } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SpiceError } from "../wire/errors.js";
import { mgf1Sha1, modPow, oaepSha1MaxMessage, rsaOaepSha1Encrypt } from "./rsa-oaep-encrypt.js";
import { NO_RANDOM_MESSAGE, secureRandomBytes } from "./secure-random.js";
import { parseRsaSpki } from "./spki-rsa.js";

function nodeKey(bits = 1024) {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: bits, publicExponent: 65537 });
  return { key: parseRsaSpki(new Uint8Array(publicKey.export({ type: "spki", format: "der" }))), privateKey };
}

const oaepDecrypt = (privateKey: KeyObject, c: Uint8Array) =>
  new Uint8Array(privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" }, c));
const rawDecrypt = (privateKey: KeyObject, c: Uint8Array) => new Uint8Array(privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, c));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("rsaOaepSha1Encrypt", () => {
  it("node:crypto decrypts it (OAEP, SHA-1) for many random keys and messages of every allowed length", () => {
    let checked = 0;
    for (let k = 0; k < 12; k++) {
      const { key, privateKey } = nodeKey();
      expect(key.modulusBytes).toBe(128);
      for (let i = 0; i < 10; i++) {
        const len = i === 0 ? 0 : i === 1 ? oaepSha1MaxMessage(128) : randomInt(1, 87);
        const msg = new Uint8Array(randomBytes(len));
        const c = rsaOaepSha1Encrypt(key, msg);
        expect(c.length).toBe(128);
        expect(oaepDecrypt(privateKey, c)).toEqual(msg);
        checked++;
      }
    }
    expect(checked).toBe(120);
  });

  it("works for other key sizes (the ticket code itself insists on 1024)", () => {
    for (const bits of [768, 2048]) {
      const { key, privateKey } = nodeKey(bits);
      const msg = new TextEncoder().encode("pässwörd\0");
      const c = rsaOaepSha1Encrypt(key, msg);
      expect(c.length).toBe(bits / 8);
      expect(oaepDecrypt(privateKey, c)).toEqual(msg);
    }
  });

  it("is randomised by the seed: same seed, same ciphertext; fresh seeds differ", () => {
    const { key, privateKey } = nodeKey();
    const msg = new TextEncoder().encode("secret\0");
    const seed = new Uint8Array(20).fill(0x5a);
    const a = rsaOaepSha1Encrypt(key, msg, () => seed);
    const b = rsaOaepSha1Encrypt(key, msg, () => seed);
    expect(a).toEqual(b);
    expect(rsaOaepSha1Encrypt(key, msg)).not.toEqual(rsaOaepSha1Encrypt(key, msg));
    // The encoded message starts with 00 and carries the seed masked by MGF1(maskedDB).
    const em = rawDecrypt(privateKey, a);
    expect(em[0]).toBe(0);
    const seedMask = mgf1Sha1(em.subarray(21), 20);
    expect(em.subarray(1, 21).map((x, i) => x ^ seedMask[i]!)).toEqual(seed);
  });

  it("refuses a message longer than the key holds, and a short random source", () => {
    const { key } = nodeKey();
    expect(() => rsaOaepSha1Encrypt(key, new Uint8Array(87))).toThrow(SpiceError);
    expect(() => rsaOaepSha1Encrypt(key, new Uint8Array(10), () => new Uint8Array(19))).toThrow(/random source/);
  });

  it("fails clearly when the platform has no crypto.getRandomValues", () => {
    const { key } = nodeKey();
    vi.stubGlobal("crypto", undefined);
    expect(() => rsaOaepSha1Encrypt(key, new Uint8Array(1))).toThrow(NO_RANDOM_MESSAGE);
    vi.stubGlobal("crypto", {});
    expect(() => secureRandomBytes(20)).toThrow(/getRandomValues/);
  });
});

describe("helpers", () => {
  it("modPow agrees with repeated multiplication", () => {
    const m = 1_000_000_007n;
    for (const [b, e] of [
      [2n, 10n],
      [123456789n, 65537n],
      [0n, 5n],
      [5n, 0n],
      [m + 3n, 3n],
    ] as const) {
      let want = 1n;
      for (let i = 0n; i < e; i++) want = (want * b) % m;
      expect(modPow(b, e, m)).toBe(want);
    }
  });

  it("mgf1Sha1 is SHA-1 of seed ‖ counter, concatenated", () => {
    const seed = Uint8Array.of(1, 2, 3);
    const mask = mgf1Sha1(seed, 45);
    expect(mask.length).toBe(45);
    // Prefix property: a shorter mask is a prefix of a longer one.
    expect(mgf1Sha1(seed, 20)).toEqual(mask.subarray(0, 20));
    expect(mgf1Sha1(seed, 0).length).toBe(0);
  });

  it("secureRandomBytes fills large requests", () => {
    const r = secureRandomBytes(70_000);
    expect(r.length).toBe(70_000);
    expect(r.subarray(65_536).some((b) => b !== 0)).toBe(true);
  });
});
