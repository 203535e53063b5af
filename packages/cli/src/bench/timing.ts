import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export interface SpeedResult {
  /** Megapixels per second at the median decode time. */
  mpps: number;
  medianMs: number;
  iterations: number;
}

export interface SpeedOptions {
  /** Exact number of timed runs; otherwise runs until minSeconds have passed (and at least minRuns). */
  iterations?: number;
  minSeconds?: number;
  minRuns?: number;
  /** Called before every call of `fn`, outside the timed region (e.g. a fresh dictionary). */
  setup?: () => void;
}

const now = (): bigint => process.hrtime.bigint();

/** Warms `fn` up, then times single calls; reports the median as megapixels per second. */
export function measureSpeed(fn: () => unknown, pixels: number, opts: SpeedOptions = {}): SpeedResult {
  const minSeconds = opts.minSeconds ?? 0.5;
  const minRuns = opts.minRuns ?? 5;
  // Warm-up: a few calls, for at least a fifth of the timing budget unless iterations are fixed.
  const warmNs = opts.iterations === undefined ? BigInt(Math.round(minSeconds * 0.2e9)) : 0n;
  const warmStart = now();
  const setup = opts.setup;
  for (let k = 0; k < 3 || now() - warmStart < warmNs; k++) {
    setup?.();
    fn();
  }

  const samples: number[] = [];
  const budgetNs = BigInt(Math.round(minSeconds * 1e9));
  const start = now();
  for (;;) {
    if (opts.iterations !== undefined ? samples.length >= opts.iterations : samples.length >= minRuns && now() - start >= budgetNs) break;
    setup?.();
    const t0 = now();
    fn();
    samples.push(Number(now() - t0));
  }
  const medianNs = median(samples);
  return { mpps: pixels / (medianNs / 1e9) / 1e6, medianMs: medianNs / 1e6, iterations: samples.length };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

let gcFn: (() => void) | null | undefined;

/** global.gc when Node runs with --expose-gc, else turned on at run time; null if impossible. */
export function getGc(): (() => void) | null {
  if (gcFn !== undefined) return gcFn;
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === "function") return (gcFn = g);
  try {
    setFlagsFromString("--expose-gc");
    const f = runInNewContext("gc") as unknown;
    gcFn = typeof f === "function" ? (f as () => void) : null;
  } catch {
    gcFn = null;
  }
  return gcFn;
}

/**
 * Bytes one call of `fn` leaves allocated: JS heap plus ArrayBuffer backing stores, measured
 * between full GCs, median of `samples` calls. The result the call returns is kept alive while
 * measuring (so it is counted); pass `outputBytes` to subtract it. A minor GC during the call
 * can hide short-lived garbage, so this is a lower bound. Returns null without a usable gc().
 */
export function measureAllocation(fn: () => unknown, outputBytes = 0, samples = 5): number | null {
  const gc = getGc();
  if (!gc) return null;
  // The measuring itself allocates a little (memoryUsage's result): subtract an empty call.
  const base = allocationDeltas(gc, () => undefined, samples);
  const deltas = allocationDeltas(gc, fn, samples);
  return Math.max(0, Math.round(median(deltas) - median(base) - outputBytes));
}

function allocationDeltas(gc: () => void, fn: () => unknown, samples: number): number[] {
  const deltas: number[] = [];
  let keep: unknown;
  for (let k = 0; k < samples; k++) {
    keep = undefined;
    gc();
    gc();
    const a = process.memoryUsage();
    keep = fn();
    const b = process.memoryUsage();
    deltas.push(b.heapUsed - a.heapUsed + (b.arrayBuffers - a.arrayBuffers));
  }
  void keep;
  return deltas;
}
