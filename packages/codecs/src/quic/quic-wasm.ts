import { CodecError } from "../errors.js";
import { LazyWasmModule, WasmInstance, type WasmMemoryLike } from "../wasm/lazy-wasm-module.js";
import { QUIC_DECODE_WASM } from "../wasm/quic-decode.wasm.js";

/** The exports of assembly/quic-decode.ts (addresses are i32 in JS: read them >>> 0). */
interface QuicDecodeExports {
  memory: WasmMemoryLike;
  prepare(nBytes: number, width: number, height: number): number;
  decode(type: number): number;
  output_ptr(): number;
  error_offset(): number;
}

const MODULE = /* @__PURE__ */ new LazyWasmModule(QUIC_DECODE_WASM);
const FUNCTIONS = ["prepare", "decode", "output_ptr", "error_offset"] as const;

/** decode() results of the module. */
const ERR_TRUNCATED = 1;
const ERR_RUN = 2;

/**
 * The QUIC decoder of quic-decoder.ts in WebAssembly (assembly/quic-decode.ts): the same pixels
 * and the same errors for every stream. Each instance has its own linear memory, laid out per
 * image as: the row symbol buffers (5 bytes per pixel of width), a copy of the stream plus
 * 16 bytes per pixel of width (+128) of zero padding, and the decoded pixels (4 bytes per
 * pixel), after about 10 KB of tables. The memory grows to the largest image decoded and never
 * shrinks; `memoryBytes` tells its size, and dropping the instance releases it.
 */
export class QuicWasmDecoder extends WasmInstance<QuicDecodeExports> {

  /** A new decoder, or null where WebAssembly is unavailable or refuses the module. */
  static create(): QuicWasmDecoder | null {
    const exports = MODULE.instantiate<QuicDecodeExports>(FUNCTIONS);
    return exports && new QuicWasmDecoder(exports);
  }


  /**
   * Decodes `data`, a QUIC stream whose header (type, width, height) the caller has parsed and
   * validated, into `out` (exactly width * height * 4 bytes, any alignment) as B, G, R, A bytes.
   * Throws CodecError ERR_QUIC_CORRUPT on corrupt or truncated streams, as the JS decoder does.
   * Returns false, without decoding, when the memory cannot grow to the image.
   */
  decode(data: Uint8Array, type: number, width: number, height: number, out: Uint8Array): boolean {
    const e = this.exports;
    const inBytes = (data.length >>> 2) * 4; // whole words only: the rest is never read
    const at = e.prepare(data.length, width, height) >>> 0;
    if (at === 0) return false;
    new Uint8Array(e.memory.buffer, at, inBytes).set(data.subarray(0, inBytes));
    const status = e.decode(type);
    if (status !== 0) {
      const offset = e.error_offset() >>> 0;
      if (status === ERR_TRUNCATED) throw new CodecError("ERR_QUIC_CORRUPT", "QUIC stream truncated", offset);
      if (status === ERR_RUN) throw new CodecError("ERR_QUIC_CORRUPT", "QUIC run past the end of the row", offset);
      throw new CodecError("ERR_QUIC_CORRUPT", `bad QUIC image type ${type}`, 8);
    }
    out.set(new Uint8Array(e.memory.buffer, e.output_ptr() >>> 0, width * height * 4));
    return true;
  }
}
