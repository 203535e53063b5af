import type { CursorShape } from "@saffron/client";
import type { CanvasView } from "./canvas-view.js";

/** Browsers ignore CSS cursor images larger than this (Chromium: 128 px). */
const MAX_CSS_CURSOR = 128;

/**
 * The remote cursor drawn locally. In client mouse mode it becomes the CSS cursor of the
 * canvas (a PNG data URL with its hot spot), so it moves without any round trip. In server
 * mode (pointer locked, the server moves the pointer) it is an overlay canvas placed where the
 * server says the pointer is. Shapes too big for CSS use the overlay in both modes.
 */
export class CursorView {
  private shape: CursorShape | null = null;
  private visible = true;
  private cssUrl: string | null = null;
  private readonly overlay: HTMLCanvasElement;
  private serverMode = false;
  private x = 0;
  private y = 0;
  /** Until the server sends a first shape, the local default arrow shows (some servers never send one). */
  private hadShape = false;

  constructor(private readonly view: CanvasView) {
    const doc = view.canvas.ownerDocument;
    this.overlay = doc.createElement("canvas");
    this.overlay.className = "saffron-cursor";
    Object.assign(this.overlay.style, { position: "absolute", left: "0", top: "0", pointerEvents: "none", display: "none", transformOrigin: "0 0" });
    view.element.append(this.overlay);
    this.apply();
  }

  setShape(shape: CursorShape | null): void {
    this.shape = shape;
    this.cssUrl = null;
    if (shape) this.hadShape = true;
    if (shape && shape.width > 0 && shape.height > 0) {
      this.overlay.width = shape.width;
      this.overlay.height = shape.height;
      const ctx = this.overlay.getContext("2d");
      if (ctx) {
        const img = ctx.createImageData(shape.width, shape.height);
        img.data.set(shape.rgba.subarray(0, img.data.length));
        ctx.putImageData(img, 0, 0);
        if (shape.width <= MAX_CSS_CURSOR && shape.height <= MAX_CSS_CURSOR) this.cssUrl = this.overlay.toDataURL("image/png");
      }
    }
    this.apply();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.apply();
  }

  /** Server mouse mode: the overlay follows the server's pointer. */
  setServerMode(server: boolean): void {
    this.serverMode = server;
    this.apply();
  }

  moveTo(x: number, y: number): void {
    this.x = x;
    this.y = y;
    if (this.overlay.style.display !== "none") this.place();
  }

  private place(): void {
    const s = this.view.scale;
    const hx = this.shape?.hotX ?? 0, hy = this.shape?.hotY ?? 0;
    this.overlay.style.transform = `translate(${(this.x - hx) * s}px, ${(this.y - hy) * s}px) scale(${s})`;
  }

  /** Re-applies the CSS after the view was rescaled. */
  refresh(): void {
    this.apply();
  }

  private apply(): void {
    const canvas = this.view.canvas;
    const has = this.visible && this.shape !== null && this.shape.width > 0;
    const useOverlay = has && (this.serverMode || this.cssUrl === null);
    if (!has) canvas.style.cursor = this.hadShape ? "none" : "default";
    else if (useOverlay) canvas.style.cursor = this.serverMode ? "default" : "none";
    else canvas.style.cursor = `url(${this.cssUrl}) ${this.shape!.hotX} ${this.shape!.hotY}, default`;
    this.overlay.style.display = useOverlay ? "block" : "none";
    if (useOverlay) this.place();
  }

  destroy(): void {
    this.overlay.remove();
    this.view.canvas.style.cursor = "";
  }
}
