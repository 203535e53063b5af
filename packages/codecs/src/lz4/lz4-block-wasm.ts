import { LazyWasmModule, WasmInstance, type WasmMemoryLike } from "../wasm/lazy-wasm-module.js";
import { LZ4_BLOCK_WASM } from "../wasm/lz4-block.wasm.js";

/** The exports of assembly/lz4-block.ts (addresses and lengths are i32 in JS: read them >>> 0). */
interface Lz4BlockExports {
  memory: WasmMemoryLike;
  input_ptr(): number;
  output_ptr(n: number): number;
  prepare(n: number, head: number): number;
  compress(n: number, head: number): number;
}

const MODULE = /* @__PURE__ */ new LazyWasmModule(LZ4_BLOCK_WASM);
const FUNCTIONS = ["input_ptr", "output_ptr", "prepare", "compress"] as const;

/**
 * The LZ4 block compressor of compressLz4Block in WebAssembly (assembly/lz4-block.ts): same
 * blocks, byte for byte, about twice as fast (64-bit hashing and match extension). Each
 * instance has its own linear memory holding the input, the output and the hash table; the
 * memory grows to the largest input seen and never shrinks, so it is released only with the
 * instance (drop the compressor).
 *
 * Use: `input(n, head)` to get the area to fill with the n input bytes, then `compress(n, head)`.
 */
export class Lz4WasmCompressor extends WasmInstance<Lz4BlockExports> {

  /** A new compressor, or null where WebAssembly is unavailable (use compressLz4Block then). */
  static create(): Lz4WasmCompressor | null {
    const exports = MODULE.instantiate<Lz4BlockExports>(FUNCTIONS);
    return exports && new Lz4WasmCompressor(exports);
  }

  /**
   * Makes room for an n-byte input and its output after `head` bytes of header, and returns
   * the view to write the input into; null when the memory cannot grow that far (wasm32 has at
   * most 4 GiB, a browser may allow less).
   */
  input(n: number, head: number): Uint8Array | null {
    const e = this.exports;
    if (e.prepare(n, head) === 0) return null;
    return new Uint8Array(e.memory.buffer, e.input_ptr() >>> 0, n);
  }

  /**
   * Compresses the n bytes written into input(n, head) as one LZ4 block and returns a view of
   * the instance's memory: `head` bytes for the caller's header, then the block. The view is
   * valid until the next call of input() (which may also detach it when the memory grows).
   */
  compress(n: number, head: number): Uint8Array {
    const e = this.exports;
    const out = e.output_ptr(n) >>> 0;
    const len = e.compress(n, head) >>> 0;
    return new Uint8Array(e.memory.buffer, out, head + len);
  }
}
