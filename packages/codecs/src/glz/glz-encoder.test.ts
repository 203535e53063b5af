import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pngAsBgrx, randomImage, samePixels, scrolled, type TestImage } from "../lz/__fixtures__/encoder-inputs.js";
import { readVector, rng, VECTORS } from "../lz/__fixtures__/test-images.js";
import { LzImageType } from "../lz/lz-image-type.js";
import { decodeGlz } from "./glz-decode.js";
import { GlzDictionary } from "./glz-dictionary.js";
import { GlzEncoderDictionary } from "./glz-encoder-dictionary.js";
import { encodeGlz } from "./glz-encoder.js";
import { readGlzHeader } from "./glz-header.js";

/** References into another image in a GLZ RGB stream (walks the control bytes of the colour pass). */
function crossImageRefs(stream: Uint8Array, pixels: number): number {
  let pos = 33;
  let op = 0;
  let refs = 0;
  while (op < pixels) {
    const ctrl = stream[pos++];
    if (ctrl < 32) {
      pos += (ctrl + 1) * 3;
      op += ctrl + 1;
      continue;
    }
    let len = ctrl >> 5;
    if (len === 7) {
      let b: number;
      do {
        b = stream[pos++];
        len += b;
      } while (b === 255);
    }
    const c = stream[pos + 1];
    pos += 2;
    const extra = c >> 6;
    let imageDist = ctrl & 0x10 ? 0 : c & 0x3f;
    for (let i = 0; i < extra; i++) imageDist += stream[pos++] << (ctrl & 0x10 ? 8 * i : 6 + 8 * i);
    if (ctrl & 0x10 && c & 0x20) pos++;
    if (imageDist > 0) refs++;
    op += len;
  }
  return refs;
}

describe("encodeGlz against the spice-server encoder (golden vectors, fresh dictionary)", () => {
  for (const name of VECTORS) {
    it(`${name}: same stream as the reference, and it decodes`, () => {
      const img = pngAsBgrx(name);
      const ref = readVector(`${name}.glz`);
      const ours = encodeGlz(img, new GlzEncoderDictionary(1 << 24));
      expect(Math.abs(ours.length - ref.length) / ref.length).toBeLessThanOrEqual(0.05);
      expect(Buffer.compare(Buffer.from(ours), Buffer.from(ref))).toBe(0);
      expect(samePixels(decodeGlz(ours, new GlzDictionary(1 << 24)).data, img, false)).toBe(true);
    });
  }
});

describe("encodeGlz: the colour pass ignores the fourth byte", () => {
  it("term with random padding bytes gives the reference stream, fresh and again into the warm dictionary", () => {
    const img = pngAsBgrx("term_1280x800");
    const padded = { ...img, data: img.data.slice() };
    const r = rng(3);
    // Runs of equal padding (as a real framebuffer's X byte might be) and single odd bytes.
    let x = 0;
    for (let i = 3; i < padded.data.length; i += 4) {
      if (r() < 0.01) x = Math.floor(r() * 256);
      padded.data[i] = r() < 0.05 ? Math.floor(r() * 256) : x;
    }
    const ref = readVector("term_1280x800.glz");
    const dict = new GlzEncoderDictionary(1 << 24);
    expect(Buffer.compare(Buffer.from(encodeGlz(padded, dict)), Buffer.from(ref))).toBe(0);
    const plain = new GlzEncoderDictionary(1 << 24);
    encodeGlz(img, plain);
    expect(Buffer.compare(Buffer.from(encodeGlz(padded, dict)), Buffer.from(encodeGlz(img, plain)))).toBe(0);
  });
});

describe("encodeGlz across images (one dictionary per client)", () => {
  it("a scrolled terminal references the previous frame, decodes exactly and is much smaller", () => {
    const term = pngAsBgrx("term_1280x800");
    const enc = new GlzEncoderDictionary(1 << 23);
    const dec = new GlzDictionary(1 << 23);
    const first = encodeGlz(term, enc);
    expect(samePixels(decodeGlz(first, dec).data, term, false)).toBe(true);

    const next = scrolled(term, 3 * 17, pngAsBgrx("ui_1280x800"));
    const second = encodeGlz(next, enc);
    expect(readGlzHeader(second)).toMatchObject({ id: 1, winHeadDist: 1, topDown: true, type: LzImageType.Rgb32 });
    expect(crossImageRefs(second, 1280 * 800)).toBeGreaterThan(10);
    expect(samePixels(decodeGlz(second, dec).data, next, false)).toBe(true);
    // Mostly references into the first frame: the 51 new rows dominate the cost (48,138 -> 7,588 bytes).
    expect(second.length).toBeLessThan(first.length / 4);

    // The identical frame again costs almost nothing (spice-server: 4,678 bytes).
    const again = encodeGlz(next, enc);
    expect(again.length).toBeLessThan(6000);
    expect(samePixels(decodeGlz(again, dec).data, next, false)).toBe(true);
  });

  // spice-server's sizes for the same image coded a second time into the dictionary (codec-baselines.md).
  const repeatSizes: Record<string, number> = {
    term_1280x800: 4678,
    ui_1280x800: 4069,
    photo_1280x800: 4075,
    mixed_1920x1080: 8207,
    uitile_256x256: 310,
  };
  for (const name of VECTORS) {
    it(`${name}: the same image again matches the reference's repeat size (${repeatSizes[name]} bytes) and decodes`, () => {
      const img = pngAsBgrx(name);
      const enc = new GlzEncoderDictionary(1 << 24);
      const dec = new GlzDictionary(1 << 24);
      decodeGlz(encodeGlz(img, enc), dec);
      const again = encodeGlz(img, enc);
      expect(again.length).toBe(repeatSizes[name]);
      expect(samePixels(decodeGlz(again, dec).data, img, false)).toBe(true);
    });
  }

  it("a long session wraps the dictionary's pixel store, which stays within twice the window", () => {
    const windowPixels = 20_000;
    const enc = new GlzEncoderDictionary(windowPixels);
    const dec = new GlzDictionary(windowPixels);
    const r = rng(5);
    let prev = randomImage(100, 40, 1, 200);
    let referencing = 0;
    for (let i = 0; i < 60; i++) {
      // Mostly the previous frame scrolled by a few rows (references into it), of a new height.
      const h = 10 + Math.floor(r() * 60);
      const src = r() < 0.8 ? prev : randomImage(100, 70, 100 + i, 200);
      const data = new Uint8Array(100 * h * 4);
      const shift = Math.floor(r() * 4) * 400;
      for (let k = 0; k < data.length; k++) data[k] = src.data[(k + shift) % src.data.length];
      const img: TestImage = { width: 100, height: h, data, stride: 400 };
      const stream = encodeGlz(img, enc);
      if (crossImageRefs(stream, 100 * h) > 0) referencing++;
      expect(samePixels(decodeGlz(stream, dec).data, img, false)).toBe(true);
      expect(enc.retainedPixels).toBeLessThanOrEqual(windowPixels);
      expect(enc.arena.length).toBeLessThanOrEqual(2 * windowPixels);
      prev = img;
    }
    expect(referencing).toBeGreaterThan(30);
  });

  it("the pixel store grows for a large window and keeps earlier images referencable", () => {
    const windowPixels = 1 << 22;
    const enc = new GlzEncoderDictionary(windowPixels);
    const dec = new GlzDictionary(windowPixels);
    const start = enc.arena.length;
    const r = rng(9);
    const base = randomImage(1024, 64, 4, 100);
    let grown = false;
    for (let i = 0; i < 10; i++) {
      // 1024 x 256..2047 images made of the same rows: later ones reference earlier ones.
      const h = 256 + Math.floor(r() * 1792);
      const data = new Uint8Array(1024 * h * 4);
      for (let y = 0; y < h; y++) data.set(base.data.subarray(((y * 7 + i) % 64) * 4096, ((y * 7 + i) % 64) * 4096 + 4096), y * 4096);
      const img: TestImage = { width: 1024, height: h, data, stride: 4096 };
      const stream = encodeGlz(img, enc);
      if (i > 0) expect(crossImageRefs(stream, 1024 * h)).toBeGreaterThan(0);
      expect(samePixels(decodeGlz(stream, dec).data, img, false)).toBe(true);
      grown ||= enc.arena.length > start;
      expect(enc.arena.length).toBeLessThanOrEqual(2 * windowPixels);
    }
    expect(grown).toBe(true);
  });

  it("ids increase, win_head_dist follows the window, old images are evicted", () => {
    const enc = new GlzEncoderDictionary(3 * 64 * 64); // room for three 64x64 images
    const dec = new GlzDictionary(3 * 64 * 64);
    const base = randomImage(64, 64, 7, 200);
    const heads: number[] = [];
    for (let i = 0; i < 8; i++) {
      const img = scrolled(base, i, randomImage(64, 8, 100 + i, 5000));
      const stream = encodeGlz(img, enc);
      const hdr = readGlzHeader(stream);
      expect(hdr.id).toBe(i);
      heads.push(hdr.winHeadDist);
      expect(samePixels(decodeGlz(stream, dec).data, img, false)).toBe(true);
    }
    expect(heads).toEqual([0, 1, 2, 2, 2, 2, 2, 2]);
    expect(enc.imageCount).toBe(3);
    expect(enc.retainedPixels).toBe(3 * 64 * 64);
    expect(enc.oldestImageId).toBe(5);
    expect(enc.nextImageId).toBe(8);
    expect(dec.imageCount).toBe(3);
  });

  it("mixed sizes, types and orientations in one dictionary decode exactly", () => {
    const enc = new GlzEncoderDictionary(200_000);
    const dec = new GlzDictionary(200_000);
    const r = rng(11);
    const pool: TestImage[] = [randomImage(300, 200, 1, 500, 4)];
    for (let i = 0; i < 40; i++) {
      const w = 1 + Math.floor(r() * 300);
      const h = 1 + Math.floor(r() * 120);
      // Half of the images are crops of earlier content, so cross-image references happen.
      const src = pool[Math.floor(r() * pool.length)];
      let img = randomImage(w, h, 1000 + i, 300, 4);
      if (r() < 0.5 && w <= src.width && h <= src.height) {
        const data = new Uint8Array(w * h * 4);
        for (let y = 0; y < h; y++) data.set(src.data.subarray(y * src.stride, y * src.stride + w * 4), y * w * 4);
        img = { width: w, height: h, data, stride: w * 4 };
      }
      pool.push(img);
      const rgba = r() < 0.3;
      const topDown = r() < 0.8;
      const stream = encodeGlz(img, enc, rgba ? "rgba" : "rgb32", { topDown });
      expect(readGlzHeader(stream).topDown).toBe(topDown);
      const out = decodeGlz(stream, dec, { out: new Uint8Array(w * h * 4) });
      expect(samePixels(out.data, img, rgba)).toBe(true);
    }
  });

  it("an image larger than the window is coded alone and later images still decode", () => {
    const enc = new GlzEncoderDictionary(1000);
    const dec = new GlzDictionary(1000);
    for (const [w, h] of [
      [20, 20],
      [100, 50],
      [20, 20],
      [10, 10],
    ]) {
      const img = randomImage(w, h, w * h, 50);
      const stream = encodeGlz(img, enc);
      expect(samePixels(decodeGlz(stream, dec).data, img, false)).toBe(true);
    }
    expect(enc.retainedPixels).toBeLessThanOrEqual(1000);
  });

  it("the caller may reuse its buffer: the dictionary keeps its own copy", () => {
    const enc = new GlzEncoderDictionary(1 << 20);
    const dec = new GlzDictionary(1 << 20);
    const img = randomImage(200, 100, 3, 100);
    const original = img.data.slice();
    decodeGlz(encodeGlz(img, enc), dec);
    img.data.fill(0x40); // the "framebuffer" changes after sending
    const next = { ...img, data: original };
    const stream = encodeGlz(next, enc);
    expect(stream.length).toBeLessThan(1000);
    expect(samePixels(decodeGlz(stream, dec).data, next, false)).toBe(true);
  });

  it("a never-written hash entry is a candidate at pixel 0, as in spice-server (fresh and after reset)", () => {
    // Pixels 0, 1 are A, B; pixels 40, 41 are A, B again, followed by another pixel than at 2:
    // the table slot of (A, B, D) was never written, and a zeroed entry means pixel 0 (as in
    // spice-server; term and mixed give other streams without it), so pixels 40, 41 are a
    // 2-pixel match 40 back.
    const w = 64;
    const data = new Uint8Array(w * 4);
    const px = new Uint32Array(data.buffer);
    for (let i = 0; i < w; i++) px[i] = 0xff000000 | Math.imul(i + 1, 0x9e3779b1) >>> 8;
    px[40] = px[0];
    px[41] = px[1];
    const img: TestImage = { width: w, height: 1, data, stride: w * 4 };
    const enc = new GlzEncoderDictionary(1 << 20);
    for (let round = 0; round < 2; round++) {
      enc.reset();
      const stream = encodeGlz(img, enc);
      let pos = 33;
      let op = 0;
      while (stream[pos] < 32) {
        op += stream[pos] + 1;
        pos += (stream[pos] + 1) * 3 + 1;
      }
      expect(op).toBe(40);
      const ctrl = stream[pos];
      expect(ctrl & 0x10).toBe(0);
      expect((ctrl & 0x0f) | (stream[pos + 1] << 4)).toBe(40 - 1);
      expect(stream[pos + 2]).toBe(0);
      expect(samePixels(decodeGlz(stream, new GlzDictionary(1 << 20)).data, img, false)).toBe(true);
    }
  });

  it("reset() starts a new dictionary (ids from 0)", () => {
    const enc = new GlzEncoderDictionary(1 << 20);
    encodeGlz(randomImage(10, 10, 1), enc);
    enc.reset();
    expect(enc.imageCount).toBe(0);
    const stream = encodeGlz(randomImage(10, 10, 2), enc);
    expect(readGlzHeader(stream)).toMatchObject({ id: 0, winHeadDist: 0 });
  });

  it("property: image sequences of any size round trip through one dictionary", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 3 }), fc.boolean()), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 4000 }),
        (specs, seed, window) => {
          const enc = new GlzEncoderDictionary(window);
          const dec = new GlzDictionary(window);
          return specs.every(([w, h, k, rgba], i) => {
            const img = randomImage(w, h, seed + (k % 2), 20 + k * 500, rgba ? 3 : 0);
            const out = decodeGlz(encodeGlz(img, enc, rgba ? "rgba" : "rgb32"), dec, { out: new Uint8Array(w * h * 4) });
            return samePixels(out.data, img, rgba) && i >= 0;
          });
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe("GlzEncoderDictionary.dispose", () => {
  const sequence = (): { img: TestImage; type: "rgb32" | "rgba" }[] => [
    { img: pngAsBgrx("ui_1280x800"), type: "rgb32" },
    { img: randomImage(300, 200, 4, 40, 7), type: "rgba" },
    { img: pngAsBgrx("uitile_256x256"), type: "rgb32" },
    { img: scrolled(pngAsBgrx("term_1280x800"), 17, randomImage(1280, 17, 9, 8)), type: "rgb32" },
    { img: randomImage(300, 200, 4, 40, 8), type: "rgba" },
  ];
  const encodeAll = (dict: GlzEncoderDictionary) => sequence().map(({ img, type }) => encodeGlz(img, dict, type));

  it("the next dictionary takes the disposed one's tables, old contents and all, and codes the same streams as a new one", () => {
    const first = new GlzEncoderDictionary(1 << 22);
    const streams = encodeAll(first);
    const { arena, htab } = first;
    first.dispose();
    const reusing = new GlzEncoderDictionary(1 << 22);
    expect(reusing.arena).toBe(arena);
    expect(reusing.htab).toBe(htab);
    const fresh = new GlzEncoderDictionary(1 << 22);
    expect(fresh.arena).not.toBe(arena);
    const again = encodeAll(reusing);
    const reference = encodeAll(fresh);
    for (let i = 0; i < streams.length; i++) {
      expect(Buffer.compare(Buffer.from(again[i]!), Buffer.from(reference[i]!)), `image ${i}`).toBe(0);
      expect(Buffer.compare(Buffer.from(streams[i]!), Buffer.from(reference[i]!)), `image ${i}`).toBe(0);
    }
    reusing.dispose();
    fresh.dispose();
  });

  it("a disposed dictionary refuses new images with a clear error; disposing twice is harmless", () => {
    const dict = new GlzEncoderDictionary(1 << 20);
    encodeGlz(randomImage(64, 64, 4, 16, 1), dict);
    const { image } = dict.add(LzImageType.Rgb32, new Int32Array(16));
    expect(image.alive).toBe(true);
    dict.dispose();
    expect(image.alive).toBe(false);
    expect(dict.imageCount).toBe(0);
    dict.dispose();
    expect(() => encodeGlz(randomImage(64, 64, 4, 16, 2), dict)).toThrow(/disposed/);
  });

  it("tables too small for the next dictionary are not taken", () => {
    new GlzEncoderDictionary(1 << 24); // takes the spare tables earlier tests left
    const small = new GlzEncoderDictionary(1 << 16); // a ring of 2^17 pixels at most
    const { arena } = small;
    small.dispose();
    const big = new GlzEncoderDictionary(1 << 24);
    expect(big.arena).not.toBe(arena);
    big.dispose();
  });
});
