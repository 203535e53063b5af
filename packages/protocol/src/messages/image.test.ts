import { describe, expect, it } from "vitest";
import { decode, encode } from "../schema/codec.js";
import { SpiceError } from "../wire/errors.js";
import { BitmapFlags, BitmapFormat, Image, ImageType, imageSize, splitJpegAlpha } from "./image.js";
import { hex } from "./__fixtures__/helpers.js";

// Images decoded standalone: pointers inside are offsets from the start of these bytes.
const desc = (type: string, w = "02000000", h = "01000000") => `05000000 00000000 ${type} 00 ${w} ${h}`;

describe("SpiceImage", () => {
  it("reads a top-down 32BIT BITMAP without palette, data as a view", () => {
    const bytes = hex(`${desc("00")} 08 04 02000000 01000000 08000000 00000000 11223344 55667788`);
    const img = decode(Image, bytes);
    if (img.type !== ImageType.Bitmap) throw new Error("type");
    expect(img.bitmap).toMatchObject({ format: BitmapFormat.Bit32, flags: BitmapFlags.TopDown, x: 2, y: 1, stride: 8, palette: null, paletteId: null });
    expect(img.bitmap.data).toEqual(hex("11223344 55667788"));
    expect(img.bitmap.data.buffer).toBe(bytes.buffer);
    expect(encode(Image, img)).toEqual(bytes);
  });

  it("reads a palette pointer, or a palette id with PAL_FROM_CACHE", () => {
    // descriptor 18 + bitmap header 14 + palette ptr 4 + data 1 = 37: palette at 37
    const withPtr = hex(`${desc("00", "01000000")} 05 00 01000000 01000000 01000000 25000000 01 0700000000000000 0200 00ff0000 0000ff00`);
    const a = decode(Image, withPtr);
    if (a.type !== ImageType.Bitmap) throw new Error("type");
    expect(a.bitmap.palette).toEqual({ unique: 7n, ents: [0xff00, 0xff0000] });
    expect(encode(Image, a)).toEqual(withPtr);
    const fromCache = hex(`${desc("00", "01000000")} 05 02 01000000 01000000 01000000 0700000000000000 01`);
    const b = decode(Image, fromCache);
    if (b.type !== ImageType.Bitmap) throw new Error("type");
    expect(b.bitmap.paletteId).toBe(7n);
    expect(b.bitmap.palette).toBeNull();
    expect(encode(Image, b)).toEqual(fromCache);
  });

  it("reads LZ_PLT (palette pointer required) and the BinaryData types", () => {
    const lzPlt = hex(`${desc("64")} 00 02000000 1d000000 abcd 0100000000000000 0100 ffffff00`);
    const p = decode(Image, lzPlt);
    if (p.type !== ImageType.LzPlt) throw new Error("type");
    expect(p.lzPlt.data).toEqual(hex("abcd"));
    expect(p.lzPlt.palette).toEqual({ unique: 1n, ents: [0x00ffffff] });
    expect(encode(Image, p)).toEqual(lzPlt);
    expect(() => decode(Image, hex(`${desc("64")} 00 02000000 00000000 abcd`))).toThrow(SpiceError);
    for (const t of [ImageType.Quic, ImageType.LzRgb, ImageType.GlzRgb, ImageType.Jpeg, ImageType.Lz4]) {
      const bytes = hex(`${desc(t.toString(16).padStart(2, "0"))} 03000000 010203`);
      const img = decode(Image, bytes) as { data: Uint8Array };
      expect(img.data).toEqual(hex("010203"));
      expect(encode(Image, img as Image)).toEqual(bytes);
    }
  });

  it("reads FROM_CACHE, FROM_CACHE_LOSSLESS, SURFACE, ZLIB_GLZ_RGB and JPEG_ALPHA", () => {
    expect(decode(Image, hex(desc("67")))).toEqual({ id: 5n, type: 103, flags: 0, width: 2, height: 1 });
    expect(decode(Image, hex(desc("6a"))).type).toBe(ImageType.FromCacheLossless);
    expect(decode(Image, hex(`${desc("68")} 03000000`))).toMatchObject({ type: ImageType.Surface, surfaceId: 3 });
    expect(decode(Image, hex(`${desc("6b")} 00100000 02000000 789c`))).toMatchObject({ glzDataSize: 4096, data: hex("789c") });
    const ja = decode(Image, hex(`${desc("6c")} 01 02000000 05000000 ffd8 414243`));
    if (ja.type !== ImageType.JpegAlpha) throw new Error("type");
    expect(ja.jpegAlpha.flags).toBe(1);
    expect(splitJpegAlpha(ja.jpegAlpha)).toEqual({ jpeg: hex("ffd8"), alpha: hex("414243") });
    expect(() => splitJpegAlpha({ flags: 0, jpegSize: 9, data: hex("00") })).toThrow(SpiceError);
  });

  it("rejects RESERVED and unknown types, and truncated data", () => {
    expect(() => decode(Image, hex(desc("02")))).toThrow(SpiceError);
    expect(() => decode(Image, hex(desc("ff")))).toThrow(SpiceError);
    expect(() => decode(Image, hex(`${desc("65")} 05000000 0102`))).toThrow(SpiceError);
    expect(() => decode(Image, hex(`${desc("00")} 08 04 ffffffff ffffffff ffffffff 00000000`))).toThrow(SpiceError);
  });

  it("computes image_size", () => {
    expect(imageSize(1, 9, 2)).toBe(4);
    expect(imageSize(4, 3, 2)).toBe(4);
    expect(imageSize(8, 3, 2)).toBe(6);
  });
});
