import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { differenceBox, solidImage } from "./image-diff.js";
import { expectSameImage } from "./same-image.js";

describe("expectSameImage and differenceBox", () => {
  let dir = "";
  const saved = process.env.SAFFRON_ARTIFACTS_DIR;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "saffron-same-image-"));
    process.env.SAFFRON_ARTIFACTS_DIR = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.SAFFRON_ARTIFACTS_DIR;
    else process.env.SAFFRON_ARTIFACTS_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it("passes equal B, G, R (alpha ignored) and saves nothing", () => {
    const a = solidImage(3, 2, "#102030");
    const b = solidImage(3, 2, "#102030");
    b.data[3] = 0;
    expectSameImage(a, b, { label: "equal" });
    expect(existsSync(join(dir, "equal.actual.png"))).toBe(false);
    expect(differenceBox(a, b)).toEqual({ left: 0, top: 0, width: 0, height: 0 });
  });

  it("throws naming the difference and the saved files", () => {
    const a = solidImage(4, 3, "#000000");
    const b = solidImage(4, 3, "#000000");
    b.data[(1 * 4 + 1) * 4] = 9; // (1, 1) blue
    b.data[(2 * 4 + 3) * 4 + 2] = 3; // (3, 2) red
    expect(() => expectSameImage(a, b, { label: "two", artifact: "t-two", reference: "the reference" })).toThrow(
      /^two: 2 pixels differ from the reference \(max delta 9\); see .*t-two\.actual\.png, .*t-two\.expected\.png, .*t-two\.diff\.png$/,
    );
    expect(existsSync(join(dir, "t-two.diff.png"))).toBe(true);
    expect(differenceBox(a, b)).toEqual({ left: 1, top: 1, width: 3, height: 2 });
  });

  it("rejects images of different sizes", () => {
    expect(() => expectSameImage(solidImage(2, 2, "#000000"), solidImage(2, 3, "#000000"), { label: "size" })).toThrow(/sizes differ/);
    expect(() => differenceBox(solidImage(2, 2, "#000000"), solidImage(3, 2, "#000000"))).toThrow(/sizes differ/);
  });
});
