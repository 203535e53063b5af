import { decodeGlz, decodeLz, decodeLz4, decodeQuic, GLZ_MAX_WINDOW_PIXELS, GlzDictionary } from "@saffron/codecs";
import type { SpiceHtml5 } from "./spice-html5.js";
import type { BenchVector } from "./vectors.js";

export const CODECS = ["quic", "lz", "glz", "lz4"] as const;
export type BenchCodec = (typeof CODECS)[number];
export type BenchImpl = "saffron" | "spice-html5";

/** One timed decode: a codec, an image and an implementation. */
export interface BenchCase {
  codec: BenchCodec;
  image: string;
  impl: BenchImpl;
  width: number;
  height: number;
  /** Decodes once and returns the pixels, as B,G,R,A ("bgra") or R,G,B,A ("rgba") bytes. */
  run: () => Uint8Array | Uint8ClampedArray;
  layout: "bgra" | "rgba";
}

/** The name --filter matches against. */
export function caseKey(c: Pick<BenchCase, "codec" | "image" | "impl">): string {
  return `${c.codec}/${c.image}/${c.impl}`;
}

/** Every case name for these vectors, in run order (per image: QUIC, LZ, GLZ, LZ4; ours first). */
export function caseKeys(vectors: readonly BenchVector[]): { codec: BenchCodec; image: string; impl: BenchImpl }[] {
  const keys: { codec: BenchCodec; image: string; impl: BenchImpl }[] = [];
  for (const v of vectors) {
    for (const codec of CODECS) {
      keys.push({ codec, image: v.name, impl: "saffron" });
      if (codec === "quic" || codec === "lz") keys.push({ codec, image: v.name, impl: "spice-html5" });
    }
  }
  return keys;
}

/**
 * Builds a runnable case. Ours decode into one output buffer per image that is reused, as a
 * client reuses its surface scratch; spice-html5 allocates its ImageData per call, as it does.
 * GLZ gets a fresh dictionary per call (the vectors are image id 0 against an empty window).
 */
export function makeCase(
  key: { codec: BenchCodec; image: string; impl: BenchImpl },
  v: BenchVector,
  out: Uint8Array,
  html5: SpiceHtml5 | undefined,
): BenchCase {
  const base = { ...key, width: v.width, height: v.height };
  if (key.impl === "spice-html5") {
    if (!html5) throw new Error("spice-html5 is not loaded");
    if (key.codec === "quic") {
      const msg = html5.quicMessage(v.quic, v.width, v.height);
      return { ...base, layout: "rgba", run: () => html5.decodeQuic(msg).data };
    }
    if (key.codec === "lz") {
      const msg = html5.lzMessage(v.lz, v.width, v.height);
      return { ...base, layout: "rgba", run: () => html5.decodeLz(msg).data };
    }
    throw new Error(`spice-html5 has no ${key.codec} decoder`);
  }
  switch (key.codec) {
    case "quic":
      return { ...base, layout: "bgra", run: () => decodeQuic(v.quic, out).data };
    case "lz":
      return { ...base, layout: "bgra", run: () => decodeLz(v.lz, { out }).data };
    case "glz":
      return { ...base, layout: "bgra", run: () => decodeGlz(v.glz, new GlzDictionary(GLZ_MAX_WINDOW_PIXELS), { out }).data };
    case "lz4":
      return { ...base, layout: "bgra", run: () => decodeLz4(v.lz4, v.width, v.height, out).data };
  }
}

/**
 * Compares a decode with the original image (R,G,B,A bytes from the PNG) on B, G and R, the
 * channels these codecs carry. Returns a description of the first difference, or undefined.
 */
export function compareWithReference(c: BenchCase, pixels: Uint8Array | Uint8ClampedArray, reference: Uint8Array): string | undefined {
  const n = c.width * c.height;
  if (pixels.length < n * 4) return `output has ${pixels.length} bytes, expected ${n * 4}`;
  const [ri, bi] = c.layout === "bgra" ? [2, 0] : [0, 2];
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    if (pixels[i + ri] !== reference[i] || pixels[i + 1] !== reference[i + 1] || pixels[i + bi] !== reference[i + 2]) {
      const got = [pixels[i + ri], pixels[i + 1], pixels[i + bi]].join(",");
      const want = [reference[i], reference[i + 1], reference[i + 2]].join(",");
      return `pixel (${p % c.width},${Math.floor(p / c.width)}) is R,G,B ${got}, expected ${want}`;
    }
  }
  return undefined;
}
