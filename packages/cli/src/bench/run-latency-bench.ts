import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FramebufferSource, SpiceServer } from "@saffron/server";
import type { BenchOptions } from "./bench-args.js";
import { buildWebClientDist, CHROMIUM_ARGS, CHROMIUM_PATH, startPageServer } from "./browser-bench.js";

export interface LatencyBenchResult {
  presses: number;
  /** Key press → painted block latencies, ms. */
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
  targetP95: number;
  /** Where the page's session ran ("worker" or "page"). */
  placement: string;
}

interface Io {
  write(s: string): void;
  log?(s: string): void;
}

const TARGET_P95_MS = 50;
const BLOCK = { x: 8, y: 8, size: 16 };

/** The block's colour after the n-th key press (0xRRGGBB; never repeats two presses in a row). */
export function blockColour(n: number): number {
  const r = (n * 67) & 0xff, g = (n * 151 + 40) & 0xff, b = (n * 29 + 90) & 0xff;
  return (r << 16) | (g << 8) | b;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * `saffron bench latency`: typing-to-pixel latency of the web console. A SpiceServer in this
 * process serves a FramebufferSource whose onKey paints a 16x16 block in a new colour on every
 * key press; the web client (apps/web-client, session in its Worker) in headless Chromium is
 * connected straight to it over a loopback WebSocket. For each press, the page notes the
 * keydown event's time stamp (when the browser dispatched the input) and the console's
 * 'framepresented' event whose paint put the block's new colour on the canvas; the difference
 * is the latency (ms, page clock).
 */
export async function runLatencyBench(opts: BenchOptions, io: Io): Promise<LatencyBenchResult> {
  const log = io.log ?? (() => {});
  const presses = opts.presses ?? 200;
  const dist = await buildWebClientDist();
  let count = 0;
  const source = new FramebufferSource({
    width: 320,
    height: 200,
    onKey: (_sc, down) => {
      if (!down) return;
      count++;
      source.fillRect(BLOCK.x, BLOCK.y, BLOCK.size, BLOCK.size, blockColour(count));
    },
  });
  source.fillRect(0, 0, 320, 200, 0x202830);
  source.fillRect(BLOCK.x, BLOCK.y, BLOCK.size, BLOCK.size, blockColour(0));
  const server = new SpiceServer({ source, disableTicketing: true });
  const { port } = await server.listen({ port: 0, addr: "127.0.0.1" });
  const http = await startPageServer(dist);
  const profile = mkdtempSync(join(tmpdir(), "saffron-latency-"));
  const { chromium } = await import("playwright-core");
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1000, height: 700 } });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${http.origin}/?${new URLSearchParams({ url: `ws://127.0.0.1:${port}/`, autoconnect: "1", scaling: "none" })}`);
    await page.waitForFunction(() => (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body.dataset.state === "connected", null, { timeout: 20_000 });
    await page.locator("canvas.saffron-canvas").click({ position: { x: 200, y: 150 } });
    // In the page: the time of the last keydown, and a promise for the paint showing a colour.
    await page.evaluate(
      ({ x, y }) => {
        type Console = EventTarget & { canvas: { getContext(k: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } } };
        const w = globalThis as unknown as EventTarget & { saffronConsole: Console; lat: { keyAt: number; arm(rgb: number): Promise<number> } };
        const c = w.saffronConsole;
        const ctx = c.canvas.getContext("2d")!;
        let want = -1;
        let done: ((ms: number) => void) | undefined;
        const lat = (w.lat = {
          keyAt: 0,
          arm(rgb: number) {
            want = rgb;
            lat.keyAt = 0;
            return new Promise<number>((ok) => (done = ok));
          },
        });
        w.addEventListener("keydown", (e) => (lat.keyAt = e.timeStamp), { capture: true });
        c.addEventListener("framepresented", (e) => {
          if (!done || !lat.keyAt) return;
          const d = ctx.getImageData(x, y, 1, 1).data;
          if (((d[0]! << 16) | (d[1]! << 8) | d[2]!) !== want) return;
          const ok = done;
          done = undefined;
          ok((e as CustomEvent<{ time: number }>).detail.time - lat.keyAt);
        });
      },
      { x: BLOCK.x + BLOCK.size / 2, y: BLOCK.y + BLOCK.size / 2 },
    );
    const placement = await page.evaluate(() => (globalThis as unknown as { saffronConsole: { placement: string } }).saffronConsole.placement);
    const keys = ["KeyA", "KeyS", "KeyD", "KeyF", "KeyJ", "KeyK", "KeyL"];
    const samples: number[] = [];
    const warmup = 10;
    for (let i = 0; i < presses + warmup; i++) {
      const armed = page.evaluate((rgb) => (globalThis as unknown as { lat: { arm(rgb: number): Promise<number> } }).lat.arm(rgb), blockColour(count + 1));
      // Let the arm land before the key goes down (both go through the same page channel).
      await page.evaluate(() => 0);
      const key = keys[i % keys.length]!;
      await page.keyboard.down(key);
      const ms = await Promise.race([armed, new Promise<number>((_, no) => setTimeout(() => no(new Error(`no paint for key press ${i + 1} within 5 s`)), 5000))]);
      await page.keyboard.up(key);
      if (i >= warmup) samples.push(ms);
      // Keys of a typist come apart; also lets key-up traffic settle.
      await new Promise((r) => setTimeout(r, 15));
    }
    if (errors.length) throw new Error(`page errors: ${errors.join(" | ")}`);
    const sorted = [...samples].sort((a, b) => a - b);
    const r1 = (v: number) => Math.round(v * 10) / 10;
    const result: LatencyBenchResult = {
      presses,
      p50: r1(percentile(sorted, 50)),
      p95: r1(percentile(sorted, 95)),
      p99: r1(percentile(sorted, 99)),
      mean: r1(samples.reduce((a, b) => a + b, 0) / samples.length),
      max: r1(sorted.at(-1)!),
      targetP95: TARGET_P95_MS,
      placement,
    };
    log(`${presses} key presses measured after ${warmup} warm-up presses\n`);
    if (opts.json) io.write(JSON.stringify({ bench: "latency", ...result }) + "\n");
    else {
      io.write(`typing-to-pixel latency, ${presses} key presses (keydown in the page -> paint showing the new block; session in the ${placement})\n`);
      io.write(`  p50 ${result.p50} ms   p95 ${result.p95} ms   p99 ${result.p99} ms   mean ${result.mean} ms   max ${result.max} ms\n`);
      io.write(`  target: p95 < ${TARGET_P95_MS} ms: ${result.p95 < TARGET_P95_MS ? "met" : "NOT met"}\n`);
    }
    return result;
  } finally {
    await context.close();
    await http.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
