import { decodeJpegSync, type SyncJpegDecoder } from "@saffron/codecs";
import { display as dsp, type Clip as WireClip } from "@saffron/protocol";
import type { Rect, Surface } from "../../surfaces/index.js";
import type { Logger } from "@saffron/protocol";
import { clip as mapClip, rect } from "./draw-mapping.js";
import { JpegTableCarrier } from "./jpeg-tables.js";
import type { StreamDecoder, VideoDecoderFactory } from "./video-decoder.js";
import type { DecodedImage } from "@saffron/codecs";

interface Stream {
  id: number;
  surfaceId: number;
  codec: number;
  topDown: boolean;
  width: number;
  height: number;
  dest: Rect;
  clip: Rect[] | null;
  frames: number;
  drops: number;
  /** MJPEG frames after the first omit the Huffman tables (see jpeg-tables.ts). */
  tables: JpegTableCarrier;
  /** The environment's decoder for this stream, when its factory handles the codec. */
  decoder?: StreamDecoder;
  report?: { uniqueId: number; maxWindow: number; timeoutMs: number; windowFrames: number; windowDrops: number; startMm: number; lastMm: number; startedAt: number };
}

export interface StreamPlayerDeps {
  jpeg: SyncJpegDecoder;
  /** Asynchronous decoders (browsers: WebCodecs); without one only MJPEG is played. */
  video?: VideoDecoderFactory;
  surface(id: number): Surface | undefined;
  invalidate(surfaceId: number, area: Rect): void;
  report(r: dsp.StreamReport): void;
  log: Logger;
  name: string;
}

/** Codec names for statistics, by SPICE VideoCodecType. */
export const VIDEO_CODEC_NAMES: Record<number, string> = { 1: "mjpeg", 2: "vp8", 3: "h264", 4: "vp9", 5: "h265" };

/**
 * Video streams (protocol-map §7). Frames are decoded and drawn into the stream's destination
 * on its surface, scaled and clipped. MJPEG is decoded synchronously with the session's JPEG
 * decoder, unless the environment's VideoDecoderFactory takes it; VP8, VP9 and H.264 need the
 * factory (the channel only advertises what it decodes). An asynchronous decode returns a
 * promise from `data`, and the channel handles no later message until it settles, so frames
 * are drawn in order with every other draw. Stream reports are sent when the server asked for
 * them (STREAM_ACTIVATE_REPORT).
 */
/** Frames decoded ahead of their turn at most at once (each holds a decoded picture). */
const MAX_AHEAD = 3;

interface Ahead {
  stream: Stream;
  /** The frame's data as decoded (MJPEG tables restored). */
  payload: Uint8Array;
  picture: Promise<DecodedImage | null>;
}

export class StreamPlayer {
  private readonly streams = new Map<number, Stream>();
  /** Decodes started ahead of their turn, by the message that carries the frame. */
  private readonly ahead = new Map<object, Ahead>();
  framesDecoded = 0;
  framesDropped = 0;
  /** Milliseconds spent decoding frames (for an asynchronous decoder: until its picture came). */
  decodeMs = 0;
  /** Codec of the last stream created ("vp8", "h264", ...), undefined before any. */
  codec?: string;

  constructor(private readonly deps: StreamPlayerDeps) {}

  get active(): number {
    return this.streams.size;
  }

  create(b: dsp.StreamCreate): void {
    this.streams.set(b.id, {
      id: b.id,
      surfaceId: b.surfaceId,
      codec: b.codecType,
      topDown: (b.flags & dsp.StreamFlags.TopDown) !== 0,
      width: b.streamWidth,
      height: b.streamHeight,
      dest: rect(b.dest),
      clip: mapClip(b.clip) as Rect[] | null,
      frames: 0,
      drops: 0,
      tables: new JpegTableCarrier(),
      decoder: this.deps.video?.codecs.includes(b.codecType) ? this.deps.video.create(b.codecType, b.streamWidth, b.streamHeight) : undefined,
    });
    this.codec = VIDEO_CODEC_NAMES[b.codecType] ?? `codec-${b.codecType}`;
    this.deps.log.debug(this.deps.name, "stream created", { id: b.id, codec: b.codecType, width: b.streamWidth, height: b.streamHeight });
  }

  /** Room for one more decodeAhead(). */
  get canDecodeAhead(): boolean {
    return this.ahead.size < MAX_AHEAD;
  }

  /**
   * Starts decoding a frame that is not its turn yet (message `key`, handled later with the
   * same key), when that is safe: an MJPEG stream on an asynchronous decoder, whose frames are
   * independent pictures. Frames must be offered in stream order (the MJPEG tables carry over).
   */
  decodeAhead(key: object, id: number, data: Uint8Array): void {
    const s = this.streams.get(id);
    if (!s?.decoder || s.codec !== dsp.VideoCodecType.Mjpeg || this.ahead.has(key) || !this.canDecodeAhead) return;
    const payload = s.tables.complete(data);
    const picture = s.decoder.decode(payload).catch((e: unknown) => {
      this.deps.log.warn(this.deps.name, "stream frame not decoded", { id, error: e instanceof Error ? e.message : String(e) });
      return null;
    });
    this.ahead.set(key, { stream: s, payload, picture });
  }

  /**
   * One frame; returns a promise when an asynchronous decoder is at work (await it before the
   * next message). `key` identifies the message, for a decode started by decodeAhead().
   */
  data(id: number, mmTime: number, data: Uint8Array, sized?: { width: number; height: number; dest: Rect }, key?: object): void | Promise<void> {
    const early = key === undefined ? undefined : this.ahead.get(key);
    if (early) this.ahead.delete(key!);
    const s = this.streams.get(id);
    if (!s) {
      this.deps.log.warn(this.deps.name, "data for unknown stream", { id });
      return;
    }
    if (sized) {
      s.width = sized.width;
      s.height = sized.height;
      s.dest = sized.dest;
    }
    if (!this.deps.surface(s.surfaceId)) {
      this.countFrame(s, mmTime, true);
      return;
    }
    if (early?.stream === s) return this.decodeAsync(s, early.picture, mmTime);
    const payload = s.codec === dsp.VideoCodecType.Mjpeg ? (early?.payload ?? s.tables.complete(data)) : data;
    if (s.decoder) return this.decodeAsync(s, this.decodeFrame(s, s.decoder, payload), mmTime);
    if (s.codec !== dsp.VideoCodecType.Mjpeg) {
      this.countFrame(s, mmTime, true);
      return;
    }
    const t0 = now();
    const frame = decodeJpegSync(payload, s.width, s.height, this.deps.jpeg);
    this.decodeMs += now() - t0;
    this.draw(s, frame, mmTime);
  }

  private async decodeFrame(s: Stream, decoder: StreamDecoder, payload: Uint8Array): Promise<DecodedImage | null> {
    try {
      return await decoder.decode(payload);
    } catch (e) {
      this.deps.log.warn(this.deps.name, "stream frame not decoded", { id: s.id, error: e instanceof Error ? e.message : String(e) });
      return null;
    }
  }

  private async decodeAsync(s: Stream, picture: Promise<DecodedImage | null>, mmTime: number): Promise<void> {
    const dest = s.dest, clip = s.clip;
    const t0 = now();
    const frame = await picture;
    this.decodeMs += now() - t0;
    if (!frame || this.streams.get(s.id) !== s) {
      this.countFrame(s, mmTime, true);
      return;
    }
    this.draw(s, frame, mmTime, dest, clip);
  }

  private draw(s: Stream, frame: DecodedImage, mmTime: number, dest = s.dest, clip = s.clip): void {
    const surface = this.deps.surface(s.surfaceId);
    if (!surface || frame.width <= 0 || frame.height <= 0) {
      this.countFrame(s, mmTime, true);
      return;
    }
    let src = frame;
    if (!s.topDown) {
      const row = frame.width * 4;
      const flipped = new Uint8Array(frame.width * frame.height * 4);
      for (let y = 0; y < frame.height; y++) flipped.set(frame.data.subarray(y * row, y * row + row), (frame.height - 1 - y) * row);
      src = { ...frame, data: flipped };
    }
    surface.copy({
      box: dest,
      clip,
      src,
      srcArea: { left: 0, top: 0, right: frame.width, bottom: frame.height },
      ropd: dsp.Ropd.OpPut,
      scaleMode: dsp.ScaleMode.Interpolate,
    });
    this.framesDecoded++;
    this.countFrame(s, mmTime, false);
    this.deps.invalidate(s.surfaceId, dest);
  }

  clip(id: number, c: WireClip): void {
    const s = this.streams.get(id);
    if (s) s.clip = mapClip(c) as Rect[] | null;
  }

  destroy(id: number): void {
    const s = this.streams.get(id);
    if (s?.report) this.flushReport(s);
    s?.decoder?.close();
    this.streams.delete(id);
    for (const [key, a] of this.ahead) if (a.stream === s) this.ahead.delete(key);
  }

  destroyAll(): void {
    for (const s of this.streams.values()) s.decoder?.close();
    this.streams.clear();
    this.ahead.clear();
  }

  activateReport(b: { streamId: number; uniqueId: number; maxWindowSize: number; timeoutMs: number }): void {
    const s = this.streams.get(b.streamId);
    if (!s) return;
    s.report = { uniqueId: b.uniqueId, maxWindow: b.maxWindowSize, timeoutMs: b.timeoutMs, windowFrames: 0, windowDrops: 0, startMm: 0, lastMm: 0, startedAt: Date.now() };
  }

  private countFrame(s: Stream, mmTime: number, dropped: boolean): void {
    s.frames++;
    if (dropped) {
      s.drops++;
      this.framesDropped++;
    }
    const r = s.report;
    if (!r) return;
    if (r.windowFrames === 0) {
      r.startMm = mmTime;
      r.startedAt = Date.now();
    }
    r.windowFrames++;
    if (dropped) r.windowDrops++;
    r.lastMm = mmTime;
    if (r.windowFrames >= r.maxWindow || Date.now() - r.startedAt >= r.timeoutMs) this.flushReport(s);
  }

  private flushReport(s: Stream): void {
    const r = s.report;
    if (!r || r.windowFrames === 0) return;
    this.deps.report({
      streamId: s.id,
      uniqueId: r.uniqueId,
      startFrameMmTime: r.startMm,
      endFrameMmTime: r.lastMm,
      numFrames: r.windowFrames,
      numDrops: r.windowDrops,
      lastFrameDelay: 0,
      audioDelay: 0xffffffff,
    });
    r.windowFrames = 0;
    r.windowDrops = 0;
  }
}

const now = (): number => performance.now();
