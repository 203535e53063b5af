import { display as dsp } from "@saffron/protocol";
import type { DamageRect, Framebuffer } from "../sources/display-source.js";
import { extractRect, looksPhotographic } from "./image-encoder.js";
import { StreamDetector, intersection, intersects, subtract, type StreamDetectorOptions } from "./stream-detector.js";
import type { JpegEncoder, StreamPixels } from "./stream-jpeg-encoder.js";

/** The display messages the streaming path sends. */
export type StreamMessage =
  | { name: "StreamCreate"; body: dsp.StreamCreate }
  | { name: "StreamData"; body: { base: { id: number; multiMediaTime: number }; data: Uint8Array } }
  | { name: "StreamDestroy"; body: { id: number } }
  | { name: "StreamActivateReport"; body: { streamId: number; uniqueId: number; maxWindowSize: number; timeoutMs: number } };

export interface ClientStreamsDeps {
  encoder: JpegEncoder;
  send(m: StreamMessage): void;
  framebuffer(): Framebuffer;
  /** May the channel send now (ACK window, socket buffer)? */
  canSend(): boolean;
  /** Bytes queued in this process for the client. */
  backlog(): number;
  /** The session's multimedia clock (ms), as sent in MAIN_INIT. */
  mmTime(): number;
  /** The client asked for stream reports (display cap STREAM_REPORT). */
  reports: boolean;
  /** An area whose stream ended: send it losslessly. */
  redraw(r: DamageRect): void;
  /** A stream frame became sendable: run the channel's flush soon. */
  wake(): void;
  /** Is the region worth a lossy stream? Default: looksPhotographic. */
  isVideo?(p: StreamPixels): boolean;
  now?(): number;
  warn?(message: string): void;
}

export interface ClientStreamsOptions {
  detector?: StreamDetectorOptions;
  /** Streams per client at once (the protocol allows 64). Default 8. */
  maxStreams?: number;
  /** No update for this long ends a stream, followed by a lossless redraw (ms). Default 1000. */
  idleMs?: number;
  /** Frames per stream and second at most. Default 30. */
  maxFps?: number;
  /** JPEG quality: start, floor and ceiling of the rate control. Defaults 75, 30, 80. */
  quality?: number;
  minQuality?: number;
  maxQuality?: number;
  /** Frames are stamped this far ahead of the multimedia clock (ms): spice-gtk shows a frame at its stamp and drops late ones. Default 100. */
  latencyMs?: number;
  /** A frame is held back (and later replaced by a newer one) while more than this is queued for the client. Default 256 KiB. */
  backlogBytes?: number;
}

interface ActiveStream {
  id: number;
  uniqueId: number;
  rect: DamageRect;
  /** New pixels not yet encoded. */
  dirty: boolean;
  /** The dirty frame is waiting for the client (flow control), not for the encoder. */
  blocked: boolean;
  encoding: boolean;
  destroyed: boolean;
  lastDamage: number;
  lastFrameAt: number;
}

export interface StreamStats {
  created: number;
  destroyed: number;
  active: number;
  framesSent: number;
  bytesSent: number;
  /** Source frames replaced before they were sent: the client was behind. */
  framesDroppedBacklog: number;
  /** Source frames replaced while the previous one was being encoded. */
  framesDroppedEncoder: number;
  /** Drops the client reported (STREAM_REPORT). */
  framesDroppedClient: number;
  /** STREAM_REPORTs received. */
  reports: number;
  quality: number;
  latencyMs: number;
}

const REPORT_WINDOW = 5;
const REPORT_TIMEOUT_MS = 1000;
const TICK_MS = 200;

/**
 * One client's video streams (protocol-map §7): detection of video-like regions in its
 * damage, STREAM_CREATE / STREAM_DATA (MJPEG) / STREAM_DESTROY, and rate control.
 *
 * Frames are read from the composited framebuffer, so a stream's frame is always exactly
 * what the region shows; damage partly inside a stream is split (the inside is a new frame,
 * the rest goes the lossless way) and no STREAM_CLIP is ever needed. Damage much larger than
 * a stream that covers it ends the stream (the region is no longer "the video").
 *
 * Encoding is asynchronous with at most one frame per stream in flight; a newer frame
 * replaces an unsent one ("latest wins"), so a slow client or encoder sees fewer frames,
 * never a queue. Rate control: frames held back by flow control or dropped by the client
 * lower the JPEG quality in steps of 10; quiet periods raise it again in steps of 5.
 */
export class ClientStreams {
  private readonly detector: StreamDetector;
  private readonly streams = new Map<number, ActiveStream>();
  private readonly o: Required<Omit<ClientStreamsOptions, "detector">>;
  private readonly now: () => number;
  private quality: number;
  private latencyMs: number;
  private nextUniqueId = 1;
  private timer?: ReturnType<typeof setInterval>;
  private wakeTimer?: ReturnType<typeof setTimeout>;
  private disabled = false;
  private closed = false;
  // Rate-control window.
  private windowStart = 0;
  private windowFrames = 0;
  private windowTrouble = 0;
  private lastDown = -Infinity;
  private lastUp = -Infinity;
  readonly stats: StreamStats;

  constructor(
    private readonly deps: ClientStreamsDeps,
    options: ClientStreamsOptions = {},
  ) {
    const { detector, ...rest } = options;
    this.o = {
      maxStreams: 8,
      idleMs: 1000,
      maxFps: 30,
      quality: 75,
      minQuality: 30,
      maxQuality: 80,
      latencyMs: 100,
      backlogBytes: 256 * 1024,
      ...rest,
    };
    this.detector = new StreamDetector(detector);
    this.now = deps.now ?? Date.now;
    this.quality = this.o.quality;
    this.latencyMs = this.o.latencyMs;
    this.stats = {
      created: 0,
      destroyed: 0,
      active: 0,
      framesSent: 0,
      bytesSent: 0,
      framesDroppedBacklog: 0,
      framesDroppedEncoder: 0,
      framesDroppedClient: 0,
      reports: 0,
      quality: this.quality,
      latencyMs: this.latencyMs,
    };
  }

  get active(): number {
    return this.streams.size;
  }

  /** Some stream has a frame to send. */
  get pending(): boolean {
    for (const s of this.streams.values()) if (s.dirty && !s.encoding) return true;
    return false;
  }

  /**
   * One damage batch from the source. Detects new streams, marks the streams it touches,
   * and returns what is left for the lossless path.
   */
  damage(rects: readonly DamageRect[]): DamageRect[] {
    const now = this.now();
    if (!this.disabled && !this.closed) {
      for (const q of this.detector.observe(rects, now)) this.tryCreate(q, now);
    }
    if (this.streams.size === 0) return [...rects];
    const out: DamageRect[] = [];
    for (const r of rects) {
      let pieces: DamageRect[] = [r];
      for (const s of [...this.streams.values()]) {
        if (!intersects(s.rect, r)) continue;
        if (coversMuchMore(r, s.rect)) {
          this.destroy(s, true);
          continue;
        }
        this.markDirty(s, now);
        pieces = pieces.flatMap((p) => subtract(p, s.rect));
      }
      out.push(...pieces);
    }
    return out;
  }

  /** `r` without the stream areas (for damage queued before a stream started). */
  outside(r: DamageRect): DamageRect[] {
    let pieces = [r];
    for (const s of this.streams.values()) pieces = pieces.flatMap((p) => subtract(p, s.rect));
    return pieces;
  }

  /** Starts encoding the frames that may go out now. Call from the channel's flush. */
  pump(): void {
    if (this.closed) return;
    const now = this.now();
    const minInterval = 1000 / this.o.maxFps;
    for (const s of this.streams.values()) {
      if (!s.dirty || s.encoding) continue;
      const wait = s.lastFrameAt + minInterval - now;
      if (wait > 0) {
        this.wakeIn(wait);
        continue;
      }
      if (!this.deps.canSend() || this.deps.backlog() > this.o.backlogBytes) {
        s.blocked = true;
        continue;
      }
      this.encode(s, now);
    }
  }

  /** A STREAM_REPORT from the client. */
  report(r: dsp.StreamReport): void {
    const s = this.streams.get(r.streamId);
    if (!s || s.uniqueId !== r.uniqueId) return;
    this.stats.reports++;
    if (r.numFrames === 0 && r.numDrops === 0xffffffff) {
      // "Cannot decode this stream": no more streams for this client.
      this.deps.warn?.("client cannot decode MJPEG streams: streaming off for it");
      this.disabled = true;
      this.destroyAll(true);
      return;
    }
    if (r.numDrops > 0) {
      this.stats.framesDroppedClient += r.numDrops;
      this.windowTrouble += r.numDrops;
    }
    // last_frame_delay = frame stamp - client clock on arrival; negative means late.
    if (r.lastFrameDelay < 0) {
      this.latencyMs = Math.min(1000, this.latencyMs - r.lastFrameDelay + 20);
      this.stats.latencyMs = this.latencyMs;
      this.windowTrouble++;
    }
  }

  /** Ends every stream (surface going away, channel closing); `redraw` sends the areas losslessly. */
  destroyAll(redraw: boolean): void {
    for (const s of [...this.streams.values()]) this.destroy(s, redraw);
    this.detector.clear();
  }

  close(): void {
    this.closed = true;
    for (const s of this.streams.values()) s.destroyed = true;
    this.streams.clear();
    this.stopTimers();
  }

  /** Idle streams end; the rate control looks at the last second. Runs on a timer while streams exist. */
  tick(): void {
    const now = this.now();
    for (const s of [...this.streams.values()]) {
      if (now - s.lastDamage > this.o.idleMs && !s.encoding) this.destroy(s, true);
    }
    if (now - this.windowStart >= 1000) {
      const trouble = this.windowTrouble;
      const frames = this.windowFrames;
      this.windowStart = now;
      this.windowFrames = 0;
      this.windowTrouble = 0;
      if (trouble > 0 && trouble * 10 >= Math.max(1, frames)) {
        this.setQuality(this.quality - 10);
        this.lastDown = now;
      } else if (frames > 0 && now - this.lastDown >= 3000 && now - this.lastUp >= 2000) {
        this.setQuality(this.quality + 5);
        this.lastUp = now;
      }
    }
    if (this.streams.size === 0) this.stopTimers();
  }

  private setQuality(q: number): void {
    this.quality = Math.max(this.o.minQuality, Math.min(this.o.maxQuality, q));
    this.stats.quality = this.quality;
  }

  private tryCreate(rect: DamageRect, now: number): void {
    if (this.streams.size >= this.o.maxStreams) return;
    for (const s of this.streams.values()) if (intersects(s.rect, rect)) return;
    const fb = this.deps.framebuffer();
    const inside = intersection(rect, { left: 0, top: 0, right: fb.width, bottom: fb.height });
    if (!inside || inside.right - inside.left !== rect.right - rect.left || inside.bottom - inside.top !== rect.bottom - rect.top) return;
    const isVideo = this.deps.isVideo ?? looksPhotographic;
    if (!isVideo(extractRect(fb, rect))) return;
    let id = 0;
    while (this.streams.has(id)) id++;
    if (id >= dsp.MaxStreams) return;
    const s: ActiveStream = {
      id,
      uniqueId: this.nextUniqueId++,
      rect: { ...rect },
      dirty: true,
      blocked: false,
      encoding: false,
      destroyed: false,
      lastDamage: now,
      lastFrameAt: -Infinity,
    };
    this.streams.set(id, s);
    this.detector.forget(rect);
    const width = rect.right - rect.left;
    const height = rect.bottom - rect.top;
    this.deps.send({
      name: "StreamCreate",
      body: {
        surfaceId: 0,
        id,
        flags: dsp.StreamFlags.TopDown,
        codecType: dsp.VideoCodecType.Mjpeg,
        stamp: BigInt(this.deps.mmTime() >>> 0),
        streamWidth: width,
        streamHeight: height,
        srcWidth: width,
        srcHeight: height,
        dest: { top: rect.top, left: rect.left, bottom: rect.bottom, right: rect.right },
        clip: { type: 0 },
      } as dsp.StreamCreate,
    });
    if (this.deps.reports) {
      this.deps.send({
        name: "StreamActivateReport",
        body: { streamId: id, uniqueId: s.uniqueId, maxWindowSize: REPORT_WINDOW, timeoutMs: REPORT_TIMEOUT_MS },
      });
    }
    this.stats.created++;
    this.stats.active = this.streams.size;
    if (!this.timer) {
      this.windowStart = now;
      this.timer = setInterval(() => this.tick(), TICK_MS);
      this.timer.unref?.();
    }
  }

  private markDirty(s: ActiveStream, now: number): void {
    s.lastDamage = now;
    if (s.dirty) {
      // The unsent frame is replaced by this one.
      if (s.encoding) this.stats.framesDroppedEncoder++;
      else if (s.blocked) {
        this.stats.framesDroppedBacklog++;
        this.windowTrouble++;
      }
    }
    s.dirty = true;
  }

  private encode(s: ActiveStream, now: number): void {
    const fb = this.deps.framebuffer();
    if (s.rect.right > fb.width || s.rect.bottom > fb.height) return this.destroy(s, false);
    s.dirty = false;
    s.blocked = false;
    s.encoding = true;
    s.lastFrameAt = now;
    const pixels = extractRect(fb, s.rect);
    this.deps.encoder.encode(pixels, this.quality).then(
      (jpeg) => {
        s.encoding = false;
        if (s.destroyed || this.closed) return;
        this.deps.send({ name: "StreamData", body: { base: { id: s.id, multiMediaTime: (this.deps.mmTime() + this.latencyMs) >>> 0 }, data: jpeg } });
        this.stats.framesSent++;
        this.stats.bytesSent += jpeg.length;
        this.windowFrames++;
        if (s.dirty) this.deps.wake();
      },
      (e: unknown) => {
        s.encoding = false;
        if (this.closed) return;
        this.deps.warn?.(`JPEG encoder failed, streaming off: ${(e as Error)?.message ?? String(e)}`);
        this.disabled = true;
        this.destroyAll(true);
      },
    );
  }

  private destroy(s: ActiveStream, redraw: boolean): void {
    if (s.destroyed) return;
    s.destroyed = true;
    this.streams.delete(s.id);
    this.deps.send({ name: "StreamDestroy", body: { id: s.id } });
    this.stats.destroyed++;
    this.stats.active = this.streams.size;
    if (redraw) this.deps.redraw(s.rect);
  }

  private wakeIn(ms: number): void {
    if (this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.deps.wake();
    }, Math.ceil(ms));
    this.wakeTimer.unref?.();
  }

  private stopTimers(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
  }
}

/** `r` covers the stream and is more than twice its area: the stream is part of a bigger update. */
function coversMuchMore(r: DamageRect, s: DamageRect): boolean {
  const contains = r.left <= s.left && r.top <= s.top && r.right >= s.right && r.bottom >= s.bottom;
  const a = (x: DamageRect) => (x.right - x.left) * (x.bottom - x.top);
  return contains && a(r) > 2 * a(s);
}
