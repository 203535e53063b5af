import { CursorChannel, DisplayChannel, SpiceSession, scancodeForCode, type Logger, type SpiceChannel } from "@saffron/client";
import { browserInflate, createBrowserJpegDecoder, websocketTransportFactory } from "@saffron/client/browser";
import { LinkErr, display as dsp, isSpiceError, main } from "@saffron/protocol";
import { CanvasView, type ScalingMode } from "./canvas-view.js";
import { CursorView } from "./cursor-view.js";
import type { ConsoleState, CredentialsRequiredDetail, DisconnectDetail, SpiceConsoleEventMap, StatsDetail } from "./events.js";
import { KeyboardInput } from "./keyboard-input.js";
import { TransportMeter } from "./metered-transports.js";
import { PointerInput } from "./pointer-input.js";

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
  /** WebSocket subprotocols (default ["binary"], what spice-server and websockify expect). */
  protocols?: string[];
  /** Client-core log (default: silent). */
  log?: Logger;
}

/** Image compression names, as spice-server's and spice-gtk's options spell them. */
export type CompressionName = "off" | "auto_glz" | "auto_lz" | "quic" | "glz" | "lz" | "lz4";

const COMPRESSION: Record<CompressionName, number> = {
  off: dsp.ImageCompression.Off,
  auto_glz: dsp.ImageCompression.AutoGlz,
  auto_lz: dsp.ImageCompression.AutoLz,
  quic: dsp.ImageCompression.Quic,
  glz: dsp.ImageCompression.Glz,
  lz: dsp.ImageCompression.Lz,
  lz4: dsp.ImageCompression.Lz4,
};

function compressionValue(c: CompressionName | number | undefined): number | undefined {
  if (c === undefined || typeof c === "number") return c;
  const v = COMPRESSION[c];
  if (v === undefined) throw new RangeError(`unknown image compression ${JSON.stringify(c)}`);
  return v;
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
  private session?: SpiceSession;
  private meter?: TransportMeter;
  private stateValue: ConsoleState = "connecting";
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private statsTimer?: ReturnType<typeof setInterval>;
  private backoffMs = 1000;
  private destroyed = false;
  private lastStats = { frames: 0, bytes: 0, displayMs: 0, paintMs: 0 };

  constructor(container: HTMLElement, url: string, options: SpiceConsoleOptions = {}) {
    super();
    this.url = url;
    this.options = { ...options };
    this.compression = compressionValue(options.preferredCompression);
    this.password = options.password;
    this.view = new CanvasView(container, options.scaling ?? "fit");
    this.cursor = new CursorView(this.view);
    const inputsEnabled = () => !this.options.viewOnly && this.stateValue === "connected";
    this.keyboard = new KeyboardInput(this.view.canvas, () => this.session?.inputs, inputsEnabled);
    this.pointer = new PointerInput(this.view, {
      inputs: () => this.session?.inputs,
      mouseMode: () => this.session?.main?.mouseMode ?? main.MouseMode.Client,
      enabled: inputsEnabled,
      moved: (x, y) => this.cursor.moveTo(x, y),
      lockChanged: () => {},
    });
    // Start on the next task, so listeners added right after `new` see every event.
    setTimeout(() => void this.start(), 0);
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

  /** The client-core session while connected (for advanced use: channels, statistics). */
  get spiceSession(): SpiceSession | undefined {
    return this.session;
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
    this.keyboard.destroy();
    this.pointer.destroy();
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
    this.view.canvas.focus({ preventScroll: true });
  }

  private sendScancodes(codes: number[]): void {
    if (this.stateValue !== "connected" || this.options.viewOnly) return;
    for (const sc of codes) this.keyboard.send(sc, true);
    for (const sc of [...codes].reverse()) this.keyboard.send(sc, false);
  }

  private emit<K extends keyof SpiceConsoleEventMap>(type: K, detail: SpiceConsoleEventMap[K]["detail"]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  private async start(): Promise<void> {
    if (this.destroyed) return;
    this.teardownSession();
    this.stateValue = this.stateValue === "reconnecting" ? "reconnecting" : "connecting";
    const meter = new TransportMeter();
    const session = new SpiceSession({
      transports: meter.wrap(websocketTransportFactory(this.url, this.options.protocols ?? ["binary"])),
      password: this.password ?? "",
      jpeg: createBrowserJpegDecoder(),
      inflate: browserInflate,
      preferredCompression: this.compression,
      log: this.options.log,
    });
    this.session = session;
    this.meter = meter;
    session.on("channel", (ch: SpiceChannel<any, any, any>) => this.attach(session, ch));
    try {
      await session.connect();
    } catch (e) {
      if (this.session !== session) return;
      this.fail(asError(e));
      return;
    }
    if (this.session !== session) {
      session.close();
      return;
    }
    session.on("closed", (e?: Error) => {
      if (this.session === session) this.fail(e ?? new Error("the server closed the session"));
    });
    if (session.closed) return this.fail(session.errors[0]?.error ?? new Error("the server closed the session"));
    // Channels that linked before `channel` listeners ran are picked up here.
    for (const ch of session.channels) this.attach(session, ch);
    const m = session.main!;
    this.cursor.setServerMode(m.mouseMode === main.MouseMode.Server);
    m.on("mouse-mode", (mode: number) => {
      const server = mode === main.MouseMode.Server;
      if (!server) this.pointer.unlock();
      this.cursor.setServerMode(server);
    });
    this.stateValue = "connected";
    this.backoffMs = 1000;
    this.startStats(meter);
    this.emit("connect", { width: this.view.width, height: this.view.height, serverName: m.serverName });
  }

  private readonly attached = new WeakSet<object>();

  private attach(session: SpiceSession, ch: SpiceChannel<any, any, any>): void {
    if (this.session !== session || this.attached.has(ch)) return;
    this.attached.add(ch);
    if (ch instanceof DisplayChannel && ch === session.displays[0]) {
      ch.on("surface-create", (_id: number, s, primary: boolean) => primary && this.showSurface(s));
      ch.on("invalidate", (id: number, rect) => id === ch.primaryId && this.view.invalidate(rect));
      if (ch.primary) this.showSurface(ch.primary);
    } else if (ch instanceof CursorChannel) {
      ch.on("shape", (shape) => this.cursor.setShape(shape));
      ch.on("visible", (v: boolean) => this.cursor.setVisible(v));
      ch.on("move", (x: number, y: number) => this.cursor.moveTo(x, y));
      this.cursor.setShape(ch.shape);
      this.cursor.setVisible(ch.visible || ch.shape !== null);
      this.cursor.moveTo(ch.x, ch.y);
    }
  }

  private showSurface(s: { width: number; height: number; data: Uint8Array }): void {
    if (this.view.setSource(s)) {
      this.cursor.refresh();
      this.emit("resize", { width: s.width, height: s.height });
    }
  }

  private startStats(meter: TransportMeter): void {
    clearInterval(this.statsTimer);
    this.lastStats = { frames: this.view.frames, bytes: meter.bytesReceived, displayMs: meter.displayMs, paintMs: this.view.paintMs };
    this.statsTimer = setInterval(() => {
      const now = { frames: this.view.frames, bytes: meter.bytesReceived, displayMs: meter.displayMs, paintMs: this.view.paintMs };
      const last = this.lastStats;
      this.lastStats = now;
      const detail: StatsDetail = {
        fps: now.frames - last.frames,
        bytes: now.bytes - last.bytes,
        totalBytes: now.bytes,
        decodeMs: Math.round((now.displayMs - last.displayMs) * 10) / 10,
        paintMs: Math.round((now.paintMs - last.paintMs) * 10) / 10,
      };
      this.emit("stats", detail);
    }, 1000);
  }

  private teardownSession(): void {
    clearInterval(this.statsTimer);
    this.statsTimer = undefined;
    const s = this.session;
    this.session = undefined;
    this.meter = undefined;
    if (s) {
      this.keyboard.releaseAll();
      this.pointer.releaseAll();
      this.pointer.unlock();
      s.close();
    }
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

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** Makes the one environment failure users meet understandable. */
function explain(e: Error): Error {
  if (/WebCrypto/.test(e.message) && !(globalThis as { isSecureContext?: boolean }).isSecureContext) {
    return new Error(
      "this page is not a secure context (https:// or localhost), so the browser offers no WebCrypto to encrypt the SPICE ticket; open the page over https",
      { cause: e },
    );
  }
  return e;
}
