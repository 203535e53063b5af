import { describe, expect, it } from "vitest";
import { DirtyRects } from "./dirty-rects.js";

describe("DirtyRects", () => {
  it("clips to the surface, drops empty and covered rects, and empties on take", () => {
    const d = new DirtyRects();
    d.reset(100, 50);
    expect(d.take()).toEqual([{ left: 0, top: 0, right: 100, bottom: 50 }]);
    expect(d.empty).toBe(true);
    d.add({ left: -5, top: 40, right: 10, bottom: 80 });
    d.add({ left: 0, top: 45, right: 5, bottom: 48 }); // inside the first
    d.add({ left: 20, top: 20, right: 20, bottom: 30 }); // empty
    expect(d.take()).toEqual([{ left: 0, top: 40, right: 10, bottom: 50 }]);
  });

  it("collapses many rects into their bounding box", () => {
    const d = new DirtyRects(1000, 1000, 4);
    for (let i = 0; i < 5; i++) d.add({ left: i * 10, top: i * 10, right: i * 10 + 2, bottom: i * 10 + 2 });
    expect(d.take()).toEqual([{ left: 0, top: 0, right: 42, bottom: 42 }]);
  });

  it("collapses when the rects cover most of the surface", () => {
    const d = new DirtyRects(10, 10);
    d.add({ left: 0, top: 0, right: 10, bottom: 5 });
    d.add({ left: 0, top: 5, right: 9, bottom: 10 });
    expect(d.take()).toEqual([{ left: 0, top: 0, right: 10, bottom: 10 }]);
  });

  it("absorbs rects a new one covers and merges neighbours that cost no extra pixels", () => {
    const d = new DirtyRects(1000, 1000);
    d.add({ left: 40, top: 100, right: 700, bottom: 118 });
    d.add({ left: 13, top: 100, right: 40, bottom: 118 }); // beside it: one row
    d.add({ left: 500, top: 300, right: 520, bottom: 330 });
    expect(d.take()).toEqual([
      { left: 13, top: 100, right: 700, bottom: 118 },
      { left: 500, top: 300, right: 520, bottom: 330 },
    ]);
    d.add({ left: 10, top: 10, right: 20, bottom: 20 });
    d.add({ left: 600, top: 600, right: 610, bottom: 610 });
    d.add({ left: 0, top: 0, right: 700, bottom: 700 }); // covers both
    expect(d.take()).toEqual([{ left: 0, top: 0, right: 700, bottom: 700 }]);
  });
});
