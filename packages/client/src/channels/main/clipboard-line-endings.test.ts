import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crlfToLf, lfToCrlf } from "./clipboard-line-endings.js";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe("clipboard line endings", () => {
  it("lfToCrlf turns bare LFs into CRLF and leaves CRLF and lone CR alone", () => {
    expect(dec(lfToCrlf(enc("a\nb\r\nc\n")))).toBe("a\r\nb\r\nc\r\n");
    expect(dec(lfToCrlf(enc("\n\nx\r")))).toBe("\r\n\r\nx\r");
    expect(dec(lfToCrlf(enc("grüße\n€\n")))).toBe("grüße\r\n€\r\n");
    const plain = enc("no line breaks\r");
    expect(lfToCrlf(plain)).toBe(plain);
  });

  it("crlfToLf turns CRLF into LF and keeps lone CR and LF", () => {
    expect(dec(crlfToLf(enc("a\r\nb\r\n")))).toBe("a\nb\n");
    expect(dec(crlfToLf(enc("\r\r\n\n\r")))).toBe("\r\n\n\r");
    expect(dec(crlfToLf(enc("grüße\r\n€")))).toBe("grüße\n€");
    const plain = enc("a\nb\rc");
    expect(crlfToLf(plain)).toBe(plain);
  });

  it("round trips: LF text → guest CRLF → back is the same text (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "é", "\n", "\r", " ", "€") }), (s) => {
        const lf = s.replace(/\r+(?=\n)/g, "");
        const guest = dec(lfToCrlf(enc(lf)));
        expect(guest).not.toMatch(/(^|[^\r])\n/);
        expect(dec(crlfToLf(enc(guest)))).toBe(lf);
      }),
      { numRuns: 500 },
    );
  });
});
