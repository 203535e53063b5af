import { describe, expect, it } from "vitest";
import { PacedLink, type LinkClock } from "./paced-link.js";

/** A clock the test moves by hand; `lateBy` delays the next timer (a busy event loop). */
class FakeClock implements LinkClock {
  t = 0;
  private timer: { at: number; fn: () => void } | undefined;
  timersSet = 0;
  lateBy = 0;
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): unknown {
    expect(this.timer).toBeUndefined(); // one timer at a time
    this.timersSet++;
    this.timer = { at: this.t + ms + this.lateBy, fn };
    this.lateBy = 0;
    return this.timer;
  }
  clearTimer(handle: unknown): void {
    if (handle === this.timer) this.timer = undefined;
  }
  /** Runs timers until `until` (ms). */
  run(until: number): void {
    while (this.timer && this.timer.at <= until) {
      const { at, fn } = this.timer;
      this.timer = undefined;
      this.t = Math.max(this.t, at);
      fn();
    }
    this.t = Math.max(this.t, until);
  }
}

function link(options: ConstructorParameters<typeof PacedLink>[1]) {
  const clock = new FakeClock();
  const out: { at: number; bytes: Uint8Array }[] = [];
  const paced = new PacedLink((c) => out.push({ at: clock.now(), bytes: c }), options, clock);
  return { clock, out, paced, all: () => Buffer.concat(out.map((o) => o.bytes)) };
}

const bytes = (n: number, from = 0) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

describe("PacedLink", () => {
  it("delivers each piece when the link has carried it, plus the latency", () => {
    const { clock, out, paced } = link({ bytesPerSecond: 1000, latencyMs: 5, sliceBytes: 100 });
    paced.push(bytes(250)); // 100 + 100 + 50 bytes: 100 ms, 100 ms, 50 ms
    expect(paced.queued).toBe(250);
    clock.run(1000);
    expect(out.map((o) => [o.at, o.bytes.length])).toEqual([
      [105, 100],
      [205, 100],
      [255, 50],
    ]);
    expect(paced.queued).toBe(0);
  });

  it("keeps the order of many tiny chunks pushed at different times, whatever their due times", () => {
    const { clock, all, paced } = link({ bytesPerSecond: 384 * 1024, latencyMs: 5 });
    const sent: Uint8Array[] = [];
    let seed = 3;
    for (let i = 0; i < 500; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const n = seed % 7 === 0 ? 20_000 + (seed % 50_000) : 1 + (seed % 40);
      const chunk = bytes(n, i);
      sent.push(chunk);
      paced.push(chunk);
      clock.lateBy = seed % 5 === 0 ? seed % 90 : 0; // some timers fire late
      clock.run(clock.t + (seed % 3));
    }
    clock.run(1e9);
    expect(all().equals(Buffer.concat(sent))).toBe(true);
  });

  it("does not make up a late timer: after a stall the link goes on at its rate, no burst", () => {
    const { clock, out, paced } = link({ bytesPerSecond: 1000, sliceBytes: 100 });
    clock.lateBy = 300; // the first timer fires at 400 instead of 100
    paced.push(bytes(500));
    clock.run(1e9);
    const at = out.map((o) => o.at);
    expect(at[0]).toBe(400);
    // 100 ms a piece (less the ~one tick of lateness a piece may make up).
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(98);
    expect(at.at(-1)).toBeGreaterThanOrEqual(790);
  });

  it("delivers tiny pieces that are due together in one go", () => {
    const { clock, out, paced } = link({ bytesPerSecond: 1_000_000 });
    for (let i = 0; i < 10; i++) paced.push(bytes(10, i));
    clock.run(1);
    expect(out).toHaveLength(10);
    expect(clock.timersSet).toBe(1);
  });

  it("end() runs after the last queued byte; close() drops the queue", () => {
    const a = link({ bytesPerSecond: 1000 });
    let ended = -1;
    a.paced.push(bytes(100));
    a.paced.end(() => (ended = a.clock.now()));
    a.clock.run(1e9);
    expect(ended).toBe(100);

    const b = link({ bytesPerSecond: 1000 });
    b.paced.push(bytes(100));
    b.paced.close();
    b.clock.run(1e9);
    expect(b.out).toEqual([]);
    expect(b.paced.queued).toBe(0);
  });

  it("refuses a rate that is not positive", () => {
    expect(() => new PacedLink(() => {}, { bytesPerSecond: 0 })).toThrow(RangeError);
  });
});
