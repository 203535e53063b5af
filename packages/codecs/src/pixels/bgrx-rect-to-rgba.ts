import { LazyWasmModule, SharedWasmInstance, WasmInstance, type WasmMemoryLike } from "../wasm/lazy-wasm-module.js";
import { BGRX_TO_RGBA_WASM } from "../wasm/bgrx-to-rgba.wasm.js";
import { LITTLE_ENDIAN } from "./byte-order.js";

/** A rectangle of a surface, in pixels: [left, right) x [top, bottom). */
export interface PixelRectLike {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export interface BgrxToRgbaOptions {
  /**
   * true: WebAssembly only (throws where it is unavailable); false: JS only; undefined (default):
   * WebAssembly when the platform has it (with SIMD), else JS. Both give the same bytes.
   */
  wasm?: boolean;
}

/**
 * Copies a rect of a B,G,R,X surface (stride = `srcWidth`·4 bytes) into R,G,B,A bytes, as
 * canvas ImageData wants them, with alpha forced to 255 (a desktop is opaque; a canvas would
 * otherwise premultiply and lose colours). `out` receives exactly the rect, packed:
 * (right-left)·(bottom-top)·4 bytes.
 *
 * By default it runs in WebAssembly (assembly/bgrx-to-rgba.ts, 16 bytes per SIMD shuffle): its
 * code is compiled before the first call, where the JS loop spends a browser's first frames in
 * the interpreter (10-20 ms for a 1024x768 screen on a fresh page).
 */
export function bgrxRectToRgba(src: Uint8Array, srcWidth: number, rect: PixelRectLike, out: Uint8Array | Uint8ClampedArray, opts: BgrxToRgbaOptions = {}): void {
  const w = rect.right - rect.left;
  const h = rect.bottom - rect.top;
  if (w <= 0 || h <= 0) return;
  if (rect.left < 0 || rect.top < 0 || rect.right > srcWidth || rect.bottom * srcWidth * 4 > src.length) {
    throw new RangeError(`rect ${rect.left},${rect.top}-${rect.right},${rect.bottom} is outside the ${srcWidth}-pixel-wide surface`);
  }
  if (out.length < w * h * 4) throw new RangeError(`output too small: ${out.length} < ${w * h * 4}`);
  if (opts.wasm !== false) {
    const wasm = shared.get();
    if (wasm === null && opts.wasm === true) throw new Error("WebAssembly (with SIMD) is not available");
    if (wasm?.convert(src, srcWidth, rect, out)) {
      shared.trim();
      return;
    }
  }
  bgrxRectToRgbaJs(src, srcWidth, rect, out);
}

/** The JS path of bgrxRectToRgba: 32-bit words when the host is little-endian and both buffers are aligned. */
function bgrxRectToRgbaJs(src: Uint8Array, srcWidth: number, rect: PixelRectLike, out: Uint8Array | Uint8ClampedArray): void {
  const w = rect.right - rect.left;
  if (LITTLE_ENDIAN && src.byteOffset % 4 === 0 && out.byteOffset % 4 === 0) {
    const s32 = new Uint32Array(src.buffer, src.byteOffset, src.byteLength >>> 2);
    const d32 = new Uint32Array(out.buffer, out.byteOffset, out.byteLength >>> 2);
    let d = 0;
    for (let y = rect.top; y < rect.bottom; y++) {
      let s = y * srcWidth + rect.left;
      const end = s + w;
      while (s < end) {
        const p = s32[s++]!;
        // memory B G R X (0xXXRRGGBB) -> R G B A (0xAABBGGRR)
        d32[d++] = (p & 0x0000ff00) | ((p >>> 16) & 0xff) | ((p & 0xff) << 16) | 0xff000000;
      }
    }
    return;
  }
  let d = 0;
  for (let y = rect.top; y < rect.bottom; y++) {
    let s = (y * srcWidth + rect.left) * 4;
    for (let x = 0; x < w; x++, s += 4) {
      out[d++] = src[s + 2]!;
      out[d++] = src[s + 1]!;
      out[d++] = src[s]!;
      out[d++] = 255;
    }
  }
}

/** The exports of assembly/bgrx-to-rgba.ts (addresses are i32 in JS: read them >>> 0). */
interface BgrxToRgbaExports {
  memory: WasmMemoryLike;
  prepare(bytes: number): number;
  bgrx_to_rgba(count: number): void;
}

const MODULE = /* @__PURE__ */ new LazyWasmModule(BGRX_TO_RGBA_WASM);
const FUNCTIONS = ["prepare", "bgrx_to_rgba"] as const;

/**
 * Bytes of a rect converted per call of the module: a large rect goes through in stripes of
 * whole rows, so the module's memory stays this small (and in cache) whatever the screen size,
 * and a first full-screen frame does not wait for the memory to grow and be paged in.
 */
export const BGRX_STRIPE_BYTES = 256 * 1024;

/** One instance of the module: the rect goes into its memory a stripe of rows at a time, is converted there, and copied out. */
class BgrxToRgbaWasm extends WasmInstance<BgrxToRgbaExports> {
  static create(): BgrxToRgbaWasm | null {
    const exports = MODULE.instantiate<BgrxToRgbaExports>(FUNCTIONS);
    return exports && new BgrxToRgbaWasm(exports);
  }

  /** False (nothing written) when the memory cannot grow to one stripe. */
  convert(src: Uint8Array, srcWidth: number, rect: PixelRectLike, out: Uint8Array | Uint8ClampedArray): boolean {
    const e = this.exports;
    const w = rect.right - rect.left;
    const h = rect.bottom - rect.top;
    const row = w * 4;
    const rows = Math.min(h, Math.max(1, Math.floor(BGRX_STRIPE_BYTES / row)));
    const at = e.prepare(row * rows) >>> 0;
    if (at === 0) return false;
    const stripe = new Uint8Array(e.memory.buffer, at, row * rows);
    const srcRow = srcWidth * 4;
    for (let y = 0; y < h; y += rows) {
      const n = Math.min(rows, h - y);
      const first = (rect.top + y) * srcRow + rect.left * 4;
      const pixels = n === rows ? stripe : stripe.subarray(0, row * n);
      if (w === srcWidth) pixels.set(src.subarray(first, first + row * n));
      else for (let k = 0, s = first; k < n; k++, s += srcRow) pixels.set(src.subarray(s, s + row), k * row);
      e.bgrx_to_rgba(w * n);
      out.set(pixels, y * row);
    }
    return true;
  }
}

const shared = /* @__PURE__ */ new SharedWasmInstance(() => BgrxToRgbaWasm.create());
