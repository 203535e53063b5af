
export type ScalingMode = "fit" | "none";

/** A changed rect as RGBA bytes (alpha 255), what the session side sends. */
export interface RgbaRect {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Its w·h·4 bytes, from the start of the buffer (which may be larger: buffers are reused). */
  rgba: ArrayBuffer;
}

/**
 * The remote desktop on a <canvas>: batches of changed rects (already RGBA, converted by the
 * session side) are painted once per animation frame with putImageData, and the canvas is
 * scaled with CSS. `painted` is called after each paint (the console then asks for more).
 */
export class CanvasView {
  readonly element: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  /**
   * Where the keyboard focus really is: an invisible <textarea> over the canvas, so the browser
   * delivers composed text (IME, dead keys, emoji pickers, on-screen keyboards) as input events.
   * Focusing the canvas moves the focus here.
   */
  readonly keyTarget: HTMLTextAreaElement;
  private readonly ctx: CanvasRenderingContext2D;
  private hasSource = false;
  private pending: RgbaRect[] = [];
  private frameRequest = 0;
  /** Called after each paint, with the buffers of the rects painted (free to reuse). */
  painted?: (buffers: ArrayBuffer[]) => void;
  private scaling: ScalingMode;
  private readonly resizeObserver?: ResizeObserver;
  /** Animation frames that painted something, and the time spent painting. */
  frames = 0;
  paintMs = 0;
  /** Tag of the latest batch drawn (the display message serial it is up to), and of the one painted. */
  private pendingTag = 0;
  paintedTag = 0;

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
    this.keyTarget = doc.createElement("textarea");
    this.keyTarget.className = "saffron-keyboard";
    this.keyTarget.setAttribute("aria-label", "Remote desktop keyboard");
    for (const [k, v] of [["autocomplete", "off"], ["autocorrect", "off"], ["autocapitalize", "off"], ["spellcheck", "false"]]) this.keyTarget.setAttribute(k!, v!);
    this.keyTarget.tabIndex = -1;
    Object.assign(this.keyTarget.style, {
      position: "absolute", left: "0", top: "0", width: "1px", height: "1px", padding: "0", border: "0", margin: "0",
      opacity: "0", resize: "none", overflow: "hidden", pointerEvents: "none", caretColor: "transparent", outline: "none",
    });
    this.canvas.addEventListener("focus", () => this.keyTarget.focus({ preventScroll: true }));
    this.element.append(this.canvas, this.keyTarget);
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
    return this.hasSource ? this.canvas.width : 0;
  }

  get height(): number {
    return this.hasSource ? this.canvas.height : 0;
  }

  /** A (new) desktop size; its pixels follow with draw(). Returns true when the size changed. */
  setSize(width: number, height: number): boolean {
    const resized = width !== this.canvas.width || height !== this.canvas.height || !this.hasSource;
    this.hasSource = true;
    if (resized) {
      this.pending = [];
      this.canvas.width = width;
      this.canvas.height = height;
      this.applyScaling();
    }
    return resized;
  }

  /** Queues rects to paint at the next animation frame. */
  draw(rects: RgbaRect[], tag = 0): void {
    this.pendingTag = tag;
    for (const r of rects) this.pending.push(r);
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
    if (this.scaling === "none" || !this.hasSource) {
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
    if (this.frameRequest || this.pending.length === 0) return;
    this.frameRequest = requestAnimationFrame(() => {
      this.frameRequest = 0;
      this.paint();
    });
  }

  /** Paints every pending rect now (normally called once per animation frame). */
  paint(): void {
    const rects = this.pending;
    if (rects.length === 0) return;
    this.pending = [];
    const t0 = performance.now();
    const cw = this.canvas.width, ch = this.canvas.height;
    for (const r of rects) {
      if (r.w <= 0 || r.h <= 0 || r.x + r.w > cw || r.y + r.h > ch) continue; // from before a resize
      this.ctx.putImageData(new ImageData(new Uint8ClampedArray(r.rgba, 0, r.w * r.h * 4), r.w, r.h), r.x, r.y);
    }
    this.frames++;
    this.paintMs += performance.now() - t0;
    this.paintedTag = this.pendingTag;
    // putImageData copied the pixels: the buffers can go back.
    this.painted?.(rects.map((r) => r.rgba));
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
