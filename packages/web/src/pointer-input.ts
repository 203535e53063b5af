import type { InputSink } from "./remote-inputs.js";
import { inputs as inp, main } from "@saffron/protocol";
import type { CanvasView } from "./canvas-view.js";
import { WheelAccumulator } from "./wheel.js";

/** DOM MouseEvent.button → SPICE button. */
const BUTTONS: Record<number, number> = {
  0: inp.MouseButton.Left,
  1: inp.MouseButton.Middle,
  2: inp.MouseButton.Right,
  3: inp.MouseButton.Side,
  4: inp.MouseButton.Extra,
};

export interface PointerHooks {
  inputs(): InputSink | undefined;
  /** Current SPICE mouse mode (1 server, 2 client). */
  mouseMode(): number;
  enabled(): boolean;
  /** Gives the console the keyboard focus (on a click). */
  focus(): void;
  /** The element holding the keyboard focus: when it loses it, held buttons are released. */
  focusTarget: HTMLElement;
  /** The local pointer moved over the desktop (client mode), in surface pixels. */
  moved(x: number, y: number): void;
  /** Pointer lock started or ended. */
  lockChanged(locked: boolean): void;
}

/**
 * Mouse input. Client mode: absolute positions in surface pixels (the CSS scaling undone).
 * Server mode: a click takes Pointer Lock, then relative motion is sent (scaled to surface
 * pixels, fractions carried over); the browser's Escape releases the lock.
 * Buttons and the wheel (whole notches of UP/DOWN) work in both.
 */
export class PointerInput {
  private readonly listeners: [EventTarget, string, (e: Event) => void, AddEventListenerOptions?][] = [];
  private readonly wheel = new WheelAccumulator();
  private pressed = new Set<number>();
  private fracX = 0;
  private fracY = 0;
  /** Touch points down, by pointer id (client coordinates). Two or more: the gesture scrolls. */
  private readonly touches = new Map<number, { x: number; y: number }>();
  private scrolling = false;

  constructor(
    private readonly view: CanvasView,
    private readonly hooks: PointerHooks,
  ) {
    const c = view.canvas;
    this.listen(c, "pointermove", (e) => this.onMove(e as PointerEvent));
    this.listen(c, "pointerdown", (e) => this.onButton(e as PointerEvent, true));
    this.listen(c, "pointerup", (e) => this.onButton(e as PointerEvent, false));
    this.listen(c, "pointercancel", (e) => this.onButton(e as PointerEvent, false));
    this.listen(c, "wheel", (e) => this.onWheel(e as WheelEvent), { passive: false });
    this.listen(c, "contextmenu", (e) => e.preventDefault());
    this.listen(hooks.focusTarget, "blur", () => this.releaseAll());
    this.listen(c.ownerDocument, "pointerlockchange", () => {
      const locked = this.locked;
      if (!locked) this.releaseAll();
      this.hooks.lockChanged(locked);
    });
  }

  private listen(t: EventTarget, type: string, fn: (e: Event) => void, opts?: AddEventListenerOptions): void {
    t.addEventListener(type, fn, opts);
    this.listeners.push([t, type, fn, opts]);
  }

  get locked(): boolean {
    return this.view.canvas.ownerDocument.pointerLockElement === this.view.canvas;
  }

  private get clientMode(): boolean {
    return this.hooks.mouseMode() === main.MouseMode.Client;
  }

  private channel(): InputSink | undefined {
    if (!this.hooks.enabled()) return undefined;
    const ch = this.hooks.inputs();
    return ch && !ch.closed ? ch : undefined;
  }

  private sendPosition(e: MouseEvent, ch: InputSink): void {
    const p = this.view.toSurface(e.clientX, e.clientY);
    ch.position(p.x, p.y);
    this.hooks.moved(p.x, p.y);
  }

  /**
   * Touch: one finger is the left button (tap = click, drag = move with it held); a second
   * finger turns the gesture into scrolling (the button is let go) and vertical motion of the
   * fingers becomes wheel notches, until every finger is up. Returns true when it took the event.
   */
  private onTouch(e: PointerEvent, kind: "down" | "move" | "up"): boolean {
    if (e.pointerType !== "touch") return false;
    if (kind === "down") this.touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
    const prev = this.touches.get(e.pointerId);
    if (kind === "up") this.touches.delete(e.pointerId);
    if (kind === "down" && this.touches.size >= 2 && !this.scrolling) {
      this.scrolling = true;
      const ch = this.channel();
      if (ch) for (const b of [...this.pressed]) (this.pressed.delete(b), ch.button(b, false));
      this.wheel.reset();
    }
    if (!this.scrolling) return false;
    e.preventDefault();
    if (kind === "move" && prev) {
      const dy = (e.clientY - prev.y) / Math.max(1, this.touches.size);
      prev.x = e.clientX;
      prev.y = e.clientY;
      const ch = this.channel();
      // Fingers moving up scroll the content down, as on a touch screen.
      const notches = this.wheel.add(-dy * 2, 0);
      if (ch) for (let i = 0; i < Math.abs(notches); i++) ch.wheel(notches < 0);
    }
    if (this.touches.size === 0) this.scrolling = false;
    return true;
  }

  private onMove(e: PointerEvent): void {
    if (this.onTouch(e, "move")) return;
    const ch = this.channel();
    if (!ch) return;
    if (this.clientMode) {
      this.sendPosition(e, ch);
      return;
    }
    if (!this.locked) return;
    const s = this.view.scale;
    this.fracX += e.movementX / s;
    this.fracY += e.movementY / s;
    const dx = Math.trunc(this.fracX), dy = Math.trunc(this.fracY);
    this.fracX -= dx;
    this.fracY -= dy;
    if (dx !== 0 || dy !== 0) ch.motion(dx, dy);
  }

  private onButton(e: PointerEvent, down: boolean): void {
    if (this.onTouch(e, down ? "down" : "up")) return;
    const button = BUTTONS[e.button];
    if (down) this.hooks.focus();
    const ch = this.channel();
    if (!ch || button === undefined) return;
    e.preventDefault();
    if (this.clientMode) {
      if (down) this.view.canvas.setPointerCapture?.(e.pointerId);
      this.sendPosition(e, ch);
    } else if (!this.locked) {
      // The first click takes the pointer; it is not sent to the guest.
      if (down) void Promise.resolve(this.view.canvas.requestPointerLock()).catch(() => {});
      return;
    }
    if (down === this.pressed.has(button)) return;
    if (down) this.pressed.add(button);
    else this.pressed.delete(button);
    ch.button(button, down);
  }

  private onWheel(e: WheelEvent): void {
    const ch = this.channel();
    if (!ch) return;
    e.preventDefault();
    if (this.clientMode) this.sendPosition(e, ch);
    else if (!this.locked) return;
    const notches = this.wheel.add(e.deltaY, e.deltaMode);
    for (let i = 0; i < Math.abs(notches); i++) ch.wheel(notches < 0);
  }

  /** Leaves pointer lock (e.g. when the server switches to client mode). */
  unlock(): void {
    if (this.locked) this.view.canvas.ownerDocument.exitPointerLock();
  }

  releaseAll(): void {
    const ch = this.hooks.inputs();
    const buttons = [...this.pressed];
    this.pressed.clear();
    this.wheel.reset();
    if (!ch || ch.closed) return;
    for (const b of buttons) ch.button(b, false);
  }

  destroy(): void {
    this.releaseAll();
    this.unlock();
    for (const [t, type, fn, opts] of this.listeners) t.removeEventListener(type, fn, opts);
    this.listeners.length = 0;
  }
}
