/**
 * The main channel's network test, as spice-server runs it right after a client connects
 * (protocol-map §3.4): PING 1 without padding (warm-up), PING 2 without padding (latency),
 * PING 3 with 256 000 bytes of padding (bandwidth). When the PONGs are back:
 *
 *   latency   = round trip of PING 2
 *   bandwidth = 256 000 · 8 bits / (round trip of PING 3 − latency)
 *
 * and the client is on a "low bandwidth" link below 10 Mibit/s (spice-server's
 * `is_low_bandwidth`, the threshold `--jpeg-wan-compression auto` uses). A test that never
 * completes (a client that does not answer) leaves the link counted as fast, as in spice-server.
 */
export const NET_TEST_BYTES = 256_000;
/** Below this the link counts as slow (bits per second): 10 Mibit/s. */
export const LOW_BANDWIDTH_BPS = 10 * 1024 * 1024;

export interface NetTestResult {
  latencyMs: number;
  bitsPerSecond: number;
  lowBandwidth: boolean;
}

type Ping = { id: number; padding: number };

export class NetTest {
  private sentAt = new Map<number, number>();
  private rtt = new Map<number, number>();
  result: NetTestResult | undefined;

  /** `firstId`: the id of the first of the three PINGs (they use firstId, +1, +2). */
  constructor(
    private readonly firstId: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The three PINGs to send, in order. */
  pings(): Ping[] {
    return [
      { id: this.firstId, padding: 0 },
      { id: this.firstId + 1, padding: 0 },
      { id: this.firstId + 2, padding: NET_TEST_BYTES },
    ];
  }

  /** Call right before writing PING `id`. */
  sent(id: number): void {
    if (this.owns(id)) this.sentAt.set(id, this.now());
  }

  owns(id: number): boolean {
    return id >= this.firstId && id <= this.firstId + 2;
  }

  /** A PONG arrived; returns the result once the test is complete. */
  pong(id: number): NetTestResult | undefined {
    const t = this.sentAt.get(id);
    if (t === undefined || this.result) return this.result;
    this.rtt.set(id, Math.max(0, this.now() - t));
    const latency = this.rtt.get(this.firstId + 1);
    const big = this.rtt.get(this.firstId + 2);
    if (latency === undefined || big === undefined) return undefined;
    this.result = estimate(latency, big);
    return this.result;
  }
}

/** The estimate from the latency PING's and the padded PING's round trips (ms). */
export function estimate(latencyMs: number, bigRoundTripMs: number): NetTestResult {
  // The padded PING took at least as long as the small one; a transfer faster than the clock
  // resolution counts as "very fast" (spice-server's division would be by ~0).
  const transferMs = Math.max(bigRoundTripMs - latencyMs, 0.001);
  const bitsPerSecond = (NET_TEST_BYTES * 8 * 1000) / transferMs;
  return { latencyMs, bitsPerSecond, lowBandwidth: bitsPerSecond < LOW_BANDWIDTH_BPS };
}
