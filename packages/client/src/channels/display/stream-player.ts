import { decodeJpegSync, type SyncJpegDecoder } from "@saffron/codecs";
import { display as dsp, type Clip as WireClip } from "@saffron/protocol";
import type { Rect, Surface } from "../../surfaces/index.js";
import type { Logger } from "@saffron/protocol";
import { clip as mapClip, rect } from "./draw-mapping.js";
import { JpegTableCarrier } from "./jpeg-tables.js";

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
  report?: { uniqueId: number; maxWindow: number; timeoutMs: number; windowFrames: number; windowDrops: number; startMm: number; lastMm: number; startedAt: number };
}

export interface StreamPlayerDeps {
  jpeg: SyncJpegDecoder;
  surface(id: number): Surface | undefined;
  invalidate(surfaceId: number, area: Rect): void;
  report(r: dsp.StreamReport): void;
  log: Logger;
  name: string;
}

/**
 * Video streams (protocol-map §7). MJPEG frames are decoded and drawn into the stream's
 * destination on its surface, scaled and clipped; other codecs (VP8, H.264 ...) are not
 * advertised by the Node client, so the server never sends them. Stream reports are sent
 * when the server asked for them (STREAM_ACTIVATE_REPORT).
 */
export class StreamPlayer {
  private readonly streams = new Map<number, Stream>();
  framesDecoded = 0;

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
    });
    this.deps.log.debug(this.deps.name, "stream created", { id: b.id, codec: b.codecType, width: b.streamWidth, height: b.streamHeight });
  }

  data(id: number, mmTime: number, data: Uint8Array, sized?: { width: number; height: number; dest: Rect }): void {
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
    const surface = this.deps.surface(s.surfaceId);
    if (s.codec !== dsp.VideoCodecType.Mjpeg || !surface) {
      this.countFrame(s, mmTime, true);
      return;
    }
    const frame = decodeJpegSync(s.tables.complete(data), s.width, s.height, this.deps.jpeg);
    let src = frame;
    if (!s.topDown) {
      const row = frame.width * 4;
      const flipped = new Uint8Array(frame.data.length);
      for (let y = 0; y < frame.height; y++) flipped.set(frame.data.subarray(y * row, y * row + row), (frame.height - 1 - y) * row);
      src = { ...frame, data: flipped };
    }
    surface.copy({
      box: s.dest,
      clip: s.clip,
      src,
      srcArea: { left: 0, top: 0, right: s.width, bottom: s.height },
      ropd: dsp.Ropd.OpPut,
      scaleMode: dsp.ScaleMode.Interpolate,
    });
    this.framesDecoded++;
    this.countFrame(s, mmTime, false);
    this.deps.invalidate(s.surfaceId, s.dest);
  }

  clip(id: number, c: WireClip): void {
    const s = this.streams.get(id);
    if (s) s.clip = mapClip(c) as Rect[] | null;
  }

  destroy(id: number): void {
    const s = this.streams.get(id);
    if (s?.report) this.flushReport(s);
    this.streams.delete(id);
  }

  destroyAll(): void {
    this.streams.clear();
  }

  activateReport(b: { streamId: number; uniqueId: number; maxWindowSize: number; timeoutMs: number }): void {
    const s = this.streams.get(b.streamId);
    if (!s) return;
    s.report = { uniqueId: b.uniqueId, maxWindow: b.maxWindowSize, timeoutMs: b.timeoutMs, windowFrames: 0, windowDrops: 0, startMm: 0, lastMm: 0, startedAt: Date.now() };
  }

  private countFrame(s: Stream, mmTime: number, dropped: boolean): void {
    s.frames++;
    if (dropped) s.drops++;
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
