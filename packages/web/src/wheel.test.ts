import { describe, expect, it } from "vitest";
import { WheelAccumulator } from "./wheel.js";

describe("WheelAccumulator", () => {
  it("turns mouse-wheel pixel and line deltas into notches (negative = up)", () => {
    const w = new WheelAccumulator();
    expect(w.add(100, 0)).toBe(1);
    expect(w.add(-200, 0)).toBe(-2);
    expect(w.add(3, 1)).toBe(1);
    expect(w.add(-1, 2)).toBe(-1);
  });

  it("adds up small touchpad deltas, restarts on a change of direction, and caps bursts", () => {
    const w = new WheelAccumulator();
    expect([w.add(40, 0), w.add(40, 0), w.add(40, 0)]).toEqual([0, 0, 1]);
    expect(w.add(-40, 0)).toBe(0); // the 20 px left over downwards are dropped
    expect(w.add(-60, 0)).toBe(-1);
    expect(w.add(1e6, 0)).toBe(10);
    expect(w.add(Number.NaN, 0)).toBe(0);
  });
});
