import { afterEach, describe, expect, it, vi } from "vitest";
import { CaptureThrottle } from "./capture-throttle.js";

afterEach(() => vi.useRealTimers());

describe("CaptureThrottle", () => {
  it("coalesces requests and spaces captures by the interval", async () => {
    vi.useFakeTimers();
    const starts: number[] = [];
    const t = new CaptureThrottle(100, async () => void starts.push(Date.now()), () => {}, () => Date.now());
    const t0 = Date.now();
    for (let i = 0; i < 10; i++) t.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(starts.map((s) => s - t0)).toEqual([0]);
    for (let i = 0; i < 10; i++) t.request();
    await vi.advanceTimersByTimeAsync(50);
    expect(starts.length).toBe(1);
    await vi.advanceTimersByTimeAsync(60);
    expect(starts.map((s) => s - t0)).toEqual([0, 100]);
    await vi.advanceTimersByTimeAsync(500);
    expect(starts.length).toBe(2);
    expect(t.captures).toBe(2);
  });

  it("runs one more capture for requests made during a capture, never two at once", async () => {
    vi.useFakeTimers();
    let running = 0, max = 0, count = 0;
    let release!: () => void;
    const t = new CaptureThrottle(10, async () => {
      running++;
      max = Math.max(max, running);
      count++;
      if (count === 1) await new Promise<void>((r) => (release = r));
      running--;
    }, () => {});
    t.request();
    await vi.advanceTimersByTimeAsync(0);
    t.request();
    t.request();
    await vi.advanceTimersByTimeAsync(100);
    expect(count).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(100);
    expect(count).toBe(2);
    expect(max).toBe(1);
  });

  it("reports capture errors and keeps working; stop() cancels", async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let n = 0;
    const t = new CaptureThrottle(5, async () => {
      if (++n === 1) throw new Error("boom");
    }, (e) => errors.push(e));
    t.request();
    await vi.advanceTimersByTimeAsync(1);
    t.request();
    await vi.advanceTimersByTimeAsync(10);
    expect(errors).toHaveLength(1);
    expect(n).toBe(2);
    t.request();
    t.stop();
    await vi.advanceTimersByTimeAsync(50);
    expect(n).toBe(2);
  });
});
