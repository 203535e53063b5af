import { LazyWasmModule, WasmInstance, type WasmMemoryLike } from "../wasm/lazy-wasm-module.js";
import { LZ_ENCODE_WASM } from "../wasm/lz-encode.wasm.js";

/** The exports of assembly/lz-encode.ts (addresses are i32 in JS: read them >>> 0). */
interface LzEncodeExports {
  memory: WasmMemoryLike;
  input_ptr(): number;
  output_ptr(n: number): number;
  prepare(n: number, rgba: number): number;
  encode(n: number, rgba: number): number;
}

const MODULE = /* @__PURE__ */ new LazyWasmModule(LZ_ENCODE_WASM);
const FUNCTIONS = ["input_ptr", "output_ptr", "prepare", "encode"] as const;

/**
 * The LZ encoder of lz-encoder.ts in WebAssembly (assembly/lz-encode.ts): the same stream, byte
 * for byte, for RGB32 and RGBA. Each instance has its own linear memory holding the 32 KiB hash
 * table, a copy of the pixels and the stream; it grows to the largest image seen and never shrinks
 * (drop the instance to release it).
 *
 * Use: `input(n, rgba)` to get the area to fill with the n pixels (B, G, R, A bytes, coded order),
 * then `encode(n, rgba)`.
 */
export class LzWasmEncoder extends WasmInstance<LzEncodeExports> {

  /** A new encoder, or null where WebAssembly is unavailable or refuses the module. */
  static create(): LzWasmEncoder | null {
    const exports = MODULE.instantiate<LzEncodeExports>(FUNCTIONS);
    return exports && new LzWasmEncoder(exports);
  }


  /**
   * Makes room for n pixels and their stream, and returns the view (n * 4 bytes) to write the
   * pixels into; null when the memory cannot grow that far (wasm32 has at most 4 GiB, a browser
   * may allow less).
   */
  input(n: number, rgba: boolean): Uint8Array | null {
    const e = this.exports;
    if (e.prepare(n, rgba ? 1 : 0) === 0) return null;
    return new Uint8Array(e.memory.buffer, e.input_ptr() >>> 0, n * 4);
  }

  /**
   * Codes the n pixels written into input(n, rgba) and returns a view of the instance's memory:
   * the 28 header bytes, left for the caller to write, then the body. The view is valid until the
   * next call of input() (which may also detach it when the memory grows).
   */
  encode(n: number, rgba: boolean): Uint8Array {
    const e = this.exports;
    const out = e.output_ptr(n) >>> 0;
    const len = e.encode(n, rgba ? 1 : 0) >>> 0;
    return new Uint8Array(e.memory.buffer, out, len);
  }
}
