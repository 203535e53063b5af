import type { DecodedImage } from "@saffron/codecs";
import { display as dsp } from "@saffron/protocol";
import type { StreamDecoder, VideoDecoderFactory } from "../channels/display/video-decoder.js";

// The parts of WebCodecs used here, declared so the client package needs no DOM typings.
interface FrameLike {
  readonly timestamp: number;
  readonly codedWidth: number;
  readonly codedHeight: number;
  readonly visibleRect?: { width: number; height: number } | null;
  copyTo(dest: Uint8Array, options?: { format?: string }): Promise<unknown>;
  close(): void;
}
interface VideoDecoderLike {
  readonly state: string;
  configure(config: Record<string, unknown>): void;
  decode(chunk: unknown): void;
  close(): void;
}
interface VideoDecoderCtor {
  new (init: { output(frame: FrameLike): void; error(e: unknown): void }): VideoDecoderLike;
  isConfigSupported(config: Record<string, unknown>): Promise<{ supported?: boolean }>;
}
type ChunkCtor = new (init: { type: "key" | "delta"; timestamp: number; data: Uint8Array }) => unknown;
interface ImageDecoderLike {
  decode(): Promise<{ image: FrameLike }>;
  close(): void;
}
interface ImageDecoderCtor {
  new (init: { type: string; data: Uint8Array }): ImageDecoderLike;
  isTypeSupported(type: string): Promise<boolean>;
}
interface Canvas2DLike {
  drawImage(image: unknown, x: number, y: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}
type OffscreenCanvasCtor = new (w: number, h: number) => { getContext(type: "2d", opts?: unknown): Canvas2DLike | null };

interface WebCodecsGlobals {
  VideoDecoder?: VideoDecoderCtor;
  EncodedVideoChunk?: ChunkCtor;
  ImageDecoder?: ImageDecoderCtor;
  OffscreenCanvas?: OffscreenCanvasCtor;
}

export interface WebCodecsVideoOptions {
  /** Decode MJPEG frames with ImageDecoder too (default true when image/jpeg is supported). */
  mjpeg?: boolean;
  /** SPICE codec types to consider (default MJPEG, VP8, H.264, VP9). */
  codecs?: number[];
  /** A frame whose picture has not come after this long is dropped (default 1000 ms). */
  frameTimeoutMs?: number;
}

const C = dsp.VideoCodecType;
/** Codec strings probed with isConfigSupported (the stream's own string is built from its data). */
const PROBE: Record<number, string> = { [C.Vp8]: "vp8", [C.H264]: "avc1.42E01F", [C.Vp9]: "vp09.00.10.08" };

/**
 * A VideoDecoderFactory on WebCodecs (browsers, window or worker): VP8, VP9 and H.264
 * (Annex B, no description) with VideoDecoder, MJPEG with ImageDecoder, each only when the
 * browser says it decodes it (isConfigSupported / isTypeSupported). Resolves undefined when
 * there is no WebCodecs at all. Pictures are copied out as B,G,R,X (VideoFrame.copyTo with a
 * format, or through an OffscreenCanvas where copyTo cannot convert).
 */
export async function createWebCodecsVideoFactory(options: WebCodecsVideoOptions = {}): Promise<VideoDecoderFactory | undefined> {
  const g = globalThis as WebCodecsGlobals;
  const wanted = options.codecs ?? [C.Mjpeg, C.Vp8, C.H264, C.Vp9];
  const codecs: number[] = [];
  if (wanted.includes(C.Mjpeg) && options.mjpeg !== false && g.ImageDecoder) {
    if (await g.ImageDecoder.isTypeSupported("image/jpeg").catch(() => false)) codecs.push(C.Mjpeg);
  }
  if (g.VideoDecoder && g.EncodedVideoChunk) {
    for (const codec of [C.Vp8, C.H264, C.Vp9]) {
      if (!wanted.includes(codec)) continue;
      const r = await g.VideoDecoder.isConfigSupported({ codec: PROBE[codec], codedWidth: 1920, codedHeight: 1080, optimizeForLatency: true }).catch(() => ({ supported: false }));
      if (r.supported) codecs.push(codec);
    }
  }
  if (codecs.length === 0) return undefined;
  const timeoutMs = options.frameTimeoutMs ?? 1000;
  return {
    codecs,
    create(codec: number): StreamDecoder {
      return codec === C.Mjpeg ? new JpegStream(g.ImageDecoder!) : new VideoStream(codec, g.VideoDecoder!, g.EncodedVideoChunk!, timeoutMs);
    },
  };
}

class JpegStream implements StreamDecoder {
  constructor(private readonly ctor: ImageDecoderCtor) {}

  async decode(frame: Uint8Array): Promise<DecodedImage | null> {
    const dec = new this.ctor({ type: "image/jpeg", data: frame });
    try {
      const { image } = await dec.decode();
      try {
        return await framePixels(image);
      } finally {
        image.close();
      }
    } finally {
      dec.close();
    }
  }

  close(): void {}
}

class VideoStream implements StreamDecoder {
  private decoder?: VideoDecoderLike;
  private next = 0;
  /** Frames sent to the decoder, oldest first, each waiting for its picture. */
  private readonly waiting: { ts: number; resolve(f: FrameLike | null): void; timer: ReturnType<typeof setTimeout> }[] = [];
  private closed = false;

  constructor(
    private readonly codec: number,
    private readonly Decoder: VideoDecoderCtor,
    private readonly Chunk: ChunkCtor,
    private readonly timeoutMs: number,
  ) {}

  async decode(data: Uint8Array): Promise<DecodedImage | null> {
    if (this.closed) return null;
    const key = isKeyFrame(this.codec, data);
    if (!this.decoder || this.decoder.state === "closed") {
      if (!key) return null; // wait for a key frame
      this.decoder = new this.Decoder({ output: (f) => this.output(f), error: () => this.failed() });
      this.decoder.configure({ codec: codecString(this.codec, data), optimizeForLatency: true });
    }
    const ts = this.next++ * 1000;
    const picture = new Promise<FrameLike | null>((resolve) => {
      const timer = setTimeout(() => this.settle(ts, null), this.timeoutMs);
      this.waiting.push({ ts, resolve, timer });
    });
    try {
      this.decoder.decode(new this.Chunk({ type: key ? "key" : "delta", timestamp: ts, data }));
    } catch {
      this.failed();
    }
    const frame = await picture;
    if (!frame) return null;
    try {
      return await framePixels(frame);
    } finally {
      frame.close();
    }
  }

  private output(frame: FrameLike): void {
    if (!this.waiting.some((w) => w.ts === frame.timestamp)) {
      frame.close();
      return;
    }
    // Anything older that is still waiting gave no picture.
    while (this.waiting.length > 0 && this.waiting[0]!.ts < frame.timestamp) this.settle(this.waiting[0]!.ts, null);
    this.settle(frame.timestamp, frame);
  }

  private settle(ts: number, frame: FrameLike | null): void {
    const i = this.waiting.findIndex((w) => w.ts === ts);
    if (i < 0) {
      frame?.close();
      return;
    }
    const [w] = this.waiting.splice(i, 1);
    clearTimeout(w!.timer);
    w!.resolve(frame);
  }

  /** The decoder errored (it is closed now): the next key frame starts a new one. */
  private failed(): void {
    try {
      if (this.decoder && this.decoder.state !== "closed") this.decoder.close();
    } catch {
      // already closed
    }
    this.decoder = undefined;
    for (const w of this.waiting.splice(0)) {
      clearTimeout(w.timer);
      w.resolve(null);
    }
  }

  close(): void {
    this.closed = true;
    this.failed();
  }
}

let copyToConverts: boolean | undefined;

/** The visible picture of a VideoFrame as top-down B,G,R,X bytes. */
async function framePixels(frame: FrameLike): Promise<DecodedImage> {
  const width = frame.visibleRect?.width ?? frame.codedWidth;
  const height = frame.visibleRect?.height ?? frame.codedHeight;
  const data = new Uint8Array(width * height * 4);
  if (copyToConverts !== false) {
    try {
      await frame.copyTo(data, { format: "BGRX" });
      copyToConverts = true;
      return { width, height, data, hasAlpha: false };
    } catch (e) {
      if (copyToConverts === true) throw e;
      copyToConverts = false;
    }
  }
  const Canvas = (globalThis as WebCodecsGlobals).OffscreenCanvas;
  const ctx = Canvas ? new Canvas(width, height).getContext("2d", { willReadFrequently: true }) : null;
  if (!ctx) throw new Error("this browser can neither convert a VideoFrame with copyTo nor draw it on an OffscreenCanvas");
  ctx.drawImage(frame, 0, 0);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  for (let i = 0; i < data.length; i += 4) {
    data[i] = rgba[i + 2]!;
    data[i + 1] = rgba[i + 1]!;
    data[i + 2] = rgba[i]!;
    data[i + 3] = 255;
  }
  return { width, height, data, hasAlpha: false };
}

/** Does this frame start a new decode (VP8/VP9 key frame, H.264 access unit with an IDR slice)? */
export function isKeyFrame(codec: number, data: Uint8Array): boolean {
  if (data.length === 0) return false;
  if (codec === C.Vp8) return (data[0]! & 1) === 0;
  if (codec === C.Vp9) {
    const b = data[0]!;
    if (b >> 6 !== 2) return false; // frame marker
    const profile = ((b >> 5) & 1) | (((b >> 4) & 1) << 1);
    let bit = 3; // next bit, counted down from 7
    if (profile === 3) bit--;
    if ((b >> bit) & 1) return false; // show_existing_frame
    return ((b >> (bit - 1)) & 1) === 0;
  }
  if (codec === C.H264) {
    for (const nal of annexBNals(data)) if ((data[nal]! & 0x1f) === 5) return true;
    return false;
  }
  return true;
}

/** Offsets of the NAL header bytes in an Annex B byte stream. */
function* annexBNals(d: Uint8Array): Generator<number> {
  for (let i = 0; i + 3 < d.length; i++) {
    if (d[i] === 0 && d[i + 1] === 0 && d[i + 2] === 1) {
      yield i + 3;
      i += 2;
    }
  }
}

const hex2 = (n: number) => n.toString(16).padStart(2, "0").toUpperCase();

/** The WebCodecs codec string for a stream, from its first key frame where the format allows. */
export function codecString(codec: number, key: Uint8Array): string {
  if (codec === C.Vp8) return "vp8";
  if (codec === C.Vp9) {
    const b = key[0] ?? 0;
    const profile = ((b >> 5) & 1) | (((b >> 4) & 1) << 1);
    return `vp09.0${profile}.10.${profile >= 2 ? "10" : "08"}`;
  }
  if (codec === C.H264) {
    for (const nal of annexBNals(key)) {
      if ((key[nal]! & 0x1f) === 7 && nal + 3 < key.length) return `avc1.${hex2(key[nal + 1]!)}${hex2(key[nal + 2]!)}${hex2(key[nal + 3]!)}`;
    }
    return "avc1.640033";
  }
  return "";
}
