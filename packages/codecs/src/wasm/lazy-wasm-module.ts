/**
 * Loading of the codecs' generated WebAssembly modules (src/wasm/*.wasm.ts, built from
 * assembly/ by scripts/build-wasm.mjs). The part of the WebAssembly JS API used here is declared
 * locally because this package compiles against lib ES2022 only; Node and browsers provide it as
 * `globalThis.WebAssembly`.
 *
 * Compilation and instantiation are synchronous (new WebAssembly.Module / Instance), so the
 * encoders built on them stay synchronous. Browsers refuse synchronous compilation of large
 * modules on the main thread (the codecs' modules are a few KB, and encoders run in Node or a
 * Worker); wherever WebAssembly is missing or refused (no WebAssembly, a Content-Security-Policy
 * without 'wasm-unsafe-eval', ...), instantiate() returns null and callers use their JS path.
 */

/** A WebAssembly.Memory as seen from JS. */
export interface WasmMemoryLike {
  readonly buffer: ArrayBuffer;
}

interface WasmInstanceLike {
  readonly exports: Record<string, unknown>;
}

interface WasmApiLike {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, never>) => WasmInstanceLike;
}

/**
 * A codec's wasm instance is dropped after a call that leaves its memory larger than this (wasm
 * memory never shrinks), so one huge image, or a hostile header, cannot pin memory for good.
 */
export const WASM_RETAIN_BYTES = 64 << 20;

/** The codecs' wasm wrappers: one instance's exports, and the size of its memory. */
export abstract class WasmInstance<E extends { memory: WasmMemoryLike }> {
  protected constructor(protected readonly exports: E) {}

  /** The current size of the instance's memory, in bytes. */
  get memoryBytes(): number {
    return this.exports.memory.buffer.byteLength;
  }

  /** True once the memory grew past WASM_RETAIN_BYTES: drop the instance (a new one is made when needed). */
  get oversized(): boolean {
    return this.memoryBytes > WASM_RETAIN_BYTES;
  }
}

/**
 * A process-wide instance of a wasm wrapper: made on first use (null, for good, where
 * WebAssembly is unavailable), and dropped by trim() once a call left its memory oversized (the
 * next use makes a new one).
 */
export class SharedWasmInstance<T extends { readonly oversized: boolean }> {
  /** undefined: not made yet (or trimmed); null: WebAssembly unavailable. */
  #value: T | null | undefined;

  constructor(private readonly create: () => T | null) {}

  get(): T | null {
    if (this.#value === undefined) this.#value = this.create();
    return this.#value;
  }

  /** After a call: drops the instance when its memory grew past WASM_RETAIN_BYTES. */
  trim(): void {
    if (this.#value?.oversized) this.#value = undefined;
  }
}

/** A generated module (base64 bytes, no imports): compiled on first use, once per process. */
export class LazyWasmModule {
  readonly #base64: string;
  /** undefined: not tried yet; null: WebAssembly missing or the compile failed. */
  #module: object | null | undefined;

  constructor(base64: string) {
    this.#base64 = base64;
  }

  /**
   * A new instance (its own memory) whose exports include every name in `functions` as a
   * function and `memory`; null when WebAssembly is unavailable, refuses the module, or the
   * exports do not match.
   */
  instantiate(functions: readonly string[]): Record<string, unknown> | null;
  /** As instantiate(), typed as the module's exports `E` (checked: `functions` and `memory`). */
  instantiate<E>(functions: readonly string[]): E | null;
  instantiate(functions: readonly string[]): Record<string, unknown> | null {
    const api = (globalThis as { WebAssembly?: WasmApiLike }).WebAssembly;
    if (api === undefined) return null;
    if (this.#module === undefined) {
      try {
        this.#module = new api.Module(decodeBase64(this.#base64));
      } catch {
        this.#module = null;
      }
    }
    if (this.#module === null) return null;
    let exports: Record<string, unknown>;
    try {
      exports = new api.Instance(this.#module, {}).exports;
    } catch {
      return null;
    }
    const memory = exports.memory as Partial<WasmMemoryLike> | undefined;
    if (!(memory?.buffer instanceof ArrayBuffer)) return null;
    for (const f of functions) if (typeof exports[f] !== "function") return null;
    return exports;
  }
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes standard base64 (with or without padding); the generated modules are well-formed. */
export function decodeBase64(s: string): Uint8Array {
  // atob (browsers, Node 16+) is native: the JS loop below costs ~1 ms and a JIT compile per page.
  const atob = (globalThis as { atob?: (data: string) => string }).atob;
  if (typeof atob === "function") {
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  return decodeBase64Js(s);
}

/** decodeBase64 without atob. */
export function decodeBase64Js(s: string): Uint8Array {
  const values = new Uint8Array(128);
  for (let i = 0; i < BASE64.length; i++) values[BASE64.charCodeAt(i)] = i;
  let len = s.length;
  while (len > 0 && s.charCodeAt(len - 1) === 61) len--; // "="
  const out = new Uint8Array((len * 3) >> 2);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < len; i++) {
    acc = ((acc << 6) | values[s.charCodeAt(i) & 127]) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  return out;
}
