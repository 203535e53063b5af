import { CursorChannel, DisplayChannel, PlaybackChannel, SpiceSession, VIDEO_CODEC_NAMES, type Logger, type SpiceChannel, type Surface, type VideoDecoderFactory } from "@saffron/client";
import { ChannelType } from "@saffron/protocol";
import { bgrxRectToRgba } from "@saffron/codecs";
import { browserInflate, createBrowserJpegDecoder, createWebCodecsVideoFactory, websocketTransportFactory } from "@saffron/client/browser";
import { forwardPlayback } from "./audio/audio-events.js";
import { webCodecsOpusDecoder } from "./audio/webcodecs-opus.js";
import { DirtyRects } from "./dirty-rects.js";
import { RgbaBuffers } from "./rgba-buffers.js";
import { TransportMeter } from "./metered-transports.js";
import { SpeculativeTransports } from "./speculative-transports.js";
import { isAgentToSession } from "./agent/agent-messages.js";
import { SessionAgent } from "./agent/session-agent.js";
import { startRequest } from "./start-options.js";
import { SPECULATIVE_GEN, type FromSession, type PixelRectData, type PreconnectRequest, type SessionCounters, type SessionPost, type SessionTimeline, type StartRequest, type ToSession, type WireError } from "./worker-protocol.js";

const COUNTERS_EVERY_MS = 500;
/** Sockets opened by a "preconnect" that no session adopted are closed after this long. */
const PRECONNECT_TTL_MS = 10_000;
/** SPICE_MSG_DISPLAY_MARK: the server finished the initial frame. */
const DISPLAY_MARK = 102;

/**
 * The session side of a SpiceConsole: one SpiceSession at a time (all channels, decoding,
 * the software surfaces), talking to the page only through messages. It runs in a dedicated
 * Worker (session-worker.ts) or, where there is none, on the page's own thread.
 *
 * Pixels flow by pull: the page sends "pull" when it has painted; the changed rects of the
 * primary surface collected since are then sent once, as RGBA buffers (transferred), so the
 * session never queues more than one batch and a slow page just sees fewer, larger updates.
 */
export class SessionCore {
  private gen = -1;
  session?: SpiceSession;
  private meter?: TransportMeter;
  private early?: SpeculativeTransports;
  private display?: DisplayChannel;
  private primary?: Surface;
  private readonly dirty = new DirtyRects();
  private readonly rgba = new RgbaBuffers();
  private pulled = false;
  private timeline: SessionTimeline = { start: 0 };
  /** The first frame is drawn; the next batch sent completes it. */
  private firstFrameDue = false;
  private flushTimer?: ReturnType<typeof setTimeout>;
  private countersTimer?: ReturnType<typeof setInterval>;
  private videoFactory?: Promise<VideoDecoderFactory | undefined>;
  private opusFactory?: ReturnType<typeof webCodecsOpusDecoder>;
  /** A session started ahead of any console (generation SPECULATIVE_GEN), until the page speaks for it. */
  private unadopted?: ReturnType<typeof setTimeout>;
  /** Sockets opened ahead of a session ("preconnect"), until a start adopts them or they expire. */
  private warm?: { url: string; protocols: string; early: SpeculativeTransports; timer: ReturnType<typeof setTimeout> };

  private readonly agentSide = new SessionAgent((m, transfer) => this.send(m, transfer));

  constructor(private readonly post: SessionPost) {
    // Probing WebCodecs takes a few ms: start before the first session is asked for.
    if ((globalThis as { VideoDecoder?: unknown }).VideoDecoder) this.videoFactory = createWebCodecsVideoFactory().catch(() => undefined);
    if ((globalThis as { AudioDecoder?: unknown }).AudioDecoder) this.opusFactory = webCodecsOpusDecoder().catch(() => undefined);
  }

  handle(msg: ToSession): void {
    if (msg.t === "start") {
      void this.start(msg);
      return;
    }
    if (msg.t === "preconnect") return this.preconnect(msg);
    if (msg.gen !== this.gen) return;
    // A console took over the session started ahead (its first message is a "pull").
    if (msg.gen === SPECULATIVE_GEN) this.clearUnadopted();
    if (isAgentToSession(msg)) return this.agentSide.handle(msg);
    switch (msg.t) {
      case "stop":
        this.stop();
        return;
      case "pull":
        if (msg.buffers) this.rgba.give(msg.buffers);
        this.pulled = true;
        this.scheduleFlush();
        return;
      case "input": {
        const ch = this.session?.inputs;
        if (!ch || ch.closed) return;
        if (msg.op === "scancode") ch.sendScancodeBytes(msg.bytes, msg.down);
        else if (msg.op === "position") ch.position(msg.x, msg.y);
        else if (msg.op === "motion") ch.motion(msg.dx, msg.dy);
        else if (msg.op === "button") ch.button(msg.button, msg.down);
        else if (msg.op === "wheel") ch.wheel(msg.up);
        return;
      }
    }
  }

  private send(msg: FromSession, transfer?: ArrayBuffer[]): void {
    this.post(msg, transfer);
  }

  private preconnect(req: PreconnectRequest): void {
    this.dropWarm();
    let early: SpeculativeTransports;
    try {
      early = earlyTransports(req.url, req.protocols, true);
    } catch {
      return; // not a WebSocket URL: the start reports it
    }
    early.preopen();
    const timer = setTimeout(() => this.dropWarm(), PRECONNECT_TTL_MS);
    this.warm = { url: req.url, protocols: req.protocols.join(","), early, timer };
    if (!req.start) return;
    // Link and draw the session now, as generation SPECULATIVE_GEN: the page holds what this
    // side says until a console asking for the same session adopts it (preloaded-worker.ts,
    // spice-console.ts); a console asking for another one starts it instead, which stops this.
    void this.start(startRequest(SPECULATIVE_GEN, req.url, req.protocols, req.start));
    this.unadopted = setTimeout(() => this.gen === SPECULATIVE_GEN && this.stop(), PRECONNECT_TTL_MS);
  }

  private clearUnadopted(): void {
    clearTimeout(this.unadopted);
    this.unadopted = undefined;
  }

  /** The preconnected sockets for this start, when it is to the same place; others are closed. */
  private takeWarm(req: StartRequest): SpeculativeTransports | undefined {
    const w = this.warm;
    if (!w) return undefined;
    this.warm = undefined;
    clearTimeout(w.timer);
    if (w.url === req.url && w.protocols === req.protocols.join(",")) return w.early;
    w.early.dispose();
    return undefined;
  }

  private dropWarm(): void {
    const w = this.warm;
    this.warm = undefined;
    if (!w) return;
    clearTimeout(w.timer);
    w.early.dispose();
  }

  private async start(req: StartRequest): Promise<void> {
    this.stop();
    const gen = (this.gen = req.gen);
    this.timeline = { start: clock() };
    this.firstFrameDue = false;
    // The page waits for the first frame of a session started ahead without asking ("pull").
    if (gen === SPECULATIVE_GEN) this.pulled = true;
    if (req.webCodecs) this.videoFactory ??= createWebCodecsVideoFactory().catch(() => undefined);
    const video = req.webCodecs ? await this.videoFactory : undefined;
    // Opus through WebCodecs AudioDecoder (in workers too); without it the server sends RAW.
    const opusDecoder = req.audio ? await (this.opusFactory ??= webCodecsOpusDecoder().catch(() => undefined)) : undefined;
    if (gen !== this.gen) return;
    const meter = new TransportMeter();
    // The display, inputs and cursor sockets open while main links (only their link must wait),
    // unless a preconnect opened them all already.
    const early = this.takeWarm(req) ?? earlyTransports(req.url, req.protocols, !!req.audio);
    this.early = early;
    const session = new SpiceSession({
      transports: meter.wrap(early.wrap()),
      password: req.password,
      jpeg: createBrowserJpegDecoder(),
      inflate: browserInflate,
      video,
      glzWindowSize: req.glzWindowSize,
      preferredCompression: req.preferredCompression,
      audio: req.audio,
      opusDecoder,
      log: req.log ? this.forwardLog(gen) : undefined,
    });
    this.session = session;
    this.agentSide.attach(session, gen);
    this.meter = meter;
    this.codecs = (video?.codecs ?? [1]).map((c) => VIDEO_CODEC_NAMES[c] ?? String(c));
    // Attached as soon as a channel exists, so the first frame is drawn the moment it arrives.
    session.on("channel-created", (ch: SpiceChannel<any, any, any>) => this.attach(session, ch));
    session.on("channel", (ch: SpiceChannel<any, any, any>) => this.attach(session, ch));
    const connecting = session.connect();
    session.main?.once("init", () => this.session === session && (this.timeline.main ??= clock()));
    // While main links (network time), get the pixel conversion compiled for the first frame.
    warmUpConversion();
    try {
      await connecting;
    } catch (e) {
      if (this.session === session) this.fail(e);
      return;
    } finally {
      early.dispose();
    }
    if (this.session !== session) {
      session.close();
      return;
    }
    session.on("closed", (e?: Error) => this.session === session && this.fail(e ?? new Error("the server closed the session")));
    if (session.closed) return this.fail(session.errors[0]?.error ?? new Error("the server closed the session"));
    for (const ch of session.channels) this.attach(session, ch);
    const m = session.main!;
    m.on("mouse-mode", (mode: number) => this.session === session && this.send({ t: "mouse-mode", gen, mode }));
    this.send({ t: "connected", gen, serverName: m.serverName, mouseMode: m.mouseMode });
    this.sendCounters();
    this.countersTimer = setInterval(() => this.sendCounters(), COUNTERS_EVERY_MS);
  }

  private codecs: string[] = [];
  private readonly attached = new WeakSet<object>();

  private attach(session: SpiceSession, ch: SpiceChannel<any, any, any>): void {
    if (this.session !== session || this.attached.has(ch)) return;
    this.attached.add(ch);
    const gen = this.gen;
    if (ch instanceof DisplayChannel && ch === session.displays[0]) {
      this.display = ch;
      ch.on("surface-create", (_id: number, s: Surface, primary: boolean) => primary && this.showSurface(s));
      ch.on("invalidate", (id: number, rect) => {
        if (id !== ch.primaryId || !this.primary) return;
        this.dirty.add(rect);
        this.scheduleFlush();
      });
      // A complete frame (DISPLAY_MARK, after the initial picture) goes to the page at once,
      // without waiting for a timer behind the messages already queued.
      // Linked: its first message came.
      ch.once("message", () => (this.timeline.display ??= clock()));
      ch.on("message", (type: number) => {
        if (type !== DISPLAY_MARK) return;
        if (this.timeline.frame === undefined) {
          this.timeline.frame = clock();
          this.firstFrameDue = true;
        }
        this.flushNow();
      });
      if (ch.primary) this.showSurface(ch.primary);
    } else if (ch instanceof PlaybackChannel) {
      forwardPlayback(ch, (ev, transfer) => this.session === session && this.send({ t: "audio", gen, ev }, transfer));
    } else if (ch instanceof CursorChannel) {
      ch.on("shape", (shape) => this.send({ t: "cursor", gen, shape }));
      ch.on("visible", (visible: boolean) => this.send({ t: "cursor", gen, visible }));
      ch.on("move", (x: number, y: number) => this.send({ t: "cursor", gen, x, y }));
      this.send({ t: "cursor", gen, shape: ch.shape, visible: ch.visible || ch.shape !== null, x: ch.x, y: ch.y });
    }
  }

  private showSurface(s: Surface): void {
    this.primary = s;
    this.dirty.reset(s.width, s.height);
    this.send({ t: "surface", gen: this.gen, width: s.width, height: s.height });
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (!this.pulled || this.flushTimer !== undefined || this.dirty.empty) return;
    // Later in this task's messages can still add to the batch.
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, 0);
  }

  /** Flushes now when the page is waiting for pixels. */
  private flushNow(): void {
    if (!this.pulled) return;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flush();
  }

  private flush(): void {
    const s = this.primary;
    if (!s || !this.pulled || this.dirty.empty) return;
    this.pulled = false;
    const rects: PixelRectData[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const r of this.dirty.take()) {
      const w = r.right - r.left, h = r.bottom - r.top;
      const rgba = this.rgba.take(w * h * 4);
      bgrxRectToRgba(s.data, s.width, r, rgba);
      rects.push({ x: r.left, y: r.top, w, h, rgba: rgba.buffer });
      transfer.push(rgba.buffer);
    }
    const firstFrame = this.firstFrameDue;
    this.firstFrameDue = false;
    this.send({ t: "pixels", gen: this.gen, rects, serial: this.display?.handledSerial ?? 0, ...(firstFrame ? { firstFrame } : {}) }, transfer);
  }

  private counters(): SessionCounters {
    const d = this.display;
    return {
      bytesReceived: this.meter?.bytesReceived ?? 0,
      displayMs: this.meter?.displayMs ?? 0,
      videoFrames: d?.streams.framesDecoded ?? 0,
      videoDropped: d?.streams.framesDropped ?? 0,
      videoDecodeMs: d?.streams.decodeMs ?? 0,
      codec: d?.streams.codec,
      codecs: this.codecs,
      rtt: this.session?.rtt,
      images: { ...(d?.images.stats ?? {}) },
      drawCounts: { ...(d?.drawCounts ?? {}) },
      handledSerial: d?.handledSerial ?? 0,
      timeline: { ...this.timeline },
    };
  }

  private sendCounters(): void {
    if (this.session) this.send({ t: "counters", gen: this.gen, counters: this.counters() });
  }

  private fail(e: unknown): void {
    const error = wireError(e);
    this.stop();
    this.send({ t: "failed", gen: this.gen, error });
  }

  stop(): void {
    this.clearUnadopted();
    clearInterval(this.countersTimer);
    clearTimeout(this.flushTimer);
    this.countersTimer = undefined;
    this.flushTimer = undefined;
    const s = this.session;
    this.session = undefined;
    this.early?.dispose();
    this.early = undefined;
    this.meter = undefined;
    this.display = undefined;
    this.primary = undefined;
    this.pulled = false;
    this.dirty.take();
    this.agentSide.detach();
    s?.close();
  }

  private forwardLog(gen: number): Logger {
    const at =
      (level: "debug" | "info" | "warn" | "error") =>
      (scope: string, message: string, fields?: Record<string, unknown>) => {
        let safe: Record<string, unknown> | undefined;
        try {
          safe = fields && structuredClone(fields);
        } catch {
          safe = { fields: String(fields) };
        }
        this.send({ t: "log", gen, level, scope, message, fields: safe });
      };
    return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), enabled: () => true };
  }
}

/** A session's WebSockets to `url`: main's, and those of the channels that open ahead of their link. */
function earlyTransports(url: string, protocols: string[], audio: boolean): SpeculativeTransports {
  const types = [ChannelType.Display, ChannelType.Inputs, ChannelType.Cursor, ...(audio ? [ChannelType.Playback] : [])];
  return new SpeculativeTransports(websocketTransportFactory(url, protocols), types);
}

/** Now, as an absolute time both threads agree on (ms). */
function clock(): number {
  return performance.timeOrigin + performance.now();
}

let warmedUp = false;

/**
 * Runs the BGRX→RGBA conversion on a scratch rect a few times while the session links: it
 * compiles the conversion's WebAssembly module, or, without WebAssembly, lets the JIT optimise
 * the JS loop before a real frame needs it.
 */
function warmUpConversion(): void {
  if (warmedUp) return;
  warmedUp = true;
  // 256x256: one stripe of the WebAssembly conversion (BGRX_STRIPE_BYTES), so its memory is grown too.
  const size = 256;
  const src = new Uint8Array(size * size * 4);
  const out = new Uint8Array(src.length);
  for (let i = 0; i < 8; i++) bgrxRectToRgba(src, size, { left: 0, top: 0, right: size, bottom: size }, out);
}

function wireError(e: unknown): WireError {
  if (e instanceof Error) {
    const x = e as Error & { code?: unknown; linkError?: unknown };
    return {
      name: e.name,
      message: e.message,
      ...(typeof x.code === "string" ? { code: x.code } : {}),
      ...(typeof x.linkError === "number" ? { linkError: x.linkError } : {}),
    };
  }
  return { name: "Error", message: String(e) };
}
