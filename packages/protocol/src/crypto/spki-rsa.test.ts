import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SpiceError } from "../wire/errors.js";
import { parseRsaSpki } from "./spki-rsa.js";

function nodeRsa(bits: number, publicExponent = 65537) {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: bits, publicExponent });
  const der = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  const jwk = publicKey.export({ format: "jwk" });
  const big = (b64url: string) => BigInt("0x" + Buffer.from(b64url, "base64url").toString("hex"));
  return { der, n: big(jwk.n!), e: big(jwk.e!) };
}

function malformed(der: Uint8Array): SpiceError {
  try {
    parseRsaSpki(der);
  } catch (e) {
    expect(e).toBeInstanceOf(SpiceError);
    expect((e as SpiceError).code).toBe("ERR_SPICE_MALFORMED");
    return e as SpiceError;
  }
  throw new Error("parsed");
}

const hexBytes = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s/g, ""), "hex"));

describe("parseRsaSpki", () => {
  it("reads the 162-byte RSA-1024 key spice-server sends (as made by Node / OpenSSL)", () => {
    for (let i = 0; i < 5; i++) {
      const k = nodeRsa(1024);
      expect(k.der.length).toBe(162);
      expect(parseRsaSpki(k.der)).toEqual({ modulus: k.n, exponent: 65537n, modulusBytes: 128 });
    }
  });

  it("reads other sizes and exponents", () => {
    const k2048 = nodeRsa(2048);
    expect(parseRsaSpki(k2048.der)).toEqual({ modulus: k2048.n, exponent: 65537n, modulusBytes: 256 });
    const e3 = nodeRsa(1024, 3);
    expect(parseRsaSpki(e3.der)).toEqual({ modulus: e3.n, exponent: 3n, modulusBytes: 128 });
  });

  it("accepts absent algorithm parameters (instead of NULL)", () => {
    const { der, n } = nodeRsa(1024);
    // 30 81 9f | 30 0d 06 09 <oid> 05 00 | 03 81 8d ... → drop the NULL, fix both lengths.
    const without = new Uint8Array(der.length - 2);
    without.set([0x30, 0x81, 0x9d, 0x30, 0x0b]);
    without.set(der.subarray(5, 16), 5);
    without.set(der.subarray(18), 16);
    expect(parseRsaSpki(without).modulus).toBe(n);
  });

  it("refuses empty, truncated, padded or altered keys with ERR_SPICE_MALFORMED", () => {
    const { der } = nodeRsa(1024);
    malformed(new Uint8Array(0));
    malformed(new Uint8Array(162));
    malformed(new Uint8Array(162).fill(0x30));
    for (let len = 0; len < der.length; len++) malformed(der.subarray(0, len));
    malformed(Uint8Array.from([...der, 0]));
    // Non-rsaEncryption algorithm (an EC key).
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "der" });
    expect(malformed(new Uint8Array(ec)).message).toMatch(/rsaEncryption/);
    // Unused bits in the BIT STRING.
    const unused = der.slice();
    unused[21] = 1;
    expect(malformed(unused).message).toMatch(/unused bits/);
    // Non-minimal long-form length (81 05 instead of 05) cannot even keep the same size: just check the form.
    expect(malformed(hexBytes("30 82 00 05 30 03 06 01 00")).message).toMatch(/non-minimal length/);
    // Indefinite length.
    expect(malformed(hexBytes("30 80 00 00")).message).toMatch(/length form/);
  });

  it("checks the numbers: positive minimal integers, odd modulus of 512+ bits, 3 ≤ e < n odd", () => {
    const { der } = nodeRsa(1024);
    // der[28] is the modulus's leading 00 (02 81 81 00 ...), der[29] its first real byte.
    expect(der[28]).toBe(0);
    const negative = der.slice();
    negative[28] = 0xff;
    expect(malformed(negative).message).toMatch(/negative/);
    const even = der.slice();
    even[156] &= 0xfe;
    expect(malformed(even).message).toMatch(/odd/);
    const evenE = der.slice();
    evenE[161] = 0x00; // 65537 → 65536
    expect(malformed(evenE).message).toMatch(/publicExponent/);
    const eOne = der.slice();
    eOne.set([0x00, 0x00, 0x01], 159);
    expect(malformed(eOne).message).toMatch(/not minimally encoded|out of range/);
    // A 256-bit key is refused as too small.
    const tiny = hexBytes(
      "30 3c 30 0d 06 09 2a 86 48 86 f7 0d 01 01 01 05 00 03 2b 00 30 28 02 21 00" + "c7".repeat(31) + "c5" + " 02 03 01 00 01",
    );
    expect(malformed(tiny).message).toMatch(/512 bits/);
  });

  it("random and mutated input only ever yields ERR_SPICE_MALFORMED (property)", () => {
    const { der } = nodeRsa(1024);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseRsaSpki(bytes);
        } catch (e) {
          expect((e as SpiceError).code).toBe("ERR_SPICE_MALFORMED");
        }
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.nat(der.length - 1), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const m = der.slice();
        m[at] ^= x;
        try {
          const k = parseRsaSpki(m);
          expect(k.modulusBytes).toBeLessThanOrEqual(129);
        } catch (e) {
          expect((e as SpiceError).code).toBe("ERR_SPICE_MALFORMED");
        }
      }),
      { numRuns: 1000 },
    );
  });
});
