/**
 * What the server serves: a desktop that produces frames and damage and accepts input.
 * Every source (a Node framebuffer, an X display, a static picture) implements this, and
 * the SPICE channels only talk to this interface.
 */

/** Half-open rectangle in framebuffer pixels. */
export interface DamageRect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The current picture: 32-bit pixels, bytes B, G, R, X per pixel, rows top-down, `stride` bytes apart. */
export interface Framebuffer {
  width: number;
  height: number;
  stride: number;
  data: Uint8Array;
}

/** A cursor shape: straight RGBA, top-down. */
export interface CursorImage {
  width: number;
  height: number;
  hotX: number;
  hotY: number;
  rgba: Uint8Array;
}

export interface SourceListeners {
  /** Pixels changed inside these rects (already visible in `framebuffer()`). */
  damage(rects: DamageRect[]): void;
  /** The desktop changed size; `framebuffer()` has the new size. */
  resize(width: number, height: number): void;
  /** New cursor shape (null: hidden). */
  cursor(shape: CursorImage | null): void;
  /** The pointer moved on the desktop (server-side pointer). */
  pointer(x: number, y: number): void;
  /** Text copied on the desktop, for the client's clipboard. */
  clipboard(text: string): void;
}

export interface DisplaySource {
  /** Short human name for logs ("x11 :5", "image logo.png", "demo"). */
  readonly description: string;
  start(listeners: SourceListeners): Promise<void>;
  stop(): Promise<void>;
  /** The current picture. The server reads it when it sends; it must not be reallocated without a resize. */
  framebuffer(): Framebuffer;
  /** Whether the source can place the pointer absolutely (enables SPICE client mouse mode). */
  readonly absolutePointer: boolean;
  /** Key press/release as a PC set-1 scancode (0xE0xx for extended keys). */
  key?(scancode: number, down: boolean): void;
  /** Absolute pointer position with the SPICE button mask (1 left, 2 middle, 4 right, 8 up, 16 down). */
  pointerPosition?(x: number, y: number, buttons: number): void;
  /** Relative pointer motion (server mouse mode). */
  pointerMotion?(dx: number, dy: number, buttons: number): void;
  /** A button changed (SPICE button number 1..7; 4/5 are wheel). */
  pointerButton?(button: number, down: boolean, buttons: number): void;
  /** The client asks for a new desktop size (monitors config). */
  requestResize?(width: number, height: number): void;
  /** The client's clipboard text, to paste on the desktop. */
  setClipboard?(text: string): void;
}
