// Saffron's image encoders against spice's own C encoders, byte for byte: spice-common's QUIC and
// LZ, spice-server's GLZ and its LZ4 framing on liblz4, as Debian 12 ships them (spice 0.15.1,
// built from Debian's source package by the bench's c-reference.ts, outside the repository).
// Also drives `saffron bench encoders`' same-run comparison with them.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeGlz, GlzEncoderDictionary, Lz4Encoder, LzEncoder, QuicEncoder, type EncoderImage } from "@saffron/codecs";
import { buildCReference, runCReference } from "../packages/cli/src/bench/c-reference.js";
import { runEncoderBench } from "../packages/cli/src/bench/run-encoder-bench.js";
import { rgbaToBgrx } from "../packages/cli/src/bench/encoder-cases.js";
import { loadVectors, locateVectorsDir } from "../packages/cli/src/bench/vectors.js";
import { readFileSync } from "node:fs";
import pngjs from "pngjs";
import { plasma } from "./fixtures.js";

type Codec = "quic" | "lz" | "glz" | "glz-repeat" | "lz4";

function ours(codec: Codec, image: EncoderImage): Uint8Array {
  switch (codec) {
    case "quic":
      return new QuicEncoder().encode(image).slice();
    case "lz":
      return new LzEncoder().encode(image).slice();
    case "glz":
      return encodeGlz(image, new GlzEncoderDictionary(16 << 20)).slice();
    case "glz-repeat": {
      const dict = new GlzEncoderDictionary(16 << 20);
      encodeGlz(image, dict);
      return encodeGlz(image, dict).slice();
    }
    case "lz4":
      return new Lz4Encoder().encode(image).slice();
  }
}

/** Deterministic pictures the vectors do not cover: tiny and odd sizes, noise, flat runs, stripes. */
function synthetic(): { name: string; image: EncoderImage }[] {
  const make = (name: string, width: number, height: number, px: (x: number, y: number) => number) => {
    const data = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const v = px(x, y);
        data.set([v & 255, (v >>> 8) & 255, (v >>> 16) & 255, 255], (y * width + x) * 4);
      }
    return { name, image: { width, height, data } };
  };
  let s = 7;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8;
  const p = plasma(301, 173, 5);
  return [
    make("1x1", 1, 1, () => 0x123456),
    make("7x3 noise", 7, 3, () => rnd()),
    make("255x17 stripes", 255, 17, (x, y) => ((x >> 2) + y) % 3 === 0 ? 0xffffff : 0x202020),
    make("64x64 noise", 64, 64, () => rnd()),
    make("640x9 flat then noise", 640, 9, (x) => (x < 400 ? 0x336699 : rnd())),
    { name: "301x173 plasma", image: p },
  ];
}

describe("Saffron's encoders vs spice 0.15.1's C encoders", () => {
  let bin: string;
  let tmp: string;
  beforeAll(async () => {
    bin = await buildCReference();
    tmp = mkdtempSync(join(tmpdir(), "saffron-cref-test-"));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const CODECS: Codec[] = ["quic", "lz", "glz", "glz-repeat", "lz4"];

  it("produce the same streams on the corpus images and on odd synthetic ones", () => {
    const dir = locateVectorsDir();
    const images = [
      ...loadVectors(dir)
        .filter((v) => !v.name.startsWith("mixed")) // the 1920x1080 one adds time, not coverage
        .map((v) => {
          const png = pngjs.PNG.sync.read(readFileSync(join(dir, `${v.name}.png`)));
          return { name: v.name, image: rgbaToBgrx(new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height) };
        }),
      ...synthetic(),
    ];
    const report: string[] = [];
    for (const { name, image } of images) {
      const file = join(tmp, `${name.replace(/\W+/g, "-")}.bgrx`);
      writeFileSync(file, image.data);
      for (const codec of CODECS) {
        const c = runCReference(bin, codec, file, image.width, image.height, { stream: true, iterations: 1 });
        const mine = ours(codec, image);
        report.push(`${name} ${codec}: C ${c.bytes} B, ours ${mine.length} B`);
        expect(c.stream!.length, `${name} ${codec}`).toBe(c.bytes);
        expect(Buffer.from(mine).equals(Buffer.from(c.stream!)), `${name} ${codec}: ours ${mine.length} B vs C ${c.bytes} B`).toBe(true);
      }
    }
    console.log(report.join("\n"));
  });

  it("are timed side by side by bench encoders, pass by pass", async () => {
    let out = "";
    const results = await runEncoderBench(
      { target: "encoders", json: false, filter: /^(lz|glz)\/uitile/, iterations: 3, runs: 2, spiceHtml5Dir: "", cReference: "build" },
      { write: (s) => void (out += s) },
    );
    expect(results.map((r) => r.codec)).toEqual(["lz", "glz"]);
    for (const r of results) {
      expect(r.sameAsC).toBe(true);
      expect(r.cMpps).toBeGreaterThan(0);
      expect(r.vsCRange).toHaveLength(2);
      expect(r.vsC).toBeGreaterThanOrEqual(r.vsCRange![0]);
      expect(r.vsC).toBeLessThanOrEqual(r.vsCRange![1]);
    }
    expect(out).toContain("timed in this run");
    expect(out).toMatch(/uitile_256x256 +[\d.]+ +\d+ +[\d.]+ (PASS|MISS) +15,842 +15,842 +1\.000 +yes +yes PASS/);
    console.log(out);
  });

  it("refuses a harness argument it does not know, with the reason", () => {
    expect(() => runCReference(bin, "zstd" as Codec, join(tmp, "none.bgrx"), 1, 1)).toThrow(/unknown codec zstd/);
  });
});
