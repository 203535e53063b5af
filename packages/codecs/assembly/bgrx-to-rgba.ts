// asc-flags: --enable simd
// AssemblyScript source of src/wasm/bgrx-to-rgba.wasm.ts (npm run build:wasm -w @saffron/codecs).
//
// Surface pixels (B, G, R, X in memory) to canvas ImageData pixels (R, G, B, 255), in place, 16
// bytes at a time with one SIMD byte shuffle. It exists for the browser client's first frames:
// the same loop in JS starts in the interpreter on every page load (10-20 ms for a 1024x768
// screen before V8 optimizes it), where this module's code is compiled before its first call.
//
// Linear memory: the pixels from pixels_ptr() (__heap_base, 16-byte aligned), written and read
// back by the caller; prepare(bytes) grows the memory to fit (it never shrinks: drop the instance
// to release it).

const PIXELS: usize = (__heap_base + 15) & ~(<usize>15);

/** Where the caller writes the pixels. */
export function pixels_ptr(): usize {
  return PIXELS;
}

/** Makes room for `bytes` bytes of pixels; returns pixels_ptr(), or 0 when the memory cannot grow that far. */
export function prepare(bytes: u32): usize {
  const end: u64 = <u64>PIXELS + <u64>bytes + 16;
  const have: u64 = <u64>memory.size() << 16;
  if (end > have) {
    const pages = (end - have + 0xffff) >> 16;
    if (end > 0x1_0000_0000 || memory.grow(<i32>pages) < 0) return 0;
  }
  return PIXELS;
}

/** Rewrites `count` pixels at pixels_ptr() from B, G, R, X to R, G, B, 255. */
export function bgrx_to_rgba(count: u32): void {
  const order = i8x16(2, 1, 0, 3, 6, 5, 4, 7, 10, 9, 8, 11, 14, 13, 12, 15);
  const alpha = i32x4.splat(0xff000000);
  let p = PIXELS;
  const end = PIXELS + (<usize>count << 2);
  for (; p + 16 <= end; p += 16) v128.store(p, v128.or(i8x16.swizzle(v128.load(p), order), alpha));
  for (; p < end; p += 4) {
    const v = load<u32>(p);
    store<u32>(p, (v & 0xff00) | ((v >> 16) & 0xff) | ((v & 0xff) << 16) | 0xff000000);
  }
}
