import { bgraRectToRgba } from "./bgra.js";
import { DirtyRects, type PixelRect } from "./dirty-rects.js";

export type ScalingMode = "fit" | "none";

/** What the view paints from: a B,G,R,X surface (the client core's Surface fits). */
export interface PixelSource {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * The remote desktop on a <canvas>: changed rects are collected and painted once per
 * animation frame with putImageData (BGRA → RGBA), and the canvas is scaled with CSS.
 */
export class CanvasView {
  readonly element: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private source?: PixelSource;
  private readonly dirty = new DirtyRects();
  private frameRequest = 0;
  private scaling: ScalingMode;
  private readonly resizeObserver?: ResizeObserver;
  /** Animation frames that painted something, and the time spent painting. */
  frames = 0;
  paintMs = 0;

  constructor(
    private readonly container: HTMLElement,
    scaling: ScalingMode,
  ) {
    this.scaling = scaling;
    const doc = container.ownerDocument;
    this.element = doc.createElement("div");
    this.element.className = "saffron-screen";
    this.element.style.position = "relative";
    this.element.style.display = "inline-block";
    this.element.style.lineHeight = "0";
    this.canvas = doc.createElement("canvas");
    this.canvas.className = "saffron-canvas";
    this.canvas.tabIndex = 0;
    this.canvas.width = 1;
    this.canvas.height = 1;
    this.canvas.style.outline = "none";
    this.canvas.style.display = "block";
    this.canvas.style.touchAction = "none";
    this.element.append(this.canvas);
    container.append(this.element);
    const ctx = this.canvas.getContext("2d", { alpha: false });
    if (!ctx) throw new Error("this browser has no 2D canvas");
    this.ctx = ctx;
    if (typeof ResizeObserver !== "undefined") {
      this.resizeObserver = new ResizeObserver(() => this.applyScaling());
      this.resizeObserver.observe(container);
    }
  }

  get width(): number {
    return this.source?.width ?? 0;
  }

  get height(): number {
    return this.source?.height ?? 0;
  }

  /** Shows a (new) surface; everything is repainted. Returns true when the size changed. */
  setSource(source: PixelSource): boolean {
    const resized = source.width !== this.canvas.width || source.height !== this.canvas.height || !this.source;
    this.source = source;
    if (resized) {
      this.canvas.width = source.width;
      this.canvas.height = source.height;
      this.applyScaling();
    }
    this.dirty.reset(source.width, source.height);
    this.schedule();
    return resized;
  }

  invalidate(rect: PixelRect): void {
    if (!this.source) return;
    this.dirty.add(rect);
    this.schedule();
  }

  setScaling(mode: ScalingMode): void {
    this.scaling = mode;
    this.applyScaling();
  }

  get scalingMode(): ScalingMode {
    return this.scaling;
  }

  /** CSS pixels per surface pixel. */
  get scale(): number {
    const r = this.canvas.getBoundingClientRect();
    return this.canvas.width > 0 && r.width > 0 ? r.width / this.canvas.width : 1;
  }

  /** Surface coordinates of a point in the viewport (clamped into the surface). */
  toSurface(clientX: number, clientY: number): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    const sx = r.width > 0 ? this.canvas.width / r.width : 1;
    const sy = r.height > 0 ? this.canvas.height / r.height : 1;
    const x = Math.floor((clientX - r.left) * sx);
    const y = Math.floor((clientY - r.top) * sy);
    return { x: clamp(x, 0, this.canvas.width - 1), y: clamp(y, 0, this.canvas.height - 1) };
  }

  private applyScaling(): void {
    const w = this.canvas.width, h = this.canvas.height;
    if (this.scaling === "none" || !this.source) {
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${h}px`;
      return;
    }
    const cw = this.container.clientWidth, ch = this.container.clientHeight;
    let s = cw > 0 ? cw / w : 1;
    if (ch > 0) s = Math.min(s, ch / h);
    if (!(s > 0) || !Number.isFinite(s)) s = 1;
    this.canvas.style.width = `${Math.floor(w * s)}px`;
    this.canvas.style.height = `${Math.floor(h * s)}px`;
  }

  private schedule(): void {
    if (this.frameRequest || this.dirty.empty) return;
    this.frameRequest = requestAnimationFrame(() => {
      this.frameRequest = 0;
      this.paint();
    });
  }

  /** Paints every pending rect now (normally called once per animation frame). */
  paint(): void {
    const src = this.source;
    if (!src || this.dirty.empty) return;
    const t0 = performance.now();
    for (const r of this.dirty.take()) {
      const w = r.right - r.left, h = r.bottom - r.top;
      const img = this.ctx.createImageData(w, h);
      bgraRectToRgba(src.data, src.width, r, img.data);
      this.ctx.putImageData(img, r.left, r.top);
    }
    this.frames++;
    this.paintMs += performance.now() - t0;
  }

  destroy(): void {
    if (this.frameRequest) cancelAnimationFrame(this.frameRequest);
    this.frameRequest = 0;
    this.resizeObserver?.disconnect();
    this.element.remove();
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
