import type { CursorImage, DamageRect, DisplaySource, Framebuffer, SourceListeners } from "./display-source.js";

export interface FramebufferSourceOptions {
  width: number;
  height: number;
  description?: string;
  /** Input callbacks, for programs that want keys and the pointer. */
  onKey?(scancode: number, down: boolean): void;
  onPointer?(x: number, y: number, buttons: number): void;
  onButton?(button: number, down: boolean, buttons: number): void;
  /** Accept client resize requests (monitors config). Default false. */
  resizable?: boolean;
}

/**
 * A desktop that a Node program draws: write B,G,R,X pixels into `pixels` (or use the
 * helpers), then call `damage()` for what changed. See the README for an example.
 */
export class FramebufferSource implements DisplaySource {
  readonly description: string;
  readonly absolutePointer = true;
  width: number;
  height: number;
  /** B, G, R, X bytes, rows top-down, stride width * 4. */
  pixels: Uint8Array;
  private listeners?: SourceListeners;
  /** Present only for resizable framebuffers, so clients are offered resizing only then. */
  readonly requestResize?: (width: number, height: number) => void;
  private pending: DamageRect[] = [];
  private scheduled = false;

  constructor(private readonly options: FramebufferSourceOptions) {
    this.width = options.width;
    this.height = options.height;
    this.pixels = new Uint8Array(this.width * this.height * 4);
    this.description = options.description ?? `framebuffer ${this.width}x${this.height}`;
    if (options.resizable) this.requestResize = (width, height) => this.resize(width, height);
  }

  async start(listeners: SourceListeners): Promise<void> {
    this.listeners = listeners;
  }

  async stop(): Promise<void> {
    this.listeners = undefined;
  }

  framebuffer(): Framebuffer {
    return { width: this.width, height: this.height, stride: this.width * 4, data: this.pixels };
  }

  /** Marks a region as changed; damage within one tick is delivered together. */
  damage(rect: DamageRect = { left: 0, top: 0, right: this.width, bottom: this.height }): void {
    this.pending.push(rect);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      const rects = this.pending;
      this.pending = [];
      this.listeners?.damage(rects);
    });
  }

  /** Fills a rect with an 0xRRGGBB colour and marks it damaged. */
  fillRect(left: number, top: number, width: number, height: number, rgb: number): void {
    const u32 = new Uint32Array(this.pixels.buffer, this.pixels.byteOffset, this.width * this.height);
    const x0 = Math.max(0, left), y0 = Math.max(0, top);
    const x1 = Math.min(this.width, left + width), y1 = Math.min(this.height, top + height);
    if (x1 <= x0 || y1 <= y0) return;
    const v = (0xff000000 | rgb) >>> 0;
    for (let y = y0; y < y1; y++) u32.fill(v, y * this.width + x0, y * this.width + x1);
    this.damage({ left: x0, top: y0, right: x1, bottom: y1 });
  }

  /** Copies RGBA pixels (e.g. a decoded PNG) to (x, y) and marks them damaged. */
  putRgba(x: number, y: number, width: number, height: number, rgba: Uint8Array): void {
    for (let row = 0; row < height; row++) {
      const ty = y + row;
      if (ty < 0 || ty >= this.height) continue;
      for (let col = 0; col < width; col++) {
        const tx = x + col;
        if (tx < 0 || tx >= this.width) continue;
        const s = (row * width + col) * 4;
        const d = (ty * this.width + tx) * 4;
        this.pixels[d] = rgba[s + 2]!;
        this.pixels[d + 1] = rgba[s + 1]!;
        this.pixels[d + 2] = rgba[s]!;
        this.pixels[d + 3] = 255;
      }
    }
    this.damage({ left: x, top: y, right: x + width, bottom: y + height });
  }

  /** Changes the desktop size (contents cleared). */
  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.pixels = new Uint8Array(width * height * 4);
    this.listeners?.resize(width, height);
  }

  setCursor(shape: CursorImage | null): void {
    this.listeners?.cursor(shape);
  }

  key(scancode: number, down: boolean): void {
    this.options.onKey?.(scancode, down);
  }

  pointerPosition(x: number, y: number, buttons: number): void {
    this.options.onPointer?.(x, y, buttons);
  }

  pointerButton(button: number, down: boolean, buttons: number): void {
    this.options.onButton?.(button, down, buttons);
  }


}
