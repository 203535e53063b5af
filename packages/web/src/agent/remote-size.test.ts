import { describe, expect, it } from "vitest";
import { remoteSizeFor } from "./console-agent.js";

describe("remoteSizeFor", () => {
  it("is the CSS size in device pixels, down to even numbers", () => {
    expect(remoteSizeFor(1001, 701, 1)).toEqual({ width: 1000, height: 700 });
    expect(remoteSizeFor(800, 555, 2)).toEqual({ width: 1600, height: 1110 });
    expect(remoteSizeFor(641, 479, 1.25)).toEqual({ width: 800, height: 598 });
  });

  it("stays within what a guest can take", () => {
    expect(remoteSizeFor(10, 10, 1)).toEqual({ width: 64, height: 64 });
    expect(remoteSizeFor(6000, 3000, 2)).toEqual({ width: 8192, height: 6000 });
    expect(remoteSizeFor(800, 600, 0)).toEqual({ width: 800, height: 600 });
  });
});
