import type { AgentStateDetail, ClipboardDetail, FileTransferDetail } from "./agent/agent-events.js";

import type { AudioStats } from "./audio/audio-player.js";

/** detail of 'connect'. */
export interface ConnectDetail {
  /** Desktop size when known (0 until the server created the primary surface). */
  width: number;
  height: number;
  /** The server's name (MAIN name message), when it sent one. */
  serverName?: string;
}

/** detail of 'disconnect'. */
export interface DisconnectDetail {
  /** True when `disconnect()` ended the session; false for any failure or server close. */
  clean: boolean;
  /** What went wrong (a SpiceError with a stable `code` such as ERR_SPICE_CONNECT), when not clean. */
  error?: Error;
  /** Set when the console will try again (reconnect enabled): the delay before the next try. */
  reconnectInMs?: number;
}

/** detail of 'credentialsrequired'. */
export interface CredentialsRequiredDetail {
  /** "required": no password was given; "rejected": the one given was refused. */
  reason: "required" | "rejected";
  error: Error;
}

/** detail of 'resize'. */
export interface ResizeDetail {
  width: number;
  height: number;
}

/** detail of 'stats', sent once a second while connected. */
export interface StatsDetail {
  /** Animation frames that painted something in the last second. */
  fps: number;
  /** Bytes received in the last second (all channels). */
  bytes: number;
  /** Bytes received since the session started. */
  totalBytes: number;
  /** Milliseconds spent decoding and drawing display messages in the last second. */
  decodeMs: number;
  /** Milliseconds spent copying pixels to the canvas in the last second. */
  paintMs: number;
  /** Video stream frames decoded and drawn in the last second. */
  videoFps: number;
  /** Milliseconds spent decoding video frames in the last second (WebCodecs: until each picture came). */
  videoDecodeMs: number;
  /** Codec of the latest video stream: "mjpeg", "vp8", "h264", "vp9" (absent before any stream). */
  codec?: string;
  /** Last round-trip time to the server in ms (measured on mouse-motion ACKs, so once the mouse moved). */
  rttMs?: number;
  /** Where the session runs: "worker" or "page". */
  placement: "worker" | "page";
  /** Audio playback, once the server's PLAYBACK channel sent something: jitter-buffer fill and health. */
  audio?: AudioStats;
  /** How long the session took to start, stage by stage (known once the session side reported it). */
  connection?: ConnectionTimings;
}

/**
 * Milliseconds from the session's start (when it began opening its WebSockets: for a console
 * that took over the session its page started from `<head>`, when that started) until: the main
 * channel linked (its INIT came), the first display channel linked (its first message came), the first complete frame
 * was drawn in the session, and painted on the canvas. A stage not reached yet is absent.
 */
export interface ConnectionTimings {
  mainMs?: number;
  displayMs?: number;
  firstFrameMs?: number;
  paintedMs?: number;
}

export interface SpiceConsoleEventMap {
  connect: CustomEvent<ConnectDetail>;
  disconnect: CustomEvent<DisconnectDetail>;
  credentialsrequired: CustomEvent<CredentialsRequiredDetail>;
  resize: CustomEvent<ResizeDetail>;
  stats: CustomEvent<StatsDetail>;
  /** The guest agent came or went (resize, clipboard, file transfer). */
  agent: CustomEvent<AgentStateDetail>;
  /** The guest copied text or an image. */
  clipboard: CustomEvent<ClipboardDetail>;
  /** Upload progress. */
  filetransfer: CustomEvent<FileTransferDetail>;
  /** Changed pixels were just painted on the canvas (for latency measurements and tests). */
  framepresented: CustomEvent<FramePresentedDetail>;
  /** Pointer Lock (server mouse mode) was taken or released. */
  pointerlock: CustomEvent<PointerLockDetail>;
  /** Text from composed input (IME, dead keys, emoji pickers) was typed as US-layout key strokes. */
  textinput: CustomEvent<TextInputDetail>;
}

export interface FramePresentedDetail {
  /** Serial of the last display message whose drawing is now on the canvas. */
  serial: number;
  /** performance.now() right after the paint. */
  time: number;
}

export interface PointerLockDetail {
  locked: boolean;
}

export interface TextInputDetail {
  /** The text the browser produced. */
  text: string;
  /** The characters no US-layout key types, which were not sent (empty when all were). */
  skipped: string;
}

/** Where the console is in its life. */
export type ConsoleState = "connecting" | "connected" | "credentials" | "reconnecting" | "disconnected";
