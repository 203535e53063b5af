import { LazyWasmModule, WasmInstance, type WasmMemoryLike } from "../wasm/lazy-wasm-module.js";
import { QUIC_ENCODE_WASM } from "../wasm/quic-encode.wasm.js";

/** The exports of assembly/quic-encode.ts (addresses and lengths are i32 in JS: read them >>> 0). */
interface QuicEncodeExports {
  memory: WasmMemoryLike;
  prepare(width: number, height: number, chunkRows: number, type: number): number;
  encode_rows(n: number): number;
  finish(): number;
  output_ptr(): number;
}

const MODULE = /* @__PURE__ */ new LazyWasmModule(QUIC_ENCODE_WASM);
const FUNCTIONS = ["prepare", "encode_rows", "finish", "output_ptr"] as const;

/**
 * Bytes of pixels passed to the module at a time: whole rows, enough to make the per-call costs
 * negligible while the rows are still in cache when they are coded.
 */
const CHUNK_BYTES = 128 << 10;

/**
 * The QUIC encoder of quic-encoder.ts in WebAssembly (assembly/quic-encode.ts): the same stream,
 * byte for byte, for every image. Each instance has its own linear memory, laid out per image
 * as: the row symbol buffers (5 bytes per pixel of width), the rows being coded (a chunk of
 * about 128 KB, and one row more) and the stream, after about 15 KB of tables. The memory grows
 * to the largest stream (and chunk) and never shrinks; `memoryBytes` tells its size, and
 * dropping the instance releases it.
 */
export class QuicWasmEncoder extends WasmInstance<QuicEncodeExports> {

  /** A new encoder, or null where WebAssembly is unavailable or refuses the module. */
  static create(): QuicWasmEncoder | null {
    const exports = MODULE.instantiate<QuicEncodeExports>(FUNCTIONS);
    return exports && new QuicWasmEncoder(exports);
  }


  /**
   * Encodes a BGRA image whose arguments the caller has checked (width * 4 <= stride, data long
   * enough) as a QUIC stream of `type` (a QuicImageType), header included. Returns a view of the
   * instance's memory, valid until the next call; null, without a stream, when the memory cannot
   * grow to the image's stream.
   */
  encode(data: Uint8Array, width: number, height: number, stride: number, type: number): Uint8Array | null {
    const e = this.exports;
    const rowBytes = width * 4;
    const chunkRows = Math.max(1, Math.min(height, Math.floor(CHUNK_BYTES / rowBytes)));
    const at = e.prepare(width, height, chunkRows, type) >>> 0;
    if (at === 0) return null;
    let buffer = e.memory.buffer;
    let chunk = new Uint8Array(buffer, at, chunkRows * rowBytes);
    for (let y = 0; y < height; y += chunkRows) {
      const n = Math.min(chunkRows, height - y);
      // encode_rows grows the memory, which detaches the views of the old buffer.
      if (e.memory.buffer !== buffer) {
        buffer = e.memory.buffer;
        chunk = new Uint8Array(buffer, at, chunkRows * rowBytes);
      }
      const from = y * stride;
      if (stride === rowBytes) {
        chunk.set(data.subarray(from, from + n * rowBytes));
      } else {
        for (let k = 0; k < n; k++) chunk.set(data.subarray(from + k * stride, from + k * stride + rowBytes), k * rowBytes);
      }
      if (!e.encode_rows(n)) return null;
    }
    const len = e.finish() >>> 0;
    if (len === 0) return null;
    return new Uint8Array(e.memory.buffer, e.output_ptr() >>> 0, len);
  }
}
