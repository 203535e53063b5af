import { describe, expect, it } from "vitest";
import { LossyAreas } from "./lossy-areas.js";

const R = (left: number, top: number, right: number, bottom: number) => ({ left, top, right, bottom });

describe("LossyAreas", () => {
  it("an area becomes due after quietMs without damage", () => {
    const l = new LossyAreas(1000);
    l.addLossy(R(0, 0, 100, 100), 0);
    expect(l.nextQuietIn(200)).toBe(800);
    l.touch(R(50, 50, 60, 60), 500);
    expect(l.takeQuiet(1200)).toEqual([]);
    expect(l.takeQuiet(1500)).toEqual([R(0, 0, 100, 100)]);
    expect(l.empty).toBe(true);
    expect(l.nextQuietIn(1500)).toBeUndefined();
  });

  it("damage elsewhere does not postpone it", () => {
    const l = new LossyAreas(1000);
    l.addLossy(R(0, 0, 100, 100), 0);
    l.touch(R(200, 200, 300, 300), 900);
    expect(l.takeQuiet(1000)).toEqual([R(0, 0, 100, 100)]);
  });

  it("a lossless draw makes the covered part exact", () => {
    const l = new LossyAreas(1000);
    l.addLossy(R(0, 0, 100, 100), 0);
    l.losslessDrawn(R(0, 0, 100, 50));
    const left = l.takeQuiet(5000);
    expect(left.reduce((a, r) => a + (r.right - r.left) * (r.bottom - r.top), 0)).toBe(100 * 50);
    expect(left.every((r) => r.top >= 50)).toBe(true);
    l.addLossy(R(0, 0, 10, 10), 0);
    l.losslessDrawn(R(0, 0, 20, 20));
    expect(l.empty).toBe(true);
  });

  it("stays bounded: folds into unions past maxRects", () => {
    const l = new LossyAreas(1000, 8);
    for (let i = 0; i < 100; i++) l.addLossy(R(i * 20, 0, i * 20 + 10, 10), i);
    expect(l.count).toBeLessThanOrEqual(8);
    const due = l.takeQuiet(10_000);
    const covered = (x: number) => due.some((r) => r.left <= x && r.right > x);
    for (let i = 0; i < 100; i++) expect(covered(i * 20 + 5)).toBe(true);
  });
});
