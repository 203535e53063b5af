import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha1 } from "./sha1.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const ascii = (s: string) => new TextEncoder().encode(s);
const nodeSha1 = (b: Uint8Array) => createHash("sha1").update(b).digest("hex");

describe("sha1", () => {
  it("matches the FIPS 180 / RFC 3174 test vectors", () => {
    expect(hex(sha1(ascii("")))).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    expect(hex(sha1(ascii("abc")))).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(hex(sha1(ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe("84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    expect(hex(sha1(ascii("a".repeat(1_000_000))))).toBe("34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    expect(hex(sha1(ascii("0123456701234567012345670123456701234567012345670123456701234567".repeat(10))))).toBe(
      "dea356a2cddd90c7a7ecedc5ebb563934f460452",
    );
  });

  it("agrees with node:crypto at every length around the block and padding boundaries", () => {
    for (let len = 0; len <= 200; len++) {
      const data = new Uint8Array(randomBytes(len));
      expect(hex(sha1(data)), `length ${len}`).toBe(nodeSha1(data));
    }
  });

  it("agrees with node:crypto on random inputs, and on a subarray view", () => {
    for (let i = 0; i < 50; i++) {
      const data = new Uint8Array(randomBytes(1 + ((i * 7919) % 5000)));
      expect(hex(sha1(data))).toBe(nodeSha1(data));
    }
    const big = new Uint8Array(randomBytes(300));
    const view = big.subarray(17, 250);
    expect(hex(sha1(view))).toBe(nodeSha1(view));
  });
});
