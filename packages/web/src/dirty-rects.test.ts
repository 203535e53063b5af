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
});
