import { inflateSync } from "node:zlib";
import { image as img } from "@saffron/protocol";
import { describe, expect, it } from "vitest";
import { ClientImageEncoder } from "./client-encoder.js";
import { defaultEncoders } from "./default-encoders.js";

/** Text-like pixels: sharp dark marks on white, which GLZ leaves well compressible by zlib. */
function textish(width: number, height: number) {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = ((x * 7) ^ (y * 13)) % 11 < 3 && y % 14 < 10 ? 0x10 : 0xff;
      data.set([v, v, v, 0xff], (y * width + x) * 4);
    }
  }
  return { width, height, data, stride: width * 4 };
}

const caps = () => ({ lz4: false, glzWindow: 1 << 22 });

describe("ClientImageEncoder ZLIB_GLZ", () => {
  it("deflates GLZ images while zlib is on and it makes them smaller; the stream inflates to the GLZ one", () => {
    let on = true;
    const enc = new ClientImageEncoder(defaultEncoders(), "glz", caps(), () => on);
    const plain = new ClientImageEncoder(defaultEncoders(), "glz", caps());
    const p = textish(300, 200);
    const z = enc.encodePixels(p) as img.Image & { data: Uint8Array; glzDataSize: number };
    const g = plain.encodePixels(p) as img.Image & { data: Uint8Array };
    expect(z.type).toBe(img.ImageType.ZlibGlzRgb);
    expect(g.type).toBe(img.ImageType.GlzRgb);
    expect(z.glzDataSize).toBe(g.data.length);
    expect(z.data.length).toBeLessThan(g.data.length / 2);
    expect(new Uint8Array(inflateSync(z.data))).toEqual(g.data);
    expect(enc.stats.ZlibGlzRgb).toMatchObject({ count: 1, bytes: z.data.length });
    on = false;
    expect(enc.encodePixels(textish(300, 201)).type).toBe(img.ImageType.GlzRgb);
  });

  it("keeps GLZ when deflating does not help, and never touches other types", () => {
    const encoders = { ...defaultEncoders(), deflate: (d: Uint8Array) => new Uint8Array(d.length + 1) };
    const enc = new ClientImageEncoder(encoders, "glz", caps(), () => true);
    expect(enc.encodePixels(textish(64, 64)).type).toBe(img.ImageType.GlzRgb);
    const lz = new ClientImageEncoder(defaultEncoders(), "lz", caps(), () => true);
    expect(lz.encodePixels(textish(64, 64)).type).toBe(img.ImageType.LzRgb);
  });

  it("cache references carry the id and count as 0 bytes", () => {
    const enc = new ClientImageEncoder(defaultEncoders(), "auto_glz", caps());
    const p = textish(40, 40);
    const a = enc.cachedImage(7n, p, false);
    const b = enc.cachedImage(8n, p, true);
    expect([a.type, a.id, a.width, a.height]).toEqual([img.ImageType.FromCache, 7n, 40, 40]);
    expect(b.type).toBe(img.ImageType.FromCacheLossless);
    expect(enc.stats.FromCache).toEqual({ count: 1, bytes: 0, pixels: 1600 });
  });
});

describe("ClientImageEncoder.dispose", () => {
  it("ends the client's GLZ dictionary once; later images go out as LZ", () => {
    let disposed = 0;
    const base = defaultEncoders();
    const encoders = {
      ...base,
      glz: (w: number) => {
        const g = base.glz!(w);
        return { encode: g.encode, dispose: () => (disposed++, g.dispose()) };
      },
    };
    const enc = new ClientImageEncoder(encoders, "glz", caps());
    expect(enc.encodePixels(textish(64, 64)).type).toBe(img.ImageType.GlzRgb);
    enc.dispose();
    enc.dispose();
    expect(disposed).toBe(1);
    expect(enc.encodePixels(textish(64, 64)).type).toBe(img.ImageType.LzRgb);
  });
});
