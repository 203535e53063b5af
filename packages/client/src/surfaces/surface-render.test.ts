import { describe, expect, it } from "vitest";
import type { ImageSource, Point, Rect } from "./draw-types.js";
import { AlphaFlags, CompositeFlags, CompositeOp, LineFlags, PathFlags, Ropd, ScaleMode, StringFlags, SurfaceFormat } from "./draw-types.js";
import { Surface } from "./surface.js";

const R = (left: number, top: number, right: number, bottom: number): Rect => ({ left, top, right, bottom });
const PUT = Ropd.OpPut;
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

const a8 = (w: number, h: number, bytes: number[]): ImageSource => ({ width: w, height: h, data: new Uint8Array(bytes), hasAlpha: true, pixelFormat: "a8" });

/** Text picture of which pixels equal `v`. */
const picture = (s: Surface, v: number): string[] => grid(s).map((row) => row.map((p) => (p === v ? "#" : ".")).join(""));

const A = 0xff0000ff;
const B = 0xff00ff00;
const C = 0xffff0000;
const Z = 0;

describe("rop3", () => {
  it("evaluates the ternary code with a solid brush (0xB8: S selects D or P)", () => {
    const s = surfaceOf([[A, A, A]]);
    s.rop3({ box: R(0, 0, 3, 1), src: image([[0xffffffff, 0, 0x0000ffff]]), srcArea: R(0, 0, 3, 1), brush: { kind: "solid", color: C }, rop3: 0xb8 });
    expect(grid(s)).toEqual([[A, C, ((C & 0xffff0000) | (A & 0xffff)) >>> 0]]);
  });

  it("tiles a pattern brush from its position (0xF0 = PATCOPY) and xors it (0x5A)", () => {
    const s = new Surface(3, 2);
    const pat = { kind: "pattern" as const, image: image([[1, 2], [3, 4]]), pos: { x: 1, y: 0 } };
    s.rop3({ box: R(0, 0, 3, 2), src: image([[0, 0, 0], [0, 0, 0]]), srcArea: R(0, 0, 3, 2), brush: pat, rop3: 0xf0 });
    expect(grid(s)).toEqual([
      [2, 1, 2],
      [4, 3, 4],
    ]);
    s.rop3({ box: R(0, 0, 3, 1), src: image([[0, 0, 0]]), srcArea: R(0, 0, 3, 1), brush: pat, rop3: 0x5a });
    expect(grid(s)[0]).toEqual([0, 0, 0]);
  });

  it("scales the source and honours clip and mask", () => {
    const s = new Surface(4, 1);
    s.rop3({
      box: R(0, 0, 4, 1),
      clip: [R(0, 0, 3, 1)],
      mask: { bitmap: { width: 4, height: 1, stride: 1, data: new Uint8Array([0b10110000]), msbFirst: true }, pos: { x: 0, y: 0 }, invert: false },
      src: image([[7, 9]]),
      srcArea: R(0, 0, 2, 1),
      brush: { kind: "none" },
      rop3: 0xcc,
      scaleMode: ScaleMode.Nearest,
    });
    expect(grid(s)).toEqual([[7, Z, 9, Z]]);
  });
});

describe("stroke", () => {
  const f = (x: number, y: number): Point => ({ x: x * 16, y: y * 16 });
  const line = (pts: Point[], flags = PathFlags.Begin | PathFlags.End) => ({ flags, points: pts });

  it("draws a cosmetic line without its last pixel", () => {
    const s = new Surface(6, 3);
    s.stroke({ box: R(0, 0, 6, 3), path: [line([f(1, 1), f(5, 1)])], brush: { kind: "solid", color: C }, foreMode: PUT });
    expect(picture(s, C)).toEqual(["......", ".####.", "......"]);
  });

  it("closes a path back to its first point", () => {
    const s = new Surface(6, 3);
    s.stroke({ box: R(0, 0, 6, 3), path: [line([f(1, 0), f(4, 0), f(4, 2), f(1, 2)], PathFlags.Begin | PathFlags.End | PathFlags.Close)], brush: { kind: "solid", color: C }, foreMode: PUT });
    expect(picture(s, C)).toEqual([".####.", ".#..#.", ".####."]);
  });

  it("applies fore_mode per segment (XOR crossings cancel) and clips", () => {
    const s = new Surface(6, 3);
    s.stroke({
      box: R(0, 0, 6, 3),
      clip: [R(0, 0, 4, 3)],
      path: [line([f(0, 1), f(6, 1)]), line([f(2, 0), f(2, 3)])],
      brush: { kind: "solid", color: 0xff },
      foreMode: Ropd.OpXor,
    });
    expect(picture(s, 0xff)).toEqual(["..#...", "##.#..", "..#..."]);
  });

  it("draws on/off dashes from the style, rotated when starting with a gap", () => {
    const s = new Surface(8, 2);
    const base = { box: R(0, 0, 8, 2), brush: { kind: "solid" as const, color: C }, foreMode: PUT, style: [2 * 16, 1 * 16, 1 * 16, 2 * 16] };
    s.stroke({ ...base, path: [line([f(0, 0), f(8, 0)])], lineFlags: LineFlags.Styled });
    s.stroke({ ...base, path: [line([f(0, 1), f(8, 1)])], lineFlags: LineFlags.Styled | LineFlags.StartWithGap });
    // [2,1,1,2] = on 2, off 1, on 1, off 2; rotated: [1,1,2,2].
    expect(picture(s, C)).toEqual(["##.#..##", "#.##..#."]);
  });

  it("flattens beziers and strokes with a pattern brush", () => {
    const s = new Surface(8, 8);
    s.stroke({
      box: R(0, 0, 8, 8),
      path: [{ flags: PathFlags.Begin, points: [f(0, 0)] }, { flags: PathFlags.Bezier | PathFlags.End, points: [f(0, 7), f(7, 7), f(7, 0)] }],
      brush: { kind: "pattern", image: image([[5]]), pos: { x: 0, y: 0 } },
      foreMode: PUT,
    });
    const pic = picture(s, 5);
    expect(pic[0][0]).toBe("#");
    expect(pic[0][7]).toBe("."); // the end point is not drawn
    expect(pic[5].includes("#") || pic[6].includes("#")).toBe(true);
    expect(pic.join("").split("#").length - 1).toBeGreaterThan(12);
  });
});

describe("text", () => {
  const glyph = { renderPos: { x: 1, y: 2 }, glyphOrigin: { x: 0, y: -2 }, width: 3, height: 2, data: new Uint8Array([0b10100000, 0b01000000]) };

  it("fills the back area with the back brush, then paints 1 bpp glyphs with the fore brush", () => {
    const s = new Surface(5, 3);
    s.text({
      box: R(0, 0, 5, 3),
      str: { flags: StringFlags.RasterA1, glyphs: [glyph] },
      backArea: R(0, 0, 5, 2),
      foreBrush: { kind: "solid", color: C },
      backBrush: { kind: "solid", color: A },
      foreMode: PUT,
      backMode: PUT,
    });
    // data[0] is the bottom row: row 1 = 101, row 0 = 010.
    expect(grid(s)).toEqual([
      [A, A, C, A, A],
      [A, C, A, C, A],
      [Z, Z, Z, Z, Z],
    ]);
  });

  it("clips glyphs and the back area; an empty back area is not drawn", () => {
    const s = new Surface(5, 3);
    s.text({
      box: R(0, 0, 5, 3),
      clip: [R(0, 0, 2, 3)],
      str: { flags: StringFlags.RasterA1, glyphs: [glyph] },
      backArea: R(0, 0, 0, 0),
      foreBrush: { kind: "solid", color: C },
      backBrush: { kind: "solid", color: A },
      foreMode: PUT,
      backMode: PUT,
    });
    expect(picture(s, C)).toEqual([".....", ".#...", "....."]);
  });

  it("blends 8 bpp and 4 bpp coverage OVER the dest", () => {
    const s = new Surface(3, 1);
    s.text({
      box: R(0, 0, 3, 1),
      str: { flags: StringFlags.RasterA8, glyphs: [{ renderPos: { x: 0, y: 0 }, glyphOrigin: { x: 0, y: 0 }, width: 3, height: 1, data: new Uint8Array([255, 128, 0]) }] },
      backArea: R(0, 0, 0, 0),
      foreBrush: { kind: "solid", color: 0xffffff },
      backBrush: { kind: "none" },
      foreMode: PUT,
      backMode: PUT,
    });
    expect(grid(s)[0].map((p) => p & 0xffffff)).toEqual([0xffffff, 0x808080, 0]);
    s.text({
      box: R(0, 0, 3, 1),
      str: { flags: StringFlags.RasterA4, glyphs: [{ renderPos: { x: 0, y: 0 }, glyphOrigin: { x: 0, y: 0 }, width: 1, height: 1, data: new Uint8Array([0x50]) }] },
      backArea: R(0, 0, 0, 0),
      foreBrush: { kind: "solid", color: 0 },
      backBrush: { kind: "none" },
      foreMode: PUT,
      backMode: PUT,
    });
    // coverage 5*17 = 85: white * (255-85)/255 = 170
    expect(grid(s)[0][0] & 0xffffff).toBe(0xaaaaaa);
  });
});

describe("transparent", () => {
  it("skips source pixels whose RGB equals true_color", () => {
    const s = surfaceOf([[C, C, C]]);
    s.transparent({ box: R(0, 0, 3, 1), src: image([[A, 0x00123456, B]]), srcArea: R(0, 0, 3, 1), srcColor: 0, trueColor: 0xff123456 });
    expect(grid(s)).toEqual([[A, C, B]]);
  });

  it("scales nearest and clips", () => {
    const s = surfaceOf([[C, C, C, C]]);
    s.transparent({ box: R(0, 0, 4, 1), clip: [R(1, 0, 4, 1)], src: image([[A, 0x123456]]), srcArea: R(0, 0, 2, 1), trueColor: 0x123456 });
    expect(grid(s)).toEqual([[C, A, C, C]]);
  });
});

describe("alphaBlend", () => {
  it("composites a premultiplied source OVER the dest", () => {
    const s = surfaceOf([[A, A]]);
    s.alphaBlend({ box: R(0, 0, 1, 1), src: image([[0x80400000]], true), srcArea: R(0, 0, 1, 1), alpha: 255, flags: 0 });
    expect(grid(s)).toEqual([[0xff40007f, A]]);
  });

  it("scales an opaque source by the global alpha", () => {
    const s = surfaceOf([[A]]);
    s.alphaBlend({ box: R(0, 0, 1, 1), src: image([[0x00ff0000]], false), srcArea: R(0, 0, 1, 1), alpha: 128, flags: 0 });
    expect(grid(s)).toEqual([[0xff80007f]]);
  });

  it("uses a surface source's alpha only with SRC_SURFACE_HAS_ALPHA (or ARGB)", () => {
    const src = surfaceOf([[0x00ff0000]]);
    const s = surfaceOf([[A, A]]);
    s.alphaBlend({ box: R(0, 0, 1, 1), src, srcArea: R(0, 0, 1, 1), alpha: 255, flags: 0 });
    s.alphaBlend({ box: R(1, 0, 2, 1), src, srcArea: R(0, 0, 1, 1), alpha: 255, flags: AlphaFlags.SrcSurfaceHasAlpha });
    expect(grid(s)).toEqual([[0xffff0000, 0xffff00ff]]);
  });

  it("scales nearest, clips, and does nothing at alpha 0", () => {
    const s = surfaceOf([[A, A, A]]);
    s.alphaBlend({ box: R(0, 0, 3, 1), clip: [R(0, 0, 2, 1)], src: image([[C]]), srcArea: R(0, 0, 1, 1), alpha: 255, flags: 0 });
    expect(grid(s)).toEqual([[C, C, A]]);
    s.alphaBlend({ box: R(0, 0, 3, 1), src: image([[B]]), srcArea: R(0, 0, 1, 1), alpha: 0, flags: 0 });
    expect(grid(s)).toEqual([[C, C, A]]);
  });
});

describe("composite", () => {
  const base = { srcOrigin: { x: 0, y: 0 }, maskOrigin: { x: 0, y: 0 } };

  it("OVER with a premultiplied source", () => {
    const s = surfaceOf([[A]], SurfaceFormat.Argb32);
    s.composite({ ...base, box: R(0, 0, 1, 1), flags: CompositeOp.Over, src: image([[0x80400000]], true) });
    expect(grid(s)).toEqual([[0xff40007f]]);
  });

  it("SRC through an A8 mask, and SOURCE_OPAQUE", () => {
    const s = surfaceOf([[A, A]], SurfaceFormat.Argb32);
    s.composite({ ...base, box: R(0, 0, 2, 1), flags: CompositeOp.Src | CompositeFlags.HasMask, src: image([[0xffffffff, 0x00ffffff]], true), mask: a8(2, 1, [128, 255]) });
    expect(grid(s)).toEqual([[0x80808080, 0x00ffffff]]);
    s.composite({ ...base, box: R(1, 0, 2, 1), flags: CompositeOp.Src | CompositeFlags.SourceOpaque, src: image([[0x00ffffff]], true) });
    expect(grid(s)[0][1]).toBe(0xffffffff);
  });

  it("repeats a 1x1 source under a glyph-like mask with origins", () => {
    const s = surfaceOf([[A, A, A]]);
    s.composite({
      box: R(0, 0, 3, 1),
      flags: CompositeOp.Over | CompositeFlags.HasMask | (1 << CompositeFlags.SrcRepeatShift),
      src: image([[0xffffffff]], true),
      mask: a8(4, 1, [0, 255, 0, 255]),
      srcOrigin: { x: 5, y: 9 },
      maskOrigin: { x: 1, y: 0 },
    });
    expect(grid(s)).toEqual([[0xffffffff, A, 0xffffffff]]);
  });

  it("samples through a scale transform (nearest)", () => {
    const s = new Surface(4, 2, SurfaceFormat.Argb32);
    s.composite({
      ...base,
      box: R(0, 0, 4, 2),
      flags: CompositeOp.Src | CompositeFlags.HasSrcTransform,
      src: image([[A, B]], true),
      srcTransform: { t00: 32768, t01: 0, t02: 0, t10: 0, t11: 32768, t12: 0 },
    });
    expect(grid(s)).toEqual([
      [A, A, B, B],
      [A, A, B, B],
    ]);
  });

  it("interpolates through a transform with the BILINEAR filter and PAD repeat", () => {
    const s = new Surface(4, 1, SurfaceFormat.Argb32);
    s.composite({
      ...base,
      box: R(0, 0, 4, 1),
      flags: CompositeOp.Src | CompositeFlags.HasSrcTransform | (4 << CompositeFlags.SrcFilterShift) | (2 << CompositeFlags.SrcRepeatShift),
      src: image([[0xff000000, 0xffc8c8c8]], true),
      srcTransform: { t00: 32768, t01: 0, t02: 0, t10: 0, t11: 65536, t12: 0 },
    });
    expect(grid(s)[0]).toEqual([0xff000000, 0xff323232, 0xff969696, 0xffc8c8c8]);
  });

  it("outside a non-repeating source is transparent; CLEAR, ADD and IN behave as Render", () => {
    const s = surfaceOf([[A, A]], SurfaceFormat.Argb32);
    s.composite({ ...base, box: R(0, 0, 2, 1), flags: CompositeOp.Src, src: image([[C]], true) });
    expect(grid(s)).toEqual([[C, 0]]);
    s.composite({ ...base, box: R(0, 0, 1, 1), flags: CompositeOp.Clear, src: image([[C]], true) });
    expect(grid(s)[0][0]).toBe(0);
    const t = surfaceOf([[0x80200000]], SurfaceFormat.Argb32);
    t.composite({ ...base, box: R(0, 0, 1, 1), flags: CompositeOp.Add, src: image([[0x90f00010]], true) });
    expect(grid(t)).toEqual([[0xffff0010]]);
    const u = surfaceOf([[0x80000000]], SurfaceFormat.Argb32);
    u.composite({ ...base, box: R(0, 0, 1, 1), flags: CompositeOp.In, src: image([[0xffff0000]], true) });
    expect(grid(u)).toEqual([[0x80800000]]);
  });

  it("treats the dest as opaque on xRGB surfaces or with DEST_OPAQUE", () => {
    const s = surfaceOf([[0x00000000]], SurfaceFormat.Argb32);
    s.composite({ ...base, box: R(0, 0, 1, 1), flags: CompositeOp.In | CompositeFlags.DestOpaque, src: image([[0xffff0000]], true) });
    expect(grid(s)).toEqual([[0xffff0000]]);
  });

  it("uses each mask channel with COMPONENT_ALPHA", () => {
    const s = surfaceOf([[0xff000000]], SurfaceFormat.Argb32);
    s.composite({ ...base, box: R(0, 0, 1, 1), flags: CompositeOp.Over | CompositeFlags.HasMask | CompositeFlags.ComponentAlpha, src: image([[0xffffffff]], true), mask: image([[0xffff8000]], true) });
    expect(grid(s)).toEqual([[0xffff8000]]);
  });

  it("composites into A8 surfaces and clips", () => {
    const s = new Surface(3, 1, SurfaceFormat.A8);
    s.composite({ ...base, box: R(0, 0, 3, 1), clip: [R(0, 0, 2, 1)], flags: CompositeOp.Over, src: a8(3, 1, [255, 64, 255]) });
    expect([...s.data]).toEqual([255, 64, 0]);
  });
});
