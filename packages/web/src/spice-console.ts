import type { Logger, SpiceSession } from "@saffron/client";
import { scancodeForCode } from "@saffron/client/scancodes";
import { LinkErr, SpiceError, isSpiceError, main } from "@saffron/protocol";
import { AudioPlayer } from "./audio/audio-player.js";
import { isAgentFromSession } from "./agent/agent-messages.js";
import { ConsoleAgent } from "./agent/console-agent.js";
import { CanvasView, type ScalingMode } from "./canvas-view.js";
import { CursorView } from "./cursor-view.js";
import type { ConsoleState, CredentialsRequiredDetail, DisconnectDetail, SpiceConsoleEventMap, StatsDetail } from "./events.js";
import type { AgentStateDetail } from "./agent/agent-events.js";
import { KeyboardInput } from "./keyboard-input.js";
import { PointerInput } from "./pointer-input.js";
import { RemoteInputs } from "./remote-inputs.js";
import { SessionLink, type SessionPlacement } from "./session-link.js";
import { DEFAULT_PROTOCOLS, SPECULATIVE_GEN, type FromSession, type SessionCounters, type ToSession, type WireError } from "./worker-protocol.js";
import { preconnectRequest, type PreconnectTarget } from "./worker-preconnect.js";
import { isPreloadedSessionWorker, PreloadedSessionWorker } from "./preloaded-worker.js";
import { compressionValue, sameSession, startRequest, type CompressionName } from "./start-options.js";
import { connectionTimings } from "./connection-timings.js";

export interface SpiceConsoleOptions {
  /** The SPICE password. Leave out to be asked ('credentialsrequired') when the server wants one. */
  password?: string;
  /** Show the desktop but send no keyboard or mouse input. */
  viewOnly?: boolean;
  /** "fit" (default): scale the desktop to the container, keeping its aspect; "none": 1:1. */
  scaling?: ScalingMode;
  /**
   * Image compression to ask the server for (display PREFERRED_COMPRESSION): a name
   * ("off", "auto_glz", "auto_lz", "quic", "glz", "lz", "lz4") or a SPICE ImageCompression value.
   */
  preferredCompression?: CompressionName | number;
  /** Reconnect with backoff (1 s doubling to 30 s) after a failure or a server close. Default false. */
  reconnect?: boolean;
  /** WebSocket subprotocols (default DEFAULT_PROTOCOLS: ["binary"], what spice-server and websockify expect). */
  protocols?: string[];
  /** Client-core log (default: silent). From a worker, records are forwarded to it. */
  log?: Logger;
  /**
   * Where the session runs. Default: a dedicated module Worker loading `session-worker.js`
   * from next to this module (bundle that file too; pass its URL when it lives elsewhere).
   * `false`: on the page's thread. If the worker cannot start, the page's thread is used.
   * A Worker: that one, already started on session-worker.js (see `SpiceConsole.preloadWorker`,
   * or a `new Worker(url, { type: "module" })` in the page's HTML, so that its loading overlaps
   * the page's); the console owns it from then on and terminates it on disconnect().
   * A PreloadedSessionWorker: likewise, and when it was told to start this very session ahead
   * (its `connectTo.start` asks for what this console would), the console takes that session
   * over, with whatever it has drawn already, instead of starting another.
   */
  worker?: boolean | string | URL | Worker | PreloadedSessionWorker;
  /** Decode video streams with WebCodecs (VP8, VP9, H.264; MJPEG with ImageDecoder) when the browser can. Default true. */
  webCodecs?: boolean;
  /** GLZ window announced to the server, in pixels (default from the server's RAM hint; 0 = none, as spice-html5). */
  glzWindowSize?: number;
  /**
   * Play the server's audio (PLAYBACK channel) through WebAudio. Default true. Opus is offered
   * to the server when WebCodecs decodes it here, else the server sends RAW PCM.
   */
  audio?: boolean;
  /** Start with the audio muted (see `muted`). Default false. */
  muted?: boolean;
  /**
   * Resize the guest desktop to the container (in device pixels, so HiDPI screens get a sharp
   * picture) through the guest agent, whenever the container's size changes. Default false.
   */
  resizeRemote?: boolean;
  /** Share the clipboard with the guest through navigator.clipboard when the browser allows it. Default true. */
  clipboard?: boolean;
}

/**
 * What `spiceSession` gives while the session runs in a worker: a copy of the session's
 * statistics, refreshed twice a second.
 */
export interface RemoteSessionInfo {
  readonly remote: true;
  /** Last round-trip time in ms (inputs channel motion ACKs), once the mouse moved. */
  readonly rtt?: number;
  readonly displays: readonly {
    readonly images: { readonly stats: SessionCounters["images"] };
    readonly drawCounts: Record<string, number>;
    /** Display messages handled so far (the serial of the last one). */
    readonly handledSerial: number;
    readonly streams: { readonly framesDecoded: number; readonly framesDropped: number; readonly decodeMs: number; readonly codec?: string };
  }[];
}

const SCANCODE = { ctrl: 0x1d, alt: 0x38, del: 0xe053 } as const;
const MAX_BACKOFF_MS = 30_000;

/**
 * A SPICE console in a web page: put one in a container element and give it the WebSocket
 * URL of a SPICE server (its plain port), a websockify, or a Saffron gateway.
 *
 * Events (all CustomEvents, see SpiceConsoleEventMap): 'connect', 'disconnect',
 * 'credentialsrequired', 'resize', 'stats'.
 */
export class SpiceConsole extends EventTarget {
  readonly url: string;
  private readonly options: SpiceConsoleOptions;
  private readonly compression: number | undefined;
  private password: string | undefined;
  private readonly view: CanvasView;
  private readonly cursor: CursorView;
  private readonly keyboard: KeyboardInput;
  private readonly pointer: PointerInput;
  private readonly link: SessionLink;
  private readonly agent: ConsoleAgent;
  private readonly inputs: RemoteInputs;
  /** Generation of the current session (0: none yet); messages of older ones are ignored. */
  private gen = 0;
  /** The last generation this console numbered (a session started ahead has SPECULATIVE_GEN). */
  private lastGen = 0;
  /** A preloaded worker's session started ahead, that this console may adopt on its first start. */
  private early?: { target: PreconnectTarget; messages: FromSession[] };
  private active = false;
  private mouseMode: number = main.MouseMode.Client;
  private counters?: SessionCounters;
  private stateValue: ConsoleState = "connecting";
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private statsTimer?: ReturnType<typeof setInterval>;
  private backoffMs = 1000;
  private destroyed = false;
  private lastStats = { frames: 0, bytes: 0, displayMs: 0, paintMs: 0, videoFrames: 0, videoDecodeMs: 0 };
  /** The batch completing the session's first frame is queued for painting; then when it was painted (page clock). */
  private firstFramePending = false;
  private firstFramePaintedAt?: number;
  private readonly audio?: AudioPlayer;
  /** The server offered audio and it plays here (for 'stats'). */
  private audioActive = false;

  constructor(container: HTMLElement, url: string, options: SpiceConsoleOptions = {}) {
    super();
    this.url = url;
    this.options = { ...options };
    this.compression = compressionValue(options.preferredCompression);
    this.password = options.password;
    this.view = new CanvasView(container, options.scaling ?? "fit");
    this.agent = new ConsoleAgent(
      {
        container,
        dropTarget: this.view.element,
        keyTarget: this.view.keyTarget,
        post: (m) => this.active && this.stateValue === "connected" && (this.link.post({ ...m, gen: this.gen } as Parameters<SessionLink["post"]>[0]), true),
        desktop: () => ({ width: this.view.width, height: this.view.height }),
        connected: () => this.stateValue === "connected",
        interactive: () => this.stateValue === "connected" && !this.options.viewOnly,
        emit: (type: "clipboard" | "filetransfer" | "agent", detail: unknown) => this.dispatchEvent(new CustomEvent(type, { detail })),
      },
      { resizeRemote: !!options.resizeRemote, clipboard: options.clipboard !== false },
    );
    this.cursor = new CursorView(this.view);
    const w = options.worker;
    const chosen = w === false ? undefined : typeof w === "string" || w instanceof URL || (typeof Worker !== "undefined" && w instanceof Worker) || isPreloadedSessionWorker(w) ? w : (takePreloaded() ?? defaultWorkerUrl());
    let workerUrl: string | URL | Worker | undefined;
    if (isPreloadedSessionWorker(chosen)) {
      const { messages, complete } = chosen.take();
      if (chosen.target?.start && complete && !chosen.failed) this.early = { target: chosen.target, messages };
      workerUrl = chosen.failed ? defaultWorkerUrl() : chosen.worker;
      if (chosen.failed) chosen.worker.terminate();
    } else workerUrl = chosen;
    this.link = new SessionLink(workerUrl, (m) => this.onSessionMessage(m), (reason) => {
      this.options.log?.warn("console", `${reason}; the session runs on the page`);
      // The session the worker started ahead went with it: start one on the page.
      if (this.active && this.gen === SPECULATIVE_GEN) this.start();
    });
    this.inputs = new RemoteInputs((op) => this.active && this.link.post({ t: "input", gen: this.gen, ...op }));
    this.view.painted = (buffers) => {
      if (!this.active) return;
      this.link.post({ t: "pull", gen: this.gen, buffers }, buffers);
      const time = performance.now();
      if (this.firstFramePending) {
        this.firstFramePending = false;
        this.firstFramePaintedAt = time;
      }
      this.emit("framepresented", { serial: this.view.paintedTag, time });
    };
    const inputsEnabled = () => !this.options.viewOnly && this.stateValue === "connected";
    this.keyboard = new KeyboardInput(this.view.keyTarget, () => (this.active ? this.inputs : undefined), inputsEnabled, (text, skipped) =>
      this.emit("textinput", { text, skipped }),
    );
    this.pointer = new PointerInput(this.view, {
      inputs: () => (this.active ? this.inputs : undefined),
      mouseMode: () => this.mouseMode,
      enabled: inputsEnabled,
      focus: () => this.focus(),
      focusTarget: this.view.keyTarget,
      moved: (x, y) => this.cursor.moveTo(x, y),
      lockChanged: (locked) => this.emit("pointerlock", { locked }),
    });
    if (options.audio !== false && AudioPlayer.supported) {
      this.audio = new AudioPlayer();
      this.audio.muted = !!options.muted;
      // Browsers may keep an AudioContext suspended until the user interacts with the page.
      const resume = () => this.audio?.resume();
      container.addEventListener("pointerdown", resume);
      container.addEventListener("keydown", resume);
    }
    // Start on the next task, so listeners added right after `new` see every event. A worker's
    // answers always come in later tasks, so it is asked at once (it may be busy loading still).
    if (this.link.placement === "worker") this.start();
    else setTimeout(() => void this.start(), 0);
  }

  /**
   * Starts the session worker now (loading and compiling it takes a while), for the next
   * console created with the default `worker` option to adopt. Call it as early as the page
   * can, before the console is needed. Returns false when workers are not available.
   *
   * `connectTo` (the WebSocket URL the console will be given, and its `protocols`) also opens
   * the session's WebSockets now; a console started to the same URL soon after adopts them,
   * else they are closed unused after 10 s. With `start` (the options the console will have:
   * password, preferredCompression, audio when it will play sound, ...), the worker starts the
   * session itself: the console adopts it when its own options ask for the same session, else it
   * is closed and the console starts its own.
   */
  static preloadWorker(url?: string | URL, connectTo?: PreconnectTarget): boolean {
    if (preloaded?.failed) preloaded = undefined;
    if (!preloaded && typeof Worker !== "undefined") {
      const u = url ?? defaultWorkerUrl();
      if (!u) return false;
      try {
        // The target rides in the script URL's fragment: the worker acts on it as it starts.
        preloaded = new PreloadedSessionWorker(u, { type: "module", connectTo });
      } catch {
        return false;
      }
    } else if (preloaded && connectTo) preloaded.worker.postMessage(preconnectRequest(connectTo) satisfies ToSession);
    return !!preloaded;
  }

  /** Where the console is: connecting, connected, credentials (waiting for sendCredentials), reconnecting, disconnected. */
  get state(): ConsoleState {
    return this.stateValue;
  }

  /** The <canvas> showing the desktop (its pixels are the desktop's, 1:1). */
  get canvas(): HTMLCanvasElement {
    return this.view.canvas;
  }

  /** Desktop size (0 before the server created it). */
  get width(): number {
    return this.view.width;
  }

  get height(): number {
    return this.view.height;
  }

  get viewOnly(): boolean {
    return !!this.options.viewOnly;
  }

  set viewOnly(v: boolean) {
    if (v) {
      this.keyboard.releaseAll();
      this.pointer.releaseAll();
    }
    this.options.viewOnly = v;
  }

  get scaling(): ScalingMode {
    return this.view.scalingMode;
  }

  set scaling(mode: ScalingMode) {
    this.view.setScaling(mode);
    this.cursor.refresh();
  }

  /**
   * The session while connected, for advanced use. On the page's thread (`worker: false`) the
   * client-core SpiceSession itself; in a worker a RemoteSessionInfo (statistics only).
   */
  get spiceSession(): SpiceSession | RemoteSessionInfo | undefined {
    if (!this.active) return undefined;
    const inline = this.link.inline;
    if (inline) return inline.session;
    const c = this.counters;
    if (!c) return { remote: true, displays: [] };
    return {
      remote: true,
      rtt: c.rtt,
      displays: [
        {
          images: { stats: c.images },
          drawCounts: c.drawCounts,
          handledSerial: c.handledSerial,
          streams: { framesDecoded: c.videoFrames, framesDropped: c.videoDropped, decodeMs: c.videoDecodeMs, codec: c.codec },
        },
      ],
    };
  }

  /** Follow the container's size with the guest's resolution (needs the guest agent). */
  get resizeRemote(): boolean {
    return this.agent.resizeRemote;
  }

  set resizeRemote(v: boolean) {
    this.agent.resizeRemote = v;
  }

  /** The guest agent's state: what works (resize, clipboard, file transfer). */
  get agentState(): AgentStateDetail {
    return { ...this.agent.state };
  }

  /**
   * Gives the guest this text as its clipboard (paste it there). Returns false when the guest
   * has no clipboard agent (then `typeText` is the way).
   */
  clipboardPasteFrom(text: string): boolean {
    return this.agent.clipboardPasteFrom(text);
  }

  /**
   * Uploads a file to the guest (spice-vdagent saves it in its file-transfer directory), as a
   * drop on the console does. Returns the transfer id that 'filetransfer' events carry.
   */
  sendFile(file: Blob, name?: string): number {
    return this.agent.sendFile(file, name);
  }

  /** Stops an upload. */
  cancelFile(id: number): void {
    this.agent.cancelFile(id);
  }

  /**
   * Serial of the last display message whose drawing is on the canvas (display messages are
   * numbered from 1 in arrival order); 0 before the first paint. For benchmarks and tests.
   */
  get displaySerial(): number {
    return this.active ? this.view.paintedTag : 0;
  }

  /** Where the session runs: "worker" or "page". */
  get placement(): SessionPlacement {
    return this.link.placement;
  }

  /** Local mute of the server's audio (the server's own MUTE applies too). */
  get muted(): boolean {
    return this.audio?.muted ?? true;
  }

  set muted(m: boolean) {
    if (!this.audio) return;
    this.audio.muted = m;
    if (!m) this.audio.resume();
  }

  /** Local audio volume, 0..1. */
  get volume(): number {
    return this.audio?.volume ?? 0;
  }

  set volume(v: number) {
    if (this.audio) this.audio.volume = v;
  }

  /**
   * An AnalyserNode tapping the audio output (after volume and mute), for level meters and
   * tests; undefined without audio or before the first audio stream started.
   */
  audioAnalyser(): AnalyserNode | undefined {
    return this.audio?.analyser();
  }

  /** Answers 'credentialsrequired': tries again with this password. */
  sendCredentials(password: string): void {
    if (this.destroyed) return;
    this.password = password;
    if (this.stateValue === "credentials" || this.stateValue === "disconnected" || this.stateValue === "reconnecting") {
      clearTimeout(this.reconnectTimer);
      void this.start();
    }
  }

  /** Ends the session (a 'disconnect' event with clean: true follows) and stops reconnecting. */
  disconnect(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.reconnectTimer);
    const wasActive = this.stateValue !== "disconnected";
    this.teardownSession();
    this.audio?.close();
    this.keyboard.destroy();
    this.pointer.destroy();
    this.agent.destroy();
    this.link.destroy();
    this.stateValue = "disconnected";
    if (wasActive) this.emit("disconnect", { clean: true });
  }

  /** Presses and releases Ctrl+Alt+Del on the guest. */
  sendCtrlAltDel(): void {
    this.sendScancodes([SCANCODE.ctrl, SCANCODE.alt, SCANCODE.del]);
  }

  /**
   * Sends a key by KeyboardEvent.code name ("KeyA", "Enter", "F12" ...): a press when `down`
   * is true, a release when false, both when left out. Throws RangeError for an unknown code.
   */
  sendKey(code: string, down?: boolean): void {
    const sc = scancodeFor(code);
    if (down === undefined) this.sendScancodes([sc]);
    else this.keyboard.send(sc, down);
  }

  /** Types text on the guest as US-layout key strokes (characters no US key types are skipped). */
  typeText(text: string): void {
    if (this.stateValue === "connected" && !this.options.viewOnly) this.keyboard.typeText(text);
  }

  /** Gives the console the keyboard focus. */
  focus(): void {
    this.view.keyTarget.focus({ preventScroll: true });
  }

  private sendScancodes(codes: number[]): void {
    if (this.stateValue !== "connected" || this.options.viewOnly) return;
    for (const sc of codes) this.keyboard.send(sc, true);
    for (const sc of [...codes].reverse()) this.keyboard.send(sc, false);
  }

  private emit<K extends keyof SpiceConsoleEventMap>(type: K, detail: SpiceConsoleEventMap[K]["detail"]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  private start(): void {
    if (this.destroyed) return;
    this.teardownSession();
    this.stateValue = this.stateValue === "reconnecting" ? "reconnecting" : "connecting";
    this.active = true;
    this.counters = undefined;
    this.firstFramePending = false;
    this.firstFramePaintedAt = undefined;
    this.audioActive = false;
    this.mouseMode = main.MouseMode.Client;
    const request = startRequest(++this.lastGen, this.url, this.options.protocols ?? DEFAULT_PROTOCOLS, {
      password: this.password,
      preferredCompression: this.compression,
      webCodecs: this.options.webCodecs,
      glzWindowSize: this.options.glzWindowSize,
      log: !!this.options.log,
      audio: !!this.audio,
    });
    const early = this.early;
    this.early = undefined;
    if (early && sameSession(request, startRequest(request.gen, early.target.url, early.target.protocols ?? DEFAULT_PROTOCOLS, early.target.start!))) {
      // The worker started this very session ahead: take it over, with what it said so far.
      this.gen = SPECULATIVE_GEN;
      this.link.post({ t: "pull", gen: this.gen });
      // After the caller's listeners are added, and before anything the worker says next.
      queueMicrotask(() => {
        for (const m of early.messages) this.onSessionMessage(m);
      });
      return;
    }
    this.gen = request.gen;
    this.link.post(request);
    this.link.post({ t: "pull", gen: this.gen });
  }

  private onSessionMessage(m: FromSession): void {
    if (m.t === "hello" || m.gen !== this.gen || !this.active) return;
    if (isAgentFromSession(m)) return this.agent.onSessionMessage(m);
    switch (m.t) {
      case "connected": {
        this.mouseMode = m.mouseMode;
        this.cursor.setServerMode(m.mouseMode === main.MouseMode.Server);
        this.stateValue = "connected";
        this.backoffMs = 1000;
        this.startStats();
        this.emit("connect", { width: this.view.width, height: this.view.height, serverName: m.serverName });
        return;
      }
      case "failed":
        this.fail(toError(m.error));
        return;
      case "surface":
        if (this.view.setSize(m.width, m.height)) {
          this.cursor.refresh();
          this.emit("resize", { width: m.width, height: m.height });
        }
        return;
      case "pixels":
        if (m.firstFrame) this.firstFramePending = true;
        this.view.draw(m.rects, m.serial);
        return;
      case "cursor":
        if (m.shape !== undefined) this.cursor.setShape(m.shape);
        if (m.visible !== undefined) this.cursor.setVisible(m.visible);
        if (m.x !== undefined && m.y !== undefined) this.cursor.moveTo(m.x, m.y);
        return;
      case "mouse-mode": {
        const server = m.mode === main.MouseMode.Server;
        this.mouseMode = m.mode;
        if (!server) this.pointer.unlock();
        this.cursor.setServerMode(server);
        return;
      }
      case "counters":
        this.counters = m.counters;
        return;
      case "audio":
        this.audioActive = true;
        this.audio?.handle(m.ev);
        return;
      case "log":
        this.options.log?.[m.level](m.scope, m.message, m.fields);
        return;
    }
  }

  private snapshot() {
    const c = this.counters;
    return {
      frames: this.view.frames,
      bytes: c?.bytesReceived ?? 0,
      displayMs: c?.displayMs ?? 0,
      paintMs: this.view.paintMs,
      videoFrames: c?.videoFrames ?? 0,
      videoDecodeMs: c?.videoDecodeMs ?? 0,
    };
  }

  private startStats(): void {
    clearInterval(this.statsTimer);
    this.lastStats = this.snapshot();
    this.statsTimer = setInterval(() => {
      const now = this.snapshot();
      const last = this.lastStats;
      this.lastStats = now;
      const c = this.counters;
      const round = (ms: number) => Math.round(ms * 10) / 10;
      const detail: StatsDetail = {
        fps: now.frames - last.frames,
        bytes: now.bytes - last.bytes,
        totalBytes: now.bytes,
        decodeMs: round(now.displayMs - last.displayMs),
        paintMs: round(now.paintMs - last.paintMs),
        videoFps: now.videoFrames - last.videoFrames,
        videoDecodeMs: round(now.videoDecodeMs - last.videoDecodeMs),
        ...(c?.codec ? { codec: c.codec } : {}),
        ...(c?.rtt !== undefined ? { rttMs: c.rtt } : {}),
        placement: this.link.placement,
        ...(this.audio && this.audioActive ? { audio: this.audio.stats } : {}),
        ...(c?.timeline ? { connection: connectionTimings(c.timeline, this.firstFramePaintedAt) } : {}),
      };
      this.emit("stats", detail);
    }, 1000);
  }

  private teardownSession(): void {
    clearInterval(this.statsTimer);
    this.statsTimer = undefined;
    if (this.active) {
      this.keyboard.releaseAll();
      this.pointer.releaseAll();
      this.pointer.unlock();
      this.link.post({ t: "stop", gen: this.gen });
      this.agent.sessionEnded();
    }
    this.active = false;
  }

  private fail(error: Error): void {
    const hadPassword = !!this.password;
    this.teardownSession();
    if (this.destroyed) return;
    if (isSpiceError(error) && error.code === "ERR_SPICE_AUTH" && error.linkError === LinkErr.PermissionDenied) {
      this.stateValue = "credentials";
      const detail: CredentialsRequiredDetail = { reason: hadPassword ? "rejected" : "required", error };
      this.emit("credentialsrequired", detail);
      return;
    }
    const detail: DisconnectDetail = { clean: false, error: explain(error) };
    if (this.options.reconnect) {
      const delay = this.backoffMs;
      this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
      this.stateValue = "reconnecting";
      detail.reconnectInMs = delay;
      this.reconnectTimer = setTimeout(() => void this.start(), delay);
    } else {
      this.stateValue = "disconnected";
    }
    this.emit("disconnect", detail);
  }
}

// Typed addEventListener/removeEventListener for the console's events.
export interface SpiceConsole {
  addEventListener<K extends keyof SpiceConsoleEventMap>(
    type: K,
    listener: (this: SpiceConsole, ev: SpiceConsoleEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof SpiceConsoleEventMap>(
    type: K,
    listener: (this: SpiceConsole, ev: SpiceConsoleEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

function scancodeFor(code: string): number {
  const sc = scancodeForCode(code);
  if (sc === undefined) throw new RangeError(`no scancode for key code ${JSON.stringify(code)}`);
  return sc;
}

/** A worker started by SpiceConsole.preloadWorker, not yet adopted by a console. */
let preloaded: PreloadedSessionWorker | undefined;

function takePreloaded(): PreloadedSessionWorker | undefined {
  const w = preloaded;
  preloaded = undefined;
  return w;
}

/** The session module worker, next to this module (bundlers: emit session-worker.js beside it). */
function defaultWorkerUrl(): URL | undefined {
  try {
    return new URL("./session-worker.js", import.meta.url);
  } catch {
    return undefined;
  }
}

/** An error from the session side, a SpiceError again when it was one. */
function toError(e: WireError): Error {
  if (e.code && /^ERR_/.test(e.code)) return new SpiceError(e.code as SpiceError["code"], e.message, e.linkError !== undefined ? { linkError: e.linkError } : {});
  const err = new Error(e.message);
  if (e.name) err.name = e.name;
  return err;
}

/**
 * Makes the one environment failure users can meet understandable. Pages that are not a secure
 * context have no WebCrypto but encrypt the ticket with @saffron/protocol's built-in RSA-OAEP;
 * that needs only crypto.getRandomValues, so this shows only in a browser without even that.
 */
function explain(e: Error): Error {
  if (/getRandomValues/.test(e.message)) {
    const insecure = !(globalThis as { isSecureContext?: boolean }).isSecureContext;
    return new Error(
      `this browser offers no secure random numbers (crypto.getRandomValues) to encrypt the SPICE ticket${insecure ? ", and this page is not a secure context (https:// or localhost); open the page over https" : ""}`,
      { cause: e },
    );
  }
  return e;
}
