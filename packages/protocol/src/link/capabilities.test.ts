import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Caps, CommonCap, MAX_CAPS_WORDS } from "./capabilities.js";

describe("Caps", () => {
  it("reads the live common caps words", () => {
    const server = Caps.fromWords([0x0b]);
    expect(server.has(CommonCap.AuthSelection)).toBe(true);
    expect(server.has(CommonCap.AuthSpice)).toBe(true);
    expect(server.has(CommonCap.AuthSasl)).toBe(false);
    expect(server.has(CommonCap.MiniHeader)).toBe(true);
    const gtk = Caps.fromWords([0x0d]);
    expect(gtk.bits()).toEqual([0, 2, 3]);
    expect(Caps.fromWords([0x3bf]).bits()).toEqual([0, 1, 2, 3, 4, 5, 7, 8, 9]);
    expect(Caps.fromWords([0x1052]).bits()).toEqual([1, 4, 6, 12]);
  });

  it("builds words in the fewest words and keeps given word counts", () => {
    expect(Caps.of(0, 1, 3).toWords()).toEqual([0x0b]);
    expect(Caps.of(33).toWords()).toEqual([0, 2]);
    expect(Caps.of(31).toWords()).toEqual([0x80000000]);
    expect(new Caps().toWords()).toEqual([]);
    expect(Caps.fromWords([1, 0, 0]).wordCount).toBe(3);
    expect(Caps.of(5).clear(5).toWords()).toEqual([0]);
    expect(Caps.of(1).has(-1)).toBe(false);
    expect(Caps.of(1).has(1000)).toBe(false);
    expect(() => Caps.of(MAX_CAPS_WORDS * 32)).toThrow(RangeError);
    expect(Caps.of(0, 3).toString()).toBe("Caps[0x00000009]");
  });

  it("set/has/bits agree with the words (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 40 }), (bits) => {
        const c = Caps.of(...bits);
        expect(c.bits()).toEqual([...bits].sort((a, b) => a - b));
        const again = Caps.fromWords(c.toWords());
        for (const b of bits) expect(again.has(b)).toBe(true);
        for (let b = 0; b < 320; b++) expect(again.has(b)).toBe(bits.includes(b));
      }),
      { numRuns: 100 },
    );
  });
});
