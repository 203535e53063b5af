import { encodeGlz, GLZ_MAX_WINDOW_PIXELS, GlzEncoderDictionary, Lz4Encoder, LzEncoder, QuicEncoder, type EncoderImage } from "@saffron/codecs";
import type { EncoderCodec } from "./encoder-baselines.js";
import type { BenchVector } from "./vectors.js";

export const ENCODER_CODECS: readonly EncoderCodec[] = ["quic", "lz", "glz", "glz-repeat", "lz4"];

/** One timed encode: `run` encodes once (after `setup`, which is not timed) and returns the stream. */
export interface EncoderCase {
  codec: EncoderCodec;
  image: string;
  width: number;
  height: number;
  setup?: () => void;
  run: () => Uint8Array;
  /** The C encoder's stream for this image (the vector file), when there is one. */
  referenceStream: Uint8Array | undefined;
}

/** The name --filter matches against, e.g. "glz-repeat/term_1280x800". */
export function encoderCaseKey(c: { codec: EncoderCodec; image: string }): string {
  return `${c.codec}/${c.image}`;
}

/** Encoders are kept per benchmark run, as the server keeps one per client. */
export interface EncoderSet {
  quic: QuicEncoder;
  lz: LzEncoder;
  lz4: Lz4Encoder;
}

export function newEncoderSet(): EncoderSet {
  return { quic: new QuicEncoder(), lz: new LzEncoder(), lz4: new Lz4Encoder() };
}

/**
 * Builds a runnable encode case, timed the way the C reference was: QUIC and LZ reuse their
 * encoder (contexts created once), GLZ gets a fresh 16 Mpixel dictionary per call (created
 * outside the timed region), GLZ-repeat first puts the image in a fresh dictionary (untimed) and
 * times the second encode of the same image, LZ4 reuses its encoder (as liblz4's output buffer
 * was preallocated in the C harness).
 */
export function makeEncoderCase(codec: EncoderCodec, v: BenchVector, image: EncoderImage, encoders: EncoderSet): EncoderCase {
  const base = { codec, image: v.name, width: v.width, height: v.height };
  const dictPixels = Math.min(16 << 20, GLZ_MAX_WINDOW_PIXELS);
  switch (codec) {
    case "quic":
      // A view of the encoder's buffer, valid until its next encode (as the server uses it).
      return { ...base, referenceStream: v.quic, run: () => encoders.quic.encode(image) };
    case "lz":
      return { ...base, referenceStream: v.lz, run: () => encoders.lz.encode(image) };
    case "glz": {
      let dict = new GlzEncoderDictionary(dictPixels);
      // The previous dictionary is disposed first, as the C harness destroys its encoder and
      // dictionary before creating the next (and malloc then hands them the same memory).
      const setup = (): void => {
        dict.dispose();
        dict = new GlzEncoderDictionary(dictPixels);
      };
      return { ...base, referenceStream: v.glz, setup, run: () => encodeGlz(image, dict) };
    }
    case "glz-repeat": {
      let dict = new GlzEncoderDictionary(dictPixels);
      const setup = (): void => {
        dict.dispose();
        dict = new GlzEncoderDictionary(dictPixels);
        encodeGlz(image, dict);
      };
      return { ...base, referenceStream: undefined, setup, run: () => encodeGlz(image, dict) };
    }
    case "lz4":
      return { ...base, referenceStream: v.lz4, run: () => encoders.lz4.encode(image) };
  }
}

/** Size of the image's bytes, as memcpy'd by the reference copy. */
export const rawBytes = (c: { width: number; height: number }): number => c.width * c.height * 4;

/** The same bytes copied with Uint8Array.set (memcpy speed in Node): the copy-bandwidth reference. */
export function makeCopyCase(image: EncoderImage): () => Uint8Array {
  const dst = new Uint8Array(image.data.length);
  return () => {
    dst.set(image.data);
    return dst;
  };
}

/** PNG pixels (R,G,B,A) as the B,G,R,X bytes the encoders take (X = 255, as in the vectors). */
export function rgbaToBgrx(rgba: Uint8Array, width: number, height: number): EncoderImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = rgba[i + 2];
    data[i + 1] = rgba[i + 1];
    data[i + 2] = rgba[i];
    data[i + 3] = 255;
  }
  return { width, height, data };
}
