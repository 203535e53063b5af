import { describe, expect, it } from "vitest";
import { LOW_BANDWIDTH_BPS, NET_TEST_BYTES, NetTest, estimate } from "./net-test.js";

describe("NetTest (spice-server's network test at connect)", () => {
  it("sends warm-up, latency and a 256 000-byte padded PING", () => {
    const t = new NetTest(4);
    expect(t.pings()).toEqual([
      { id: 4, padding: 0 },
      { id: 5, padding: 0 },
      { id: 6, padding: NET_TEST_BYTES },
    ]);
    expect(t.owns(3)).toBe(false);
    expect(t.owns(6)).toBe(true);
  });

  it("estimates bandwidth from the padded PING's extra round trip", () => {
    let now = 0;
    const t = new NetTest(1, () => now);
    for (const p of t.pings()) t.sent(p.id);
    now = 10;
    expect(t.pong(1)).toBeUndefined();
    now = 20; // latency 20 ms
    expect(t.pong(2)).toBeUndefined();
    now = 220; // 200 ms more for 256 000 bytes: 10.24 Mbit/s
    const r = t.pong(3)!;
    expect(r.latencyMs).toBe(20);
    expect(r.bitsPerSecond).toBeCloseTo(10_240_000, -2);
    expect(r.lowBandwidth).toBe(true); // below 10 Mibit/s = 10 485 760
    expect(t.pong(3)).toBe(r);
  });

  it("a fast link is not low bandwidth; a zero transfer time counts as very fast", () => {
    expect(estimate(1, 2).lowBandwidth).toBe(false);
    expect(estimate(5, 5).bitsPerSecond).toBeGreaterThan(LOW_BANDWIDTH_BPS);
    expect(estimate(1, 1000).lowBandwidth).toBe(true);
  });

  it("ignores PONGs it did not send", () => {
    const t = new NetTest(1, () => 0);
    expect(t.pong(2)).toBeUndefined();
    expect(t.result).toBeUndefined();
  });
});
