import { decodeJpegSync, encodeLz, encodeLz4, encodeQuic, GlzDictionary, PaletteCache, type DecodedImage, type SyncJpegDecoder } from "@saffron/codecs";
import { image as img, SpiceError } from "@saffron/protocol";
import { describe, expect, it } from "vitest";
import { ImageCache } from "../../session/image-cache.js";
import { ImageResolver } from "./image-resolver.js";

/** A 37x23 picture of gradients and noise (B,G,R,255). */
function picture(w = 37, h = 23): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(w * h * 4);
  for (let i = 0, s = 7; i < w * h; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data.set([(i % w) * 6, ((i / w) | 0) * 9, s >>> 24, 255], i * 4);
  }
  return { width: w, height: h, data };
}

function resolver(): ImageResolver {
  return new ImageResolver({
    images: new ImageCache(1 << 20),
    palettes: new PaletteCache(),
    glz: new GlzDictionary(1 << 20),
    surface: () => undefined,
    jpeg: decodeJpegSync as unknown as SyncJpegDecoder,
    inflate: () => new Uint8Array(0),
  });
}

const descriptor = (type: number, p: { width: number; height: number }, flags = 0) => ({ id: 1n, type, flags, width: p.width, height: p.height });

describe("ImageResolver.decodeInto", () => {
  const pic = picture();
  const images: [string, img.Image][] = [
    ["LZ_RGB top-down", { ...descriptor(img.ImageType.LzRgb, pic), data: encodeLz(pic) } as img.Image],
    ["LZ_RGB bottom-up", { ...descriptor(img.ImageType.LzRgb, pic), data: encodeLz(pic, "rgb32", { topDown: false }) } as img.Image],
    ["QUIC", { ...descriptor(img.ImageType.Quic, pic), data: encodeQuic(pic) } as img.Image],
    ["LZ4", { ...descriptor(img.ImageType.Lz4, pic), data: encodeLz4(pic) } as img.Image],
  ];
  for (const [name, image] of images) {
    it(`writes a ${name} picture into the buffer as resolve() decodes it, and counts it`, () => {
      const r = resolver();
      const out = new Uint8Array(pic.width * pic.height * 4).fill(0xaa);
      expect(r.decodeInto(image, out)).toBe(true);
      const resolved = resolver().resolve(image) as DecodedImage;
      expect(Buffer.compare(out, resolved.data)).toBe(0);
      expect(Buffer.compare(out, pic.data)).toBe(0); // all four are lossless
      expect(Object.values(r.stats)[0]).toMatchObject({ count: 1, pixels: pic.width * pic.height });
    });
  }

  it("leaves pictures to cache, other types, wrong sizes and mismatched headers to resolve(), writing nothing", () => {
    const r = resolver();
    const lz = encodeLz(pic);
    const out = new Uint8Array(pic.width * pic.height * 4).fill(0xaa);
    const refused: img.Image[] = [
      { ...descriptor(img.ImageType.LzRgb, pic, img.ImageFlags.CacheMe), data: lz } as img.Image,
      { ...descriptor(img.ImageType.LzRgb, pic, img.ImageFlags.CacheReplaceMe), data: lz } as img.Image,
      { ...descriptor(img.ImageType.GlzRgb, pic), data: lz } as img.Image,
      { ...descriptor(img.ImageType.FromCache, pic) } as img.Image,
      // The stream says 37x23, the descriptor 37x22: resolve() reports it.
      { ...descriptor(img.ImageType.LzRgb, { width: pic.width, height: pic.height - 1 }), data: lz } as img.Image,
      { ...descriptor(img.ImageType.Quic, pic), data: new Uint8Array(8) } as img.Image,
    ];
    for (const image of refused) expect(r.decodeInto(image, out.subarray(0, image.width * image.height * 4))).toBe(false);
    expect(r.decodeInto({ ...descriptor(img.ImageType.LzRgb, pic), data: lz } as img.Image, out.subarray(4))).toBe(false);
    expect(out.every((b) => b === 0xaa)).toBe(true);
    expect(r.stats).toEqual({});
    expect(() => r.resolve(refused[4]!)).toThrow(SpiceError);
  });

  it("throws resolve()'s typed error on a corrupt stream", () => {
    const data = encodeLz(pic).slice(0, 40);
    const out = new Uint8Array(pic.width * pic.height * 4);
    const image = { ...descriptor(img.ImageType.LzRgb, pic), data } as img.Image;
    expect(() => resolver().decodeInto(image, out)).toThrow(expect.objectContaining({ code: "ERR_LZ_CORRUPT" }));
    expect(() => resolver().resolve(image)).toThrow(expect.objectContaining({ code: "ERR_LZ_CORRUPT" }));
  });
});
