import type { Logger } from "@saffron/protocol";
import type { XEvent } from "x11";
import type { DamageRect, DisplaySource, Framebuffer, SourceListeners } from "../display-source.js";
import { CaptureThrottle } from "./capture-throttle.js";
import { blitRowsChanged, cursorFromXFixes } from "./pixels.js";
import { X11Clipboard } from "./x11-clipboard.js";
import { scancodeToXKeycode } from "./scancode-keymap.js";
import { XConnection, XConnectionClosedError, XErrorCode, isXError } from "./x-connection.js";

export interface X11SourceOptions {
  /** Where connection loss and X errors are reported (default: errors to stderr). */
  log?: Logger;
  /** Upper bound on screen captures per second (default 30). */
  maxFps?: number;
  /** Damage regions with more rectangles than this are fetched as their bounding box (default 48). */
  maxRectsPerCapture?: number;
}

const ZPIXMAP = 2;
const DAMAGE_NON_EMPTY = 3;
const XFIXES_DISPLAY_CURSOR_MASK = 1;
const STRUCTURE_NOTIFY = 0x00020000;
/** XTEST FakeInput event types. */
const FAKE = { KeyPress: 2, KeyRelease: 3, ButtonPress: 4, ButtonRelease: 5, Motion: 6 } as const;
/** SPICE button number → X button number (6/7 are side/extra, X 8/9). */
const X_BUTTON: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 9 };
/** SPICE button-mask bits that are held states (left, middle, right, side, extra), with their SPICE numbers. */
const HELD_BUTTONS: [mask: number, button: number][] = [[1, 1], [2, 2], [4, 3], [32, 6], [64, 7]];

const stderrLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error: (scope, message, fields) => process.stderr.write(`error [${scope}] ${message}${fields ? " " + JSON.stringify(fields) : ""}\n`),
  enabled: () => false,
};

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Shares an existing X display (Xvfb, Xorg) like x11spice: DAMAGE tells what changed, core
 * GetImage fetches it (throttled and coalesced), XFIXES supplies the cursor, XTEST injects
 * keys and the pointer, RandR (where the server allows it) follows client resize requests,
 * and the selections carry clipboard text both ways (x11-clipboard.ts).
 * Create with `X11DisplaySource.connect`.
 */
export class X11DisplaySource implements DisplaySource {
  readonly absolutePointer = true;
  readonly description: string;
  private fb: Framebuffer;
  private listeners?: SourceListeners;
  private readonly throttle: CaptureThrottle;
  private readonly log: Logger;
  private damageExt: any;
  private fixesExt: any;
  private xtestExt: any;
  private randrExt: any;
  private readonly damageId: number;
  private readonly regionId: number;
  private readonly root: number;
  private readonly heldKeys = new Set<number>();
  private readonly heldButtons = new Set<number>();
  private fullCaptureNeeded = false;
  private stopped = false;
  private cursorFetching = false;
  private cursorAgain = false;
  private clipboard?: X11Clipboard;
  /** Set when the X connection failed (not after `stop()`). */
  failure: Error | undefined;

  private constructor(private readonly conn: XConnection, exts: { damage: any; fixes: any; xtest: any; randr: any }, options: X11SourceOptions) {
    this.log = options.log ?? stderrLogger;
    this.description = `x11 ${conn.name}`;
    this.damageExt = exts.damage;
    this.fixesExt = exts.fixes;
    this.xtestExt = exts.xtest;
    this.randrExt = exts.randr;
    const screen = conn.display.screen[0]!;
    this.root = screen.root;
    this.fb = allocFramebuffer(screen.pixel_width, screen.pixel_height);
    this.damageId = conn.client.AllocID();
    this.regionId = conn.client.AllocID();
    this.throttle = new CaptureThrottle(1000 / (options.maxFps ?? 30), () => this.capture(options.maxRectsPerCapture ?? 48), (err) =>
      this.onCaptureError(err),
    );
    conn.onClose((reason) => this.onConnectionClosed(reason));
    conn.onProtocolError = (err) =>
      this.log.warn("x11", `X error ${err.error} (${err.message}) for request ${err.majorOpcode}.${err.minorOpcode}`);
  }

  /** Opens `display`, checks its pixel format and extensions, and captures the first frame. */
  static async connect(display: string, options: X11SourceOptions = {}): Promise<X11DisplaySource> {
    const conn = await XConnection.open(display);
    try {
      checkPixelFormat(conn);
      const [damage, fixes] = await Promise.all([conn.extension("damage"), conn.extension("fixes")]);
      const xtest = await conn.extension("xtest").catch(() => undefined);
      const randr = await conn.extension("randr").catch(() => undefined);
      const source = new X11DisplaySource(conn, { damage, fixes, xtest, randr }, options);
      if (!xtest) source.log.warn("x11", `${display} has no XTEST: input from clients is ignored`);
      await source.init();
      return source;
    } catch (err) {
      conn.close();
      throw err;
    }
  }

  private async init(): Promise<void> {
    const { conn } = this;
    conn.onEvent((ev) => this.onEvent(ev));
    await conn.call((cb) => conn.client.ChangeWindowAttributes(this.root, { eventMask: STRUCTURE_NOTIFY }, cb));
    this.fixesExt.CreateRegion(this.regionId, []);
    this.damageExt.Create(this.damageId, this.root, DAMAGE_NON_EMPTY);
    this.fixesExt.SelectCursorInput(this.root, XFIXES_DISPLAY_CURSOR_MASK);
    this.clipboard = await X11Clipboard.create(conn, this.root, this.fixesExt, this.log, (text) => this.listeners?.clipboard(text));
    await this.refreshGeometry();
    // Everything so far is in the first full capture; later drawing re-arms NonEmpty.
    this.damageExt.Subtract(this.damageId, 0, 0);
    await this.fetchRects([{ x: 0, y: 0, width: this.fb.width, height: this.fb.height }]);
  }

  async start(listeners: SourceListeners): Promise<void> {
    this.listeners = listeners;
    this.fetchCursor();
    this.throttle.request(); // anything drawn between connect and start
    this.clipboard?.readCurrent().catch(() => {}); // text copied before we started
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.throttle.stop();
    this.listeners = undefined;
    if (this.conn.closed) return;
    this.releaseAll();
    this.clipboard?.stop();
    try {
      this.damageExt.Destroy(this.damageId);
      this.fixesExt.DestroyRegion(this.regionId);
      await withTimeout(this.conn.sync(), 2000);
    } catch {
      // the server is going away anyway
    }
    this.conn.close();
  }

  framebuffer(): Framebuffer {
    return this.fb;
  }

  /** Captures taken so far (for measurements). */
  get captureCount(): number {
    return this.throttle.captures;
  }

  /** Resolves once no capture is pending (tests). */
  idle(): Promise<void> {
    return this.throttle.idle();
  }

  // ---- capture -------------------------------------------------------------------------

  private onEvent(ev: XEvent): void {
    if (this.stopped) return;
    if (this.clipboard?.handleEvent(ev)) return;
    if (ev.name === "DamageNotify") this.throttle.request();
    else if (ev.name === "CursorNotify") this.fetchCursor();
    else if (ev.name === "ConfigureNotify" && ev.wid === this.root) {
      if (ev.width !== this.fb.width || ev.height !== this.fb.height) {
        this.fullCaptureNeeded = true;
        this.throttle.request();
      }
    }
  }

  /** Re-reads the root size; reallocates the framebuffer (and reports it) when it changed. */
  private async refreshGeometry(): Promise<boolean> {
    const geo = await this.conn.call<{ width: number; height: number }>((cb) => this.conn.client.GetGeometry(this.root, cb));
    if (geo.width === this.fb.width && geo.height === this.fb.height) return false;
    this.fb = allocFramebuffer(geo.width, geo.height);
    return true;
  }

  private async capture(maxRects: number): Promise<void> {
    if (this.fullCaptureNeeded) {
      this.fullCaptureNeeded = false;
      this.damageExt.Subtract(this.damageId, 0, 0);
      const resized = await this.refreshGeometry();
      const all = { x: 0, y: 0, width: this.fb.width, height: this.fb.height };
      await this.fetchRects([all]);
      if (resized) this.listeners?.resize(this.fb.width, this.fb.height);
      this.listeners?.damage([toDamage(all)]);
      return;
    }
    // Move the accumulated damage into our region (clearing it, which re-arms DamageNotify),
    // then read the region back.
    this.damageExt.Subtract(this.damageId, 0, this.regionId);
    const region = await this.conn.call<{ extents: Rect; rectangles: Rect[] }>((cb) => this.fixesExt.FetchRegion(this.regionId, cb));
    let rects = region.rectangles.length > maxRects ? [region.extents] : region.rectangles;
    rects = rects.map((r) => clip(r, this.fb.width, this.fb.height)).filter((r) => r.width > 0 && r.height > 0);
    if (rects.length === 0) return;
    const changed = await this.fetchRects(rects);
    if (changed.length > 0) this.listeners?.damage(changed.map(toDamage));
  }

  /**
   * GetImage for every rect (pipelined) into the framebuffer; returns the parts whose pixels
   * really changed (X also reports repaints of identical pixels).
   */
  private async fetchRects(rects: Rect[]): Promise<Rect[]> {
    const fb = this.fb;
    const client = this.conn.client;
    const changed: Rect[] = [];
    await Promise.all(
      rects.map(async (r) => {
        const img = await this.conn.call<{ data: Buffer }>((cb) => client.GetImage(ZPIXMAP, this.root, r.x, r.y, r.width, r.height, 0xffffffff, cb));
        if (this.fb !== fb) return; // resized meanwhile; a full capture follows
        const box = blitRowsChanged(fb.data, fb.stride, fb.width, fb.height, r.x, r.y, r.width, r.height, img.data, r.width * 4);
        if (box) changed.push(box);
      }),
    );
    return changed;
  }

  private onCaptureError(err: unknown): void {
    if (err instanceof XConnectionClosedError || this.stopped) return; // reported by onConnectionClosed
    if (isXError(err, XErrorCode.BadMatch)) {
      // A rect outside the root: the screen shrank under us. Re-read the size.
      this.fullCaptureNeeded = true;
      this.throttle.request();
      return;
    }
    this.log.error("x11", `capture failed: ${(err as Error).message}`);
  }

  private onConnectionClosed(reason: Error | undefined): void {
    this.throttle.stop();
    if (!reason || this.stopped) return;
    this.failure = reason;
    this.log.error("x11", `${reason.message}; the display stays frozen at its last picture`);
  }

  // ---- cursor --------------------------------------------------------------------------

  private fetchCursor(): void {
    if (this.stopped || this.conn.closed) return;
    if (this.cursorFetching) {
      this.cursorAgain = true;
      return;
    }
    this.cursorFetching = true;
    this.conn
      .call<{ x: number; y: number; width: number; height: number; xhot: number; yhot: number; cursorImage: Buffer }>((cb) =>
        this.fixesExt.GetCursorImage(cb),
      )
      .then((c) => {
        if (this.stopped) return;
        this.listeners?.cursor(cursorFromXFixes(c.width, c.height, c.xhot, c.yhot, c.cursorImage));
        this.listeners?.pointer(c.x, c.y);
      })
      .catch((err: unknown) => {
        if (!(err instanceof XConnectionClosedError)) this.log.warn("x11", `cursor image: ${(err as Error).message}`);
      })
      .finally(() => {
        this.cursorFetching = false;
        if (this.cursorAgain) {
          this.cursorAgain = false;
          this.fetchCursor();
        }
      });
  }

  // ---- input ---------------------------------------------------------------------------

  private fake(type: number, detail: number, x = 0, y = 0, window = 0): boolean {
    if (!this.xtestExt || this.stopped || this.conn.closed) return false;
    this.xtestExt.FakeInput(type, detail, 0, window, x, y);
    return true;
  }

  key(scancode: number, down: boolean): void {
    const { min_keycode, max_keycode } = this.conn.display;
    const keycode = scancodeToXKeycode(scancode, min_keycode, max_keycode);
    if (keycode === undefined) {
      this.log.debug("x11", `no X keycode for scancode 0x${scancode.toString(16)}`);
      return;
    }
    if (this.fake(down ? FAKE.KeyPress : FAKE.KeyRelease, keycode)) {
      if (down) this.heldKeys.add(keycode);
      else this.heldKeys.delete(keycode);
    }
  }

  pointerPosition(x: number, y: number, buttons: number): void {
    const px = clampInt(x, this.fb.width - 1), py = clampInt(y, this.fb.height - 1);
    if (!this.fake(FAKE.Motion, 0, px, py, this.root)) return;
    this.syncButtons(buttons);
  }

  pointerMotion(dx: number, dy: number, buttons: number): void {
    // Relative motion: detail 1 ("relative") with a signed offset.
    if (!this.fake(FAKE.Motion, 1, clampInt(dx, 32767, -32768), clampInt(dy, 32767, -32768))) return;
    this.syncButtons(buttons);
  }

  pointerButton(button: number, down: boolean, _buttons: number): void {
    const xb = X_BUTTON[button];
    if (xb === undefined) return;
    if (button === 4 || button === 5) {
      // Wheel notches are clicks; X wants press + release per notch.
      if (down) this.fake(FAKE.ButtonPress, xb) && this.fake(FAKE.ButtonRelease, xb);
      return;
    }
    if (down === this.heldButtons.has(button)) return;
    if (this.fake(down ? FAKE.ButtonPress : FAKE.ButtonRelease, xb)) {
      if (down) this.heldButtons.add(button);
      else this.heldButtons.delete(button);
    }
  }

  /** Releases held buttons the client's mask says are up (a release we missed). */
  private syncButtons(mask: number): void {
    for (const [bit, button] of HELD_BUTTONS) {
      if (!(mask & bit) && this.heldButtons.has(button)) this.pointerButton(button, false, mask);
    }
  }

  /** Lets go of every key and button we hold (on stop, so nothing stays stuck). */
  private releaseAll(): void {
    for (const keycode of this.heldKeys) this.fake(FAKE.KeyRelease, keycode);
    this.heldKeys.clear();
    for (const button of this.heldButtons) this.fake(FAKE.ButtonRelease, X_BUTTON[button]!);
    this.heldButtons.clear();
  }

  // ---- clipboard -----------------------------------------------------------------------

  /** The client's clipboard text: owned on the desktop as CLIPBOARD and PRIMARY. */
  setClipboard(text: string): void {
    if (!this.stopped) this.clipboard?.setText(text);
  }

  // ---- resize --------------------------------------------------------------------------

  requestResize(width: number, height: number): void {
    if (!this.randrExt || this.stopped) return;
    void this.resizeViaRandr(width, height).catch((err: unknown) => {
      if (!(err instanceof XConnectionClosedError)) this.log.info("x11", `resize to ${width}x${height} refused: ${(err as Error).message}`);
    });
  }

  /**
   * RandR 1.0 SetScreenConfig to a size the server lists (Xorg lists its modes; Xvfb only
   * its start size). Sizes the server does not offer are left alone.
   */
  private async resizeViaRandr(width: number, height: number): Promise<void> {
    const info = await this.conn.call<{ config_timestamp: number; rotation: number; sizeID: number; screens: { px_width: number; px_height: number }[] }>(
      (cb) => this.randrExt.GetScreenInfo(this.root, cb),
    );
    const sizeId = info.screens.findIndex((s) => s.px_width === width && s.px_height === height);
    if (sizeId < 0) throw new Error(`the X server offers no ${width}x${height} size`);
    if (sizeId === info.sizeID) return;
    const req = Buffer.alloc(24);
    req.writeUInt8(this.randrExt.majorOpcode, 0);
    req.writeUInt8(2, 1); // RRSetScreenConfig
    req.writeUInt16LE(6, 2);
    req.writeUInt32LE(this.root >>> 0, 4);
    req.writeUInt32LE(0, 8); // CurrentTime
    req.writeUInt32LE(info.config_timestamp >>> 0, 12);
    req.writeUInt16LE(sizeId, 16);
    req.writeUInt16LE(info.rotation & 0xff, 18);
    req.writeUInt16LE(0, 20); // any refresh rate
    const status = await this.conn.raw(req, (_body, detail) => detail);
    if (status !== 0) throw new Error(`RRSetScreenConfig status ${status}`);
    // The root's ConfigureNotify drives the framebuffer change.
  }
}

function allocFramebuffer(width: number, height: number): Framebuffer {
  return { width, height, stride: width * 4, data: new Uint8Array(width * height * 4) };
}

/** The root must be a TrueColor visual with 32-bit little-endian pixels (Xvfb/Xorg depth 24). */
function checkPixelFormat(conn: XConnection): void {
  const d = conn.display;
  const screen = d.screen[0];
  if (!screen) throw new Error(`X display ${conn.name} has no screen`);
  const depth = screen.root_depth;
  const bpp = d.format[depth]?.bits_per_pixel;
  const visual = screen.depths[depth]?.[screen.root_visual];
  const ok =
    bpp === 32 &&
    d.image_byte_order === 0 &&
    visual !== undefined &&
    visual.red_mask === 0xff0000 &&
    visual.green_mask === 0x00ff00 &&
    visual.blue_mask === 0x0000ff;
  if (!ok) {
    throw new Error(
      `X display ${conn.name}: unsupported pixel format (depth ${depth}, ${bpp} bits per pixel, ` +
        `${d.image_byte_order ? "MSB" : "LSB"} first); run the server at depth 24 (e.g. Xvfb -screen 0 1024x768x24)`,
    );
  }
}

function clip(r: Rect, width: number, height: number): Rect {
  const x0 = Math.max(0, r.x), y0 = Math.max(0, r.y);
  const x1 = Math.min(width, r.x + r.width), y1 = Math.min(height, r.y + r.height);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

function toDamage(r: Rect): DamageRect {
  return { left: r.x, top: r.y, right: r.x + r.width, bottom: r.y + r.height };
}

function clampInt(v: number, max: number, min = 0): number {
  return Math.max(min, Math.min(max, Math.round(v)));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timeout")), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e)),
    );
  });
}
