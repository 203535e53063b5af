import { describe, expect, it } from "vitest";
import { Ropd } from "./draw-types.js";
import { Surface } from "./surface.js";

const W = 1920;
const H = 1080;

function median(fn: () => void, runs = 9): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[runs >> 1];
}

describe("full-screen speed (1920x1080)", () => {
  it("fill and copy stay close to memcpy", () => {
    const s = new Surface(W, H);
    const img = { width: W, height: H, data: new Uint8Array(W * H * 4).fill(0x5a), hasAlpha: false };
    const other = new Uint32Array(W * H);
    const box = { left: 0, top: 0, right: W, bottom: H };
    const memcpy = median(() => s.u32!.set(other));
    const fill = median(() => s.fill({ box, brush: { kind: "solid", color: 0x123456 }, ropd: Ropd.OpPut }));
    const copy = median(() => s.copy({ box, src: img, srcArea: box, ropd: Ropd.OpPut }));
    const scroll = median(() => s.copyBits({ box: { left: 0, top: 0, right: W, bottom: H - 20 }, srcPos: { x: 0, y: 20 } }));
    const xor = median(() => s.fill({ box, brush: { kind: "solid", color: 0x123456 }, ropd: Ropd.OpXor }), 3);
    const result = { memcpy, fill, copy, scroll, xor };
    console.log("surface speed (ms, median):", Object.fromEntries(Object.entries(result).map(([k, v]) => [k, +v.toFixed(2)])));
    // Loose bounds: the machine is shared; the real numbers are in the log line.
    expect(fill).toBeLessThan(Math.max(10 * memcpy, 30));
    expect(copy).toBeLessThan(Math.max(10 * memcpy, 30));
  });
});
