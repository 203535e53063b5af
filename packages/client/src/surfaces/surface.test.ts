import { describe, expect, it } from "vitest";
import type { ImageSource, MaskBitmap, Rect } from "./draw-types.js";
import { Ropd, ScaleMode, SurfaceFormat } from "./draw-types.js";
import { Surface } from "./surface.js";

const R = (left: number, top: number, right: number, bottom: number): Rect => ({ left, top, right, bottom });
const PUT = Ropd.OpPut;

/** Surface rows as arrays of 0xAARRGGBB numbers. */
const grid = (s: Surface): number[][] => Array.from({ length: s.height }, (_, y) => Array.from({ length: s.width }, (_, x) => s.pixelAt(x, y)));

function surfaceOf(rows: number[][], format: SurfaceFormat = SurfaceFormat.Xrgb32): Surface {
  const s = new Surface(rows[0].length, rows.length, format);
  rows.forEach((r, y) => r.forEach((v, x) => (s.u32![y * s.width + x] = v)));
  return s;
}

function image(rows: number[][], hasAlpha = false): ImageSource {
  const w = rows[0].length;
  const u = new Uint32Array(w * rows.length);
  rows.forEach((r, y) => r.forEach((v, x) => (u[y * w + x] = v)));
  return { width: w, height: rows.length, data: new Uint8Array(u.buffer), hasAlpha };
}

const msb = (width: number, rows: number[]): MaskBitmap => ({ width, height: rows.length, stride: 1, data: new Uint8Array(rows), msbFirst: true });

const A = 0xff0000ff; // blue
const B = 0xff00ff00; // green
const C = 0xffff0000; // red
const Z = 0;

describe("Surface basics", () => {
  it("allocates BGRA bytes with a shared Uint32 view", () => {
    const s = new Surface(3, 2);
    expect(s.data.length).toBe(24);
    s.u32![1] = 0x11223344;
    expect([...s.data.subarray(4, 8)]).toEqual([0x44, 0x33, 0x22, 0x11]);
    expect(s.hasAlpha).toBe(false);
    expect(new Surface(2, 2, SurfaceFormat.A8).data.length).toBe(4);
  });

  it("rejects bad or huge sizes with SpiceError", () => {
    expect(() => new Surface(0, 5)).toThrow(expect.objectContaining({ code: "ERR_SPICE_MALFORMED" }));
    expect(() => new Surface(100_000, 100_000)).toThrow(expect.objectContaining({ code: "ERR_SPICE_TOO_LARGE" }));
  });

  it("toRgba swaps to R,G,B,A, forces alpha on xRGB and un-premultiplies ARGB", () => {
    const x = surfaceOf([[0x00102030]]);
    expect([...x.toRgba()]).toEqual([0x10, 0x20, 0x30, 255]);
    const a = surfaceOf([[0x80402000]], SurfaceFormat.Argb32);
    expect([...a.toRgba()]).toEqual([128, 64, 0, 128]);
    const a8 = new Surface(1, 1, SurfaceFormat.A8);
    a8.data[0] = 77;
    expect([...a8.toRgba()]).toEqual([0, 0, 0, 77]);
  });

  it("crop copies a clipped sub-rectangle", () => {
    const s = surfaceOf([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(grid(s.crop(R(1, 0, 5, 2)))).toEqual([
      [2, 3],
      [5, 6],
    ]);
  });

  it("fromImage copies an image", () => {
    const s = Surface.fromImage(image([[A, B]]));
    expect(grid(s)).toEqual([[A, B]]);
  });
});

describe("fill", () => {
  it("fills the box with a solid brush, clipped to the surface", () => {
    const s = new Surface(4, 3);
    s.fill({ box: R(1, 1, 9, 2), brush: { kind: "solid", color: C }, ropd: PUT });
    expect(grid(s)).toEqual([
      [Z, Z, Z, Z],
      [Z, C, C, C],
      [Z, Z, Z, Z],
    ]);
  });

  it("honours clip rects; overlapping clip rects toggle an XOR fill once", () => {
    const s = new Surface(4, 2);
    s.fill({ box: R(0, 0, 4, 2), clip: [R(0, 0, 3, 1), R(1, 0, 4, 1), R(3, 1, 4, 2)], brush: { kind: "solid", color: 0xff }, ropd: Ropd.OpXor });
    expect(grid(s)).toEqual([
      [0xff, 0xff, 0xff, 0xff],
      [Z, Z, Z, 0xff],
    ]);
  });

  it("honours the mask, its position and its invert flag", () => {
    const s = new Surface(4, 2);
    const bitmap = msb(4, [0b10010000, 0b01100000]);
    s.fill({ box: R(0, 0, 4, 2), brush: { kind: "solid", color: A }, ropd: PUT, mask: { bitmap, pos: { x: 0, y: 0 }, invert: false } });
    expect(grid(s)).toEqual([
      [A, Z, Z, A],
      [Z, A, A, Z],
    ]);
    const t = new Surface(4, 2);
    // pos (1,0) shifts the mask left; the column past the bitmap stays undrawn even when inverted.
    t.fill({ box: R(0, 0, 4, 2), brush: { kind: "solid", color: B }, ropd: PUT, mask: { bitmap, pos: { x: 1, y: 0 }, invert: true } });
    expect(grid(t)).toEqual([
      [B, B, Z, Z],
      [Z, Z, B, Z],
    ]);
  });

  it("applies every ROPD op with the brush as source", () => {
    const brush = 0x00ff00ff;
    const dest = 0x0f0f0f0f;
    const run = (ropd: number): number => {
      const s = surfaceOf([[dest]]);
      s.fill({ box: R(0, 0, 1, 1), brush: { kind: "solid", color: brush }, ropd });
      return s.pixelAt(0, 0);
    };
    expect(run(Ropd.OpPut)).toBe(brush);
    expect(run(Ropd.OpOr)).toBe(0x0fff0fff);
    expect(run(Ropd.OpAnd)).toBe(0x000f000f);
    expect(run(Ropd.OpXor)).toBe(0x0ff00ff0);
    expect(run(Ropd.OpBlackness)).toBe(0);
    expect(run(Ropd.OpWhiteness)).toBe(0xffffffff);
    expect(run(Ropd.OpInvers)).toBe(0xf0f0f0f0);
    expect(run(Ropd.OpPut | Ropd.InversBrush)).toBe(0xff00ff00);
    expect(run(Ropd.OpPut | Ropd.InversSrc)).toBe(brush); // fill has no source image
    expect(run(Ropd.OpPut | Ropd.InversRes)).toBe(0xff00ff00);
    expect(run(Ropd.OpOr | Ropd.InversDest)).toBe(0xf0fff0ff);
    expect(run(Ropd.OpAnd | Ropd.InversBrush | Ropd.InversRes)).toBe(0xf0fff0ff); // !(~b & d) = b | ~d
  });

  it("tiles a pattern brush from its position", () => {
    const s = new Surface(4, 2);
    s.fill({ box: R(0, 0, 4, 2), brush: { kind: "pattern", image: image([[1, 2], [3, 4]]), pos: { x: 1, y: 1 } }, ropd: PUT });
    expect(grid(s)).toEqual([
      [4, 3, 4, 3],
      [2, 1, 2, 1],
    ]);
    s.fill({ box: R(0, 0, 4, 1), brush: { kind: "pattern", image: image([[1, 2], [3, 4]]), pos: { x: 0, y: 0 } }, ropd: Ropd.OpXor });
    expect(grid(s)[0]).toEqual([4 ^ 1, 3 ^ 2, 4 ^ 1, 3 ^ 2]);
  });

  it("treats a NONE brush as colour 0", () => {
    const s = surfaceOf([[C, C]]);
    s.fill({ box: R(0, 0, 1, 1), brush: { kind: "none" }, ropd: PUT });
    s.fill({ box: R(1, 0, 2, 1), brush: { kind: "none" }, ropd: Ropd.OpOr });
    expect(grid(s)).toEqual([[Z, C]]);
  });

  it("fills A8 surfaces with the colour's low byte", () => {
    const s = new Surface(2, 1, SurfaceFormat.A8);
    s.fill({ box: R(0, 0, 1, 1), brush: { kind: "solid", color: 0x12345678 }, ropd: PUT });
    expect([...s.data]).toEqual([0x78, 0]);
  });
});

describe("blackness, whiteness, invers", () => {
  it("paint through clip and mask", () => {
    const s = surfaceOf([[0x0f0f0f0f, 0x0f0f0f0f, 0x0f0f0f0f]]);
    const mask = { bitmap: msb(3, [0b10100000]), pos: { x: 0, y: 0 }, invert: false };
    s.invers({ box: R(0, 0, 3, 1), mask });
    expect(grid(s)).toEqual([[0xf0f0f0f0, 0x0f0f0f0f, 0xf0f0f0f0]]);
    s.whiteness({ box: R(0, 0, 3, 1), clip: [R(1, 0, 2, 1)] });
    expect(grid(s)[0][1]).toBe(0xffffffff);
    s.blackness({ box: R(0, 0, 3, 1), mask: { ...mask, invert: true } });
    expect(grid(s)).toEqual([[0xf0f0f0f0, 0, 0xf0f0f0f0]]);
  });
});

describe("copy", () => {
  const src = image([
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ]);

  it("copies src_area 1:1 to the box", () => {
    const s = new Surface(3, 2);
    s.copy({ box: R(1, 0, 3, 2), src, srcArea: R(1, 1, 3, 3), ropd: PUT });
    expect(grid(s)).toEqual([
      [Z, 5, 6],
      [Z, 8, 9],
    ]);
  });

  it("clips to clip rects, the mask and the source image", () => {
    const s = new Surface(3, 3);
    s.copy({ box: R(0, 0, 3, 3), src, srcArea: R(0, 0, 3, 3), ropd: PUT, clip: [R(0, 0, 2, 3)], mask: { bitmap: msb(3, [0xff, 0b01000000, 0xff]), pos: { x: 0, y: 0 }, invert: false } });
    expect(grid(s)).toEqual([
      [1, 2, Z],
      [Z, 5, Z],
      [7, 8, Z],
    ]);
    const t = new Surface(3, 1);
    t.copy({ box: R(0, 0, 3, 1), src, srcArea: R(1, 2, 4, 3), ropd: PUT });
    expect(grid(t)).toEqual([[8, 9, Z]]);
  });

  it("applies the descriptor with the image as source", () => {
    const s = surfaceOf([[0xf0, 0xf0]]);
    s.copy({ box: R(0, 0, 2, 1), src: image([[0x3c, 0x0f]]), srcArea: R(0, 0, 2, 1), ropd: Ropd.OpXor });
    expect(grid(s)).toEqual([[0xcc, 0xff]]);
    s.copy({ box: R(0, 0, 1, 1), src: image([[0x0000ffff]]), srcArea: R(0, 0, 1, 1), ropd: Ropd.OpAnd | Ropd.InversSrc });
    expect(s.pixelAt(0, 0)).toBe(0xcc & ~0xffff);
    s.copy({ box: R(1, 0, 2, 1), src: image([[0x0f]]), srcArea: R(0, 0, 1, 1), ropd: Ropd.OpPut | Ropd.InversBrush });
    expect(s.pixelAt(1, 0)).toBe(0x0f);
  });

  it("scales with nearest: 2x up and 2x down", () => {
    const up = new Surface(4, 2);
    up.copy({ box: R(0, 0, 4, 2), src: image([[1, 2]]), srcArea: R(0, 0, 2, 1), ropd: PUT, scaleMode: ScaleMode.Nearest });
    expect(grid(up)).toEqual([
      [1, 1, 2, 2],
      [1, 1, 2, 2],
    ]);
    const down = new Surface(2, 1);
    down.copy({ box: R(0, 0, 2, 1), src: image([[1, 2, 3, 4]]), srcArea: R(0, 0, 4, 1), ropd: PUT, scaleMode: ScaleMode.Nearest });
    expect(grid(down)).toEqual([[1, 3]]);
  });

  it("scales with interpolation (bilinear, edge clamped)", () => {
    const s = new Surface(4, 1);
    s.copy({ box: R(0, 0, 4, 1), src: image([[0xff000000, 0xffc8c8c8]]), srcArea: R(0, 0, 2, 1), ropd: PUT, scaleMode: ScaleMode.Interpolate });
    expect(grid(s)[0]).toEqual([0xff000000, 0xff323232, 0xff969696, 0xffc8c8c8]);
  });

  it("scaled copies honour rops and clipping", () => {
    const s = surfaceOf([[0xff, 0xff, 0xff, 0xff]]);
    s.copy({ box: R(0, 0, 4, 1), clip: [R(1, 0, 4, 1)], src: image([[0x0f, 0xf0]]), srcArea: R(0, 0, 2, 1), ropd: Ropd.OpXor });
    expect(grid(s)[0]).toEqual([0xff, 0xf0, 0x0f, 0x0f]);
  });

  it("a huge scaled box costs only what is drawn", () => {
    const s = new Surface(4, 1);
    const t = performance.now();
    s.copy({ box: R(-1e9, 0, 1e9, 1), src: image([[1, 2]]), srcArea: R(0, 0, 2, 1), ropd: PUT });
    s.copy({ box: R(-1e9, 0, 1e9, 1), src: image([[1, 2]]), srcArea: R(0, 0, 2, 1), ropd: PUT, scaleMode: ScaleMode.Interpolate });
    expect(performance.now() - t).toBeLessThan(100);
    // The 16.16 scale factor truncates to 0 here, so every pixel samples the area start.
    expect(grid(s)).toEqual([[1, 1, 1, 1]]);
  });

  it("reading from the surface itself sees the old pixels", () => {
    const s = surfaceOf([[1, 2, 3, 4]]);
    s.copy({ box: R(1, 0, 4, 1), src: s, srcArea: R(0, 0, 3, 1), ropd: PUT });
    expect(grid(s)).toEqual([[1, 1, 2, 3]]);
  });

  it("blend is drawn exactly as copy", () => {
    const a = new Surface(2, 1);
    a.blend({ box: R(0, 0, 2, 1), src: image([[A, B]]), srcArea: R(0, 0, 2, 1), ropd: PUT });
    expect(grid(a)).toEqual([[A, B]]);
  });

  it("copies into A8 surfaces from A8 and BGRA sources", () => {
    const s = new Surface(2, 1, SurfaceFormat.A8);
    s.copy({ box: R(0, 0, 1, 1), src: { width: 1, height: 1, data: new Uint8Array([9]), hasAlpha: true, pixelFormat: "a8" }, srcArea: R(0, 0, 1, 1), ropd: PUT });
    s.copy({ box: R(1, 0, 2, 1), src: image([[0x7f000000]], true), srcArea: R(0, 0, 1, 1), ropd: PUT });
    expect([...s.data]).toEqual([9, 0x7f]);
  });
});

describe("opaque", () => {
  it("puts the source, then combines the brush with it", () => {
    const s = new Surface(2, 1);
    const src = image([[0x00ff00ff, 0x0000ffff]]);
    s.opaque({ box: R(0, 0, 2, 1), src, srcArea: R(0, 0, 2, 1), brush: { kind: "solid", color: 0x00ffff00 }, ropd: Ropd.OpAnd });
    expect(grid(s)).toEqual([[0x00ff0000, 0x0000ff00]]);
    s.opaque({ box: R(0, 0, 2, 1), src, srcArea: R(0, 0, 2, 1), brush: { kind: "solid", color: 0x00ffff00 }, ropd: Ropd.OpAnd | Ropd.InversSrc });
    expect(grid(s)).toEqual([[0x0000ff00, 0x00ff0000]]);
  });

  it("respects clip and mask for both steps", () => {
    const s = surfaceOf([[C, C, C]]);
    s.opaque({
      box: R(0, 0, 3, 1),
      clip: [R(0, 0, 2, 1)],
      mask: { bitmap: msb(3, [0b01100000]), pos: { x: 0, y: 0 }, invert: false },
      src: image([[A, A, A]]),
      srcArea: R(0, 0, 3, 1),
      brush: { kind: "solid", color: 0 },
      ropd: Ropd.OpOr,
    });
    expect(grid(s)).toEqual([[C, A, C]]);
  });
});

describe("copyBits", () => {
  const ramp = (): Surface =>
    surfaceOf([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ]);

  it("moves down-right over an overlapping area", () => {
    const s = ramp();
    s.copyBits({ box: R(1, 1, 4, 3), srcPos: { x: 0, y: 0 } });
    expect(grid(s)).toEqual([
      [1, 2, 3, 4],
      [5, 1, 2, 3],
      [9, 5, 6, 7],
    ]);
  });

  it("moves up-left over an overlapping area (scrolling)", () => {
    const s = ramp();
    s.copyBits({ box: R(0, 0, 3, 2), srcPos: { x: 1, y: 1 } });
    expect(grid(s)).toEqual([
      [6, 7, 8, 4],
      [10, 11, 12, 8],
      [9, 10, 11, 12],
    ]);
  });

  it("stays overlap-safe with several clip rects", () => {
    const s = ramp();
    s.copyBits({ box: R(0, 1, 4, 3), clip: [R(0, 1, 2, 2), R(1, 2, 4, 3)], srcPos: { x: 0, y: 0 } });
    expect(grid(s)).toEqual([
      [1, 2, 3, 4],
      [1, 2, 7, 8],
      [9, 6, 7, 8],
    ]);
  });

  it("never reads outside the surface", () => {
    const s = ramp();
    s.copyBits({ box: R(0, 0, 4, 3), srcPos: { x: -2, y: 0 } });
    expect(grid(s)).toEqual([
      [1, 2, 1, 2],
      [5, 6, 5, 6],
      [9, 10, 9, 10],
    ]);
  });
});

describe("hostile geometry", () => {
  it("random boxes, areas, clips and masks never throw", () => {
    let seed = 99;
    const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const v = (): number => rnd(40) - 15;
    const rect = (): Rect => R(v(), v(), v(), v());
    const src = image([[1, 2, 3], [4, 5, 6]]);
    const s = new Surface(9, 7);
    for (let i = 0; i < 300; i++) {
      const box = rect();
      const clip = rnd(2) ? [rect(), rect()] : null;
      const mask = rnd(2) ? { bitmap: { width: rnd(10), height: rnd(10), stride: rnd(3), data: new Uint8Array(rnd(8)), msbFirst: !!rnd(2) }, pos: { x: v(), y: v() }, invert: !!rnd(2) } : null;
      const ropd = 1 << rnd(11);
      s.fill({ box, clip, mask, ropd, brush: { kind: "pattern", image: src, pos: { x: v(), y: v() } } });
      s.copy({ box, clip, mask, ropd, src, srcArea: rect(), scaleMode: rnd(2) as 0 | 1 });
      s.opaque({ box, clip, mask, ropd, src, srcArea: rect(), brush: { kind: "solid", color: rnd(1 << 24) } });
      s.copyBits({ box, clip, srcPos: { x: v(), y: v() } });
    }
    expect(s.width).toBe(9);
  });
});

describe("rowsForCopy", () => {
  const full = (w: number, h: number) => R(0, 0, w, h);
  it("gives the surface rows an unscaled, unclipped full-width copy lands on", () => {
    const s = new Surface(4, 5);
    const rows = s.rowsForCopy({ box: R(0, 1, 4, 3), clip: null, srcArea: full(4, 2), ropd: PUT }, 4, 2)!;
    expect(rows.byteOffset).toBe(1 * 4 * 4);
    expect(rows.length).toBe(2 * 4 * 4);
    expect(rows.buffer).toBe(s.data.buffer);
    // A picture written there is what copy() of it gives.
    const pic = image([[A, B, C, A], [C, B, A, Z]]);
    const direct = new Surface(4, 5);
    direct.rowsForCopy({ box: R(0, 1, 4, 3), clip: null, srcArea: full(4, 2), ropd: PUT }, 4, 2)!.set(pic.data);
    s.copy({ box: R(0, 1, 4, 3), srcArea: full(4, 2), src: pic, ropd: PUT });
    expect(grid(direct)).toEqual(grid(s));
    // Clip rects that leave the whole box visible do not matter.
    expect(s.rowsForCopy({ box: R(0, 1, 4, 3), clip: [R(0, 0, 2, 5), R(2, 0, 4, 5)], srcArea: full(4, 2), ropd: PUT }, 4, 2)).not.toBeNull();
  });

  it("is null for every other copy", () => {
    const s = new Surface(4, 5);
    const ok = { box: R(0, 1, 4, 3), clip: null, srcArea: full(4, 2), ropd: PUT };
    expect(s.rowsForCopy(ok, 4, 2)).not.toBeNull();
    expect(s.rowsForCopy({ ...ok, ropd: Ropd.OpXor }, 4, 2)).toBeNull();
    expect(s.rowsForCopy({ ...ok, ropd: PUT | Ropd.InversSrc }, 4, 2)).toBeNull();
    expect(s.rowsForCopy({ ...ok, box: R(1, 1, 4, 3) }, 3, 2)).toBeNull(); // not the full width
    expect(s.rowsForCopy({ ...ok, box: R(0, 1, 4, 5) }, 4, 2)).toBeNull(); // scaled
    expect(s.rowsForCopy({ ...ok, srcArea: R(0, 1, 4, 3) }, 4, 3)).toBeNull(); // part of the picture
    expect(s.rowsForCopy({ ...ok, box: R(0, 4, 4, 6) }, 4, 2)).toBeNull(); // past the bottom
    expect(s.rowsForCopy({ ...ok, clip: [R(0, 0, 3, 5)] }, 4, 2)).toBeNull(); // clipped
    expect(new Surface(4, 5, SurfaceFormat.A8).rowsForCopy(ok, 4, 2)).toBeNull();
  });
});
