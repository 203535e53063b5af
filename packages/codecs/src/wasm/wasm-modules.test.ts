import { describe, expect, it } from "vitest";
// The generic builder of src/wasm/*.wasm.ts (plain JS, outside src/; see its header).
import { buildWasmModules } from "../../scripts/build-wasm.mjs";
import { decodeBase64, decodeBase64Js, LazyWasmModule, SharedWasmInstance } from "./lazy-wasm-module.js";
import { LZ4_BLOCK_WASM } from "./lz4-block.wasm.js";

interface BuiltModule {
  source: string;
  file: string;
  text: string;
  current: string | null;
}

describe("generated WebAssembly modules", () => {
  it("every src/wasm/*.wasm.ts is what scripts/build-wasm.mjs builds from assembly/ now", async () => {
    const { modules, stale } = (await buildWasmModules()) as { modules: BuiltModule[]; stale: string[] };
    expect(modules.map((m) => m.source)).toContain("lz4-block.ts");
    expect(stale, "generated modules without a source in assembly/").toEqual([]);
    for (const m of modules) {
      expect(m.current, `${m.file} is missing or out of date: run npm run build:wasm -w @saffron/codecs`).toBe(m.text);
    }
  }, 60_000);

  it("decodeBase64 (atob) and decodeBase64Js match Node's decoder, with and without padding", () => {
    for (const decode of [decodeBase64, decodeBase64Js]) {
      for (const len of [0, 1, 2, 3, 4, 5, 255, 256, 1000]) {
        const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 97 + len) & 255);
        const b64 = Buffer.from(bytes).toString("base64");
        expect(decode(b64)).toEqual(bytes);
        expect(decode(b64.replace(/=+$/, ""))).toEqual(bytes);
      }
      expect(decode(LZ4_BLOCK_WASM)).toEqual(new Uint8Array(Buffer.from(LZ4_BLOCK_WASM, "base64")));
    }
  });

  it("LazyWasmModule: instances with their own memory; null when exports are missing or WebAssembly is absent", () => {
    const mod = new LazyWasmModule(LZ4_BLOCK_WASM);
    const a = mod.instantiate(["compress"]);
    const b = mod.instantiate(["compress"]);
    expect(a).not.toBeNull();
    expect((a!.memory as { buffer: ArrayBuffer }).buffer).not.toBe((b!.memory as { buffer: ArrayBuffer }).buffer);
    expect(mod.instantiate(["no_such_function"])).toBeNull();
    expect(new LazyWasmModule("AAAA").instantiate([])).toBeNull(); // not a module
    const saved = globalThis.WebAssembly;
    try {
      (globalThis as { WebAssembly?: unknown }).WebAssembly = undefined;
      expect(new LazyWasmModule(LZ4_BLOCK_WASM).instantiate(["compress"])).toBeNull();
    } finally {
      globalThis.WebAssembly = saved;
    }
  });

  it("SharedWasmInstance: made once, kept while small, made again after an oversized call; null stays null", () => {
    let made = 0;
    const shared = new SharedWasmInstance(() => ({ n: ++made, oversized: false }));
    const first = shared.get()!;
    expect(shared.get()).toBe(first);
    shared.trim();
    expect(shared.get()).toBe(first);
    first.oversized = true;
    shared.trim();
    expect(shared.get()!.n).toBe(2);
    let tries = 0;
    const none = new SharedWasmInstance<{ oversized: boolean }>(() => (tries++, null));
    expect(none.get()).toBeNull();
    none.trim();
    expect(none.get()).toBeNull();
    expect(tries).toBe(1);
  });
});
