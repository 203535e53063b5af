import { SpiceError, cursor as cursorMsg } from "@saffron/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cursorDataSize, decodeCursorShape, isCursorPixelInverted, MAX_CURSOR_SIDE, type CursorShape } from "./cursor-shape.js";

const T = cursorMsg.CursorType;

/** Packs rows like "1..1" into MSB-first mask bytes at stride ceil(w/8). */
function mask(...rows: string[]): number[] {
  const stride = (rows[0].length + 7) >> 3;
  const out: number[] = [];
  for (const row of rows) {
    const bytes = new Array<number>(stride).fill(0);
    for (let x = 0; x < row.length; x++) if (row[x] === "1") bytes[x >> 3] |= 0x80 >> (x & 7);
    out.push(...bytes);
  }
  return out;
}

/** xRGB as little-endian u32 bytes. */
function u32(rgb: number): number[] {
  return [rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff, 0];
}

function px(shape: CursorShape, x: number, y: number): number[] {
  const o = (y * shape.width + x) * 4;
  return Array.from(shape.rgba.subarray(o, o + 4));
}

function header(type: number, width: number, height: number, hotSpotX = 0, hotSpotY = 0) {
  return { type, width, height, hotSpotX, hotSpotY };
}

const BLACK = [0, 0, 0, 255];
const WHITE = [255, 255, 255, 255];
const CLEAR = [0, 0, 0, 0];

describe("decodeCursorShape", () => {
  it("ALPHA: swaps BGRA to RGBA and un-premultiplies", () => {
    const data = new Uint8Array([
      0x40, 0x20, 0x10, 0x80, // half alpha
      0x11, 0x22, 0x33, 0xff, // opaque: copied
      0x05, 0x06, 0x07, 0x00, // zero alpha: transparent black
      0xff, 0x00, 0x90, 0x80, // blue above alpha (invalid): clamped
    ]);
    const s = decodeCursorShape(header(T.Alpha, 2, 2, 1, 1), data);
    expect(s).toMatchObject({ width: 2, height: 2, hotX: 1, hotY: 1, inverted: null });
    expect(px(s, 0, 0)).toEqual([32, 64, 128, 0x80]);
    expect(px(s, 1, 0)).toEqual([0x33, 0x22, 0x11, 0xff]);
    expect(px(s, 0, 1)).toEqual(CLEAR);
    expect(px(s, 1, 1)).toEqual([255, 0, 255, 0x80]);
  });

  it("MONO: AND then XOR mask, rows padded to whole bytes", () => {
    // 10 wide so each row takes 2 bytes; the second row checks the padding.
    const and = mask("0011000000", "1111111111");
    const xor = mask("0101000001", "0000000001");
    const s = decodeCursorShape(header(T.Mono, 10, 2), new Uint8Array([...and, ...xor]));
    expect(px(s, 0, 0)).toEqual(BLACK); // AND 0 XOR 0
    expect(px(s, 1, 0)).toEqual(WHITE); // AND 0 XOR 1
    expect(px(s, 2, 0)).toEqual(CLEAR); // AND 1 XOR 0
    expect(px(s, 3, 0)).toEqual(BLACK); // AND 1 XOR 1: invert, black fallback
    expect(px(s, 9, 0)).toEqual(WHITE);
    expect(isCursorPixelInverted(s, 3, 0)).toBe(true);
    expect(isCursorPixelInverted(s, 1, 0)).toBe(false);
    for (let x = 0; x < 9; x++) expect(px(s, x, 1)).toEqual(CLEAR);
    expect(isCursorPixelInverted(s, 9, 1)).toBe(true);
    expect(Array.from(s.inverted!)).toEqual(mask("0001000000", "0000000001"));
  });

  it("MONO without inverting pixels has inverted = null", () => {
    const s = decodeCursorShape(header(T.Mono, 8, 1), new Uint8Array([0x0f, 0xf0]));
    expect(s.inverted).toBeNull();
    expect(px(s, 0, 0)).toEqual(WHITE);
    expect(px(s, 7, 0)).toEqual(CLEAR);
  });

  it("COLOR4: high nibble first, 16-entry palette, padded AND mask", () => {
    const palette = Array.from({ length: 16 }, (_, i) => u32(i * 0x111111)).flat();
    palette.splice(2 * 4, 4, ...u32(0x123456));
    palette.splice(15 * 4, 4, ...u32(0xffffff));
    // 3x2: row stride 2 bytes (last nibble unused).
    const pixels = [0x2f, 0x00, 0x0f, 0x20];
    const and = mask("010", "011");
    const s = decodeCursorShape(header(T.Color4, 3, 2), new Uint8Array([...pixels, ...palette, ...and]));
    expect(px(s, 0, 0)).toEqual([0x12, 0x34, 0x56, 255]);
    expect(px(s, 1, 0)).toEqual(BLACK); // white under AND: invert
    expect(isCursorPixelInverted(s, 1, 0)).toBe(true);
    expect(px(s, 2, 0)).toEqual(BLACK); // palette[0] = black, AND 0: opaque black
    expect(px(s, 0, 1)).toEqual(BLACK);
    expect(px(s, 1, 1)).toEqual(BLACK); // white, AND 1: invert
    expect(px(s, 2, 1)).toEqual([0x12, 0x34, 0x56, 255]); // other colour under AND: opaque colour
    expect(isCursorPixelInverted(s, 2, 1)).toBe(false);
  });

  it("COLOR8: 256-entry palette and AND mask", () => {
    const palette = new Array<number>(1024).fill(0);
    palette.splice(7 * 4, 4, ...u32(0xa0b0c0));
    palette.splice(255 * 4, 4, ...u32(0xffffff));
    const s = decodeCursorShape(header(T.Color8, 2, 2), new Uint8Array([7, 0, 255, 0, ...palette, ...mask("01", "01")]));
    expect(px(s, 0, 0)).toEqual([0xa0, 0xb0, 0xc0, 255]);
    expect(px(s, 1, 0)).toEqual(CLEAR); // black under AND
    expect(px(s, 0, 1)).toEqual(WHITE); // white, AND 0: opaque white
    expect(px(s, 1, 1)).toEqual(CLEAR);
    expect(s.inverted).toBeNull();
  });

  it("COLOR16: x1r5g5b5 with bit replication", () => {
    const pix = [0x7fff, 0x001f, 0x7c00, 0x03e0, 0x4210];
    const bytes = pix.flatMap((p) => [p & 0xff, p >> 8]);
    const s = decodeCursorShape(header(T.Color16, 5, 1), new Uint8Array([...bytes, ...mask("10000")]));
    expect(px(s, 0, 0)).toEqual(BLACK);
    expect(isCursorPixelInverted(s, 0, 0)).toBe(true);
    expect(px(s, 1, 0)).toEqual([0, 0, 255, 255]);
    expect(px(s, 2, 0)).toEqual([255, 0, 0, 255]);
    expect(px(s, 3, 0)).toEqual([0, 255, 0, 255]);
    expect(px(s, 4, 0)).toEqual([0x84, 0x84, 0x84, 255]);
  });

  it("COLOR24: BGR pixels; the AND mask rows are padded (not a flat bit index)", () => {
    const w = 9;
    const pixels: number[] = [];
    for (let i = 0; i < w * 2; i++) pixels.push(0x30, 0x20, 0x10); // B G R
    pixels.splice(w * 3, 3, 0, 0, 0); // (0,1) black
    // Row 1, x=0 is masked: with padding that is byte 2 bit 7; a flat index would be byte 1 bit 6.
    const and = mask("000000000", "100000000");
    const s = decodeCursorShape(header(T.Color24, w, 2), new Uint8Array([...pixels, ...and]));
    expect(px(s, 0, 0)).toEqual([0x10, 0x20, 0x30, 255]);
    expect(px(s, 0, 1)).toEqual(CLEAR);
    expect(px(s, 1, 0)).toEqual([0x10, 0x20, 0x30, 255]);
  });

  it("COLOR32: all four AND/colour cases; the pad byte is ignored", () => {
    const pixels = [...u32(0x000000), ...u32(0xffffff), ...u32(0x00ff00), ...u32(0x0000ff)];
    pixels[3] = 0x55; // top byte is padding
    const s = decodeCursorShape(header(T.Color32, 2, 2), new Uint8Array([...pixels, ...mask("11", "10")]));
    expect(px(s, 0, 0)).toEqual(CLEAR);
    expect(px(s, 1, 0)).toEqual(BLACK);
    expect(isCursorPixelInverted(s, 1, 0)).toBe(true);
    expect(px(s, 0, 1)).toEqual([0, 255, 0, 255]);
    expect(px(s, 1, 1)).toEqual([0, 0, 255, 255]);
  });

  it("accepts trailing bytes (X drivers append 128 bytes) and empty 0x0 shapes", () => {
    const s = decodeCursorShape(header(T.Color32, 1, 1), new Uint8Array([1, 2, 3, 0, 0, ...new Array(128).fill(0xee)]));
    expect(px(s, 0, 0)).toEqual([3, 2, 1, 255]);
    const empty = decodeCursorShape(header(T.Mono, 0, 0, 5, 5), new Uint8Array(0));
    expect(empty).toEqual({ width: 0, height: 0, hotX: 0, hotY: 0, rgba: new Uint8Array(0), inverted: null });
  });

  it("clamps the hot spot into the image", () => {
    const s = decodeCursorShape(header(T.Alpha, 4, 3, 9, 3), new Uint8Array(48));
    expect([s.hotX, s.hotY]).toEqual([3, 2]);
  });

  it("rejects short data, oversized shapes and unknown types with SpiceError codes", () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(SpiceError);
        return (e as SpiceError).code;
      }
      return undefined;
    };
    expect(code(() => decodeCursorShape(header(T.Alpha, 2, 2), new Uint8Array(15)))).toBe("ERR_SPICE_TRUNCATED");
    expect(code(() => decodeCursorShape(header(T.Color4, 2, 2), new Uint8Array(2 + 64 + 1)))).toBe("ERR_SPICE_TRUNCATED");
    expect(code(() => decodeCursorShape(header(T.Color8, 1, 1), new Uint8Array(1 + 1024)))).toBe("ERR_SPICE_TRUNCATED");
    expect(code(() => decodeCursorShape(header(T.Mono, 513, 1), new Uint8Array(200)))).toBe("ERR_SPICE_TOO_LARGE");
    expect(code(() => decodeCursorShape(header(T.Alpha, 1, 65535), new Uint8Array(4)))).toBe("ERR_SPICE_TOO_LARGE");
    expect(code(() => decodeCursorShape(header(7, 1, 1), new Uint8Array(64)))).toBe("ERR_SPICE_MALFORMED");
    expect(decodeCursorShape(header(T.Alpha, MAX_CURSOR_SIDE, MAX_CURSOR_SIDE), new Uint8Array(MAX_CURSOR_SIDE ** 2 * 4)).rgba.length).toBe(
      MAX_CURSOR_SIDE ** 2 * 4,
    );
  });

  it("cursorDataSize matches the layouts", () => {
    expect(cursorDataSize(header(T.Alpha, 32, 32))).toBe(4096);
    expect(cursorDataSize(header(T.Mono, 32, 32))).toBe(256);
    expect(cursorDataSize(header(T.Color4, 3, 2))).toBe(4 + 64 + 2);
    expect(cursorDataSize(header(T.Color8, 2, 2))).toBe(4 + 1024 + 2);
    expect(cursorDataSize(header(T.Color16, 9, 2))).toBe(36 + 4);
    expect(cursorDataSize(header(T.Color24, 9, 2))).toBe(54 + 4);
    expect(cursorDataSize(header(T.Color32, 32, 32))).toBe(4096 + 128);
    expect(cursorDataSize(header(9, 1, 1))).toBeUndefined();
  });

  it("property: random headers and data only ever throw SpiceError", () => {
    const side = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(
        fc.record({ type: fc.integer({ min: 0, max: 255 }), width: side, height: side, hotSpotX: fc.integer({ min: 0, max: 0xffff }), hotSpotY: fc.integer({ min: 0, max: 0xffff }) }),
        fc.uint8Array({ maxLength: 2048 }),
        (h, data) => {
          try {
            const s = decodeCursorShape(h, data);
            expect(s.rgba.length).toBe(h.width * h.height * 4);
          } catch (e) {
            if (!(e instanceof SpiceError)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("property: data of exactly the declared size always decodes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (type, width, height, seed) => {
          const h = header(type, width, height, width, height);
          const data = new Uint8Array(cursorDataSize(h)!);
          let x = seed | 1;
          for (let i = 0; i < data.length; i++) data[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
          const s = decodeCursorShape(h, data);
          expect(s.rgba.length).toBe(width * height * 4);
          if (s.inverted) expect(s.inverted.length).toBe(((width + 7) >> 3) * height);
          // Straight alpha is 0 or 255 except for ALPHA cursors.
          if (type !== T.Alpha) expect(s.rgba.filter((v, i) => (i & 3) === 3 && v !== 0 && v !== 255).length).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
