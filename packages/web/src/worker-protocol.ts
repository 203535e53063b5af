import type { CursorShape } from "@saffron/client";
import type { AgentFromSession, AgentToSession } from "./agent/agent-messages.js";
import type { AudioEvent } from "./audio/audio-events.js";
import type { SessionStartSpec } from "./start-options.js";

/** How the session side is asked to connect. */
export interface StartRequest {
  t: "start";
  /** Session generation: every message about this session carries it. */
  gen: number;
  url: string;
  password: string;
  protocols: string[];
  preferredCompression?: number;
  /** Use WebCodecs (VP8/VP9/H.264 streams, ImageDecoder for MJPEG) when the browser has it. */
  webCodecs: boolean;
  glzWindowSize?: number;
  /** Forward client-core log records ("log" messages). */
  log: boolean;
  /** Open the PLAYBACK channel and forward its audio ("audio" messages). */
  audio?: boolean;
}

/** One input event for the inputs channel. */
export type InputOp =
  | { op: "scancode"; bytes: Uint8Array; down: boolean }
  | { op: "position"; x: number; y: number }
  | { op: "motion"; dx: number; dy: number }
  | { op: "button"; button: number; down: boolean }
  | { op: "wheel"; up: boolean };

/**
 * The generation of a session the session side starts on its own, ahead of any console (a
 * "preconnect" with `start`); consoles number theirs from 1.
 */
export const SPECULATIVE_GEN = -2;

/** The WebSocket subprotocols a console asks for unless told otherwise: what spice-server and websockify expect. */
export const DEFAULT_PROTOCOLS: readonly string[] = ["binary"];

export interface PreconnectRequest {
  t: "preconnect";
  gen?: undefined;
  url: string;
  protocols: string[];
  /**
   * Also start the session (link every channel) with these options, without waiting for a
   * console: a console's start asking for the same session adopts it (session-core.ts).
   */
  start?: SessionStartSpec;
}

/** Main thread → session side. */
export type ToSession =
  | StartRequest
  | { t: "stop"; gen: number }
  | ({ t: "input"; gen: number } & InputOp)
  /**
   * The page painted the last batch: send the next one when there is something to paint.
   * `buffers`: that batch's RGBA buffers, given back (transferred) for the next ones.
   */
  | { t: "pull"; gen: number; buffers?: ArrayBuffer[] }
  /** Say "hello" (again): a page adopting a worker it started earlier asks whether it runs. */
  | { t: "ping"; gen?: undefined }
  /**
   * A session to `url` is likely to start soon (the page autoconnects): open its WebSockets now,
   * while the page still loads. A "start" for the same URL and subprotocols adopts them; they
   * are closed unused after a while otherwise. Never links (no password is known yet).
   */
  | PreconnectRequest
  /** Guest agent requests (resize, clipboard, file upload): agent/agent-messages.ts. */
  | AgentToSession;

/** An error as it crosses the thread boundary (SpiceError fields kept). */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  linkError?: number;
}

/** A changed rect of the desktop as RGBA (alpha 255), ready for ImageData. */
export interface PixelRectData {
  x: number;
  y: number;
  w: number;
  h: number;
  rgba: ArrayBuffer;
}

/** Counters (cumulative since the session started) and facts for the stats. */
export interface SessionCounters {
  bytesReceived: number;
  /** ms spent handling display messages synchronously (decoding images, drawing). */
  displayMs: number;
  /** Video stream frames drawn / dropped, and ms spent decoding them. */
  videoFrames: number;
  videoDropped: number;
  videoDecodeMs: number;
  /** Codec of the latest video stream ("mjpeg", "vp8", "h264", "vp9"). */
  codec?: string;
  /** Video codecs advertised to the server. */
  codecs: string[];
  rtt?: number;
  /** Display channel: image statistics and draw counts (see DisplayChannel). */
  images: Record<string, { count: number; pixels: number; bytes: number }>;
  drawCounts: Record<string, number>;
  handledSerial: number;
  /** When the session reached each stage of its start (see SessionTimeline). */
  timeline: SessionTimeline;
}

/**
 * Stages of a session's start, as absolute times (performance.timeOrigin + performance.now(),
 * ms, so that both threads can read them): `start` when it began opening its sockets, `main`
 * when the main channel's INIT came (linked), `display` when the first display channel's first
 * message came (linked), `frame` when that display's first complete frame (DISPLAY_MARK) was
 * drawn in the session.
 */
export interface SessionTimeline {
  start: number;
  main?: number;
  display?: number;
  frame?: number;
}

/** Session side → main thread. */
export type FromSession =
  | { t: "hello" }
  | AgentFromSession
  | { t: "connected"; gen: number; serverName?: string; mouseMode: number }
  | { t: "failed"; gen: number; error: WireError }
  | { t: "surface"; gen: number; width: number; height: number }
  /** `firstFrame`: the batch completes the session's first frame (SessionTimeline.frame). */
  | { t: "pixels"; gen: number; rects: PixelRectData[]; serial: number; firstFrame?: true }
  | { t: "cursor"; gen: number; shape?: CursorShape | null; visible?: boolean; x?: number; y?: number }
  | { t: "mouse-mode"; gen: number; mode: number }
  | { t: "counters"; gen: number; counters: SessionCounters }
  /** PLAYBACK channel events for the page's AudioPlayer (PCM buffers transferred). */
  | { t: "audio"; gen: number; ev: AudioEvent }
  | { t: "log"; gen: number; level: "debug" | "info" | "warn" | "error"; scope: string; message: string; fields?: Record<string, unknown> };

/** Where the session side sends its messages (postMessage in a worker, a direct call in-thread). */
export type SessionPost = (msg: FromSession, transfer?: ArrayBuffer[]) => void;
