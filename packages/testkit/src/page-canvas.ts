import type { Page } from "playwright-core";
import type { DecodedImage } from "@saffron/codecs";
import { saveComparison } from "./artifacts.js";
import { diffImages } from "./image-diff.js";
import { sleep } from "./with-timeout.js";

/** The canvas of the web client's console (apps/web-client, @saffron/web). */
export const CONSOLE_CANVAS = "#screen canvas.saffron-canvas";

/** The pixels of the 2D canvas `selector` (default the console's canvas), as BGRA (the testkit's image convention). */
export async function canvasImage(page: Page, selector: string = CONSOLE_CANVAS): Promise<DecodedImage> {
  // Runs in the page (the testkit has no DOM types).
  const { width, height, rgba } = await page.evaluate((sel) => {
    const c = (globalThis as any).document.querySelector(sel);
    const d: Uint8ClampedArray = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    // Strings cross the page boundary far faster than arrays of numbers.
    let s = "";
    for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode(...d.subarray(i, i + 0x8000));
    return { width: c.width as number, height: c.height as number, rgba: (globalThis as any).btoa(s) as string };
  }, selector);
  const data = new Uint8Array(Buffer.from(rgba, "base64"));
  for (let i = 0; i < data.length; i += 4) {
    const r = data[i]!;
    data[i] = data[i + 2]!;
    data[i + 2] = r;
  }
  return { width, height, data, hasAlpha: false };
}

const sameSizeAndPixels = (a: DecodedImage, b: DecodedImage): boolean =>
  a.width === b.width && a.height === b.height && diffImages(a, b).differentPixels === 0;

export interface StableCanvasOptions {
  /** Give up after this long (default 40 s). */
  timeoutMs?: number;
  selector?: string;
  /** Only a canvas passing this can be returned (default: wider than 1 pixel). */
  ready?: (canvas: DecodedImage) => boolean;
  /** Whether two consecutive reads count as unchanged (default: same size and B, G, R everywhere). */
  same?: (a: DecodedImage, b: DecodedImage) => boolean;
  /** Names the canvas in the timeout error (default "the canvas"). */
  label?: string;
}

/** Reads the canvas every 300 ms until it is `ready` and unchanged over 1.2 s, then returns it. */
export async function waitForStableCanvas(page: Page, options: StableCanvasOptions = {}): Promise<DecodedImage> {
  const { timeoutMs = 40_000, selector = CONSOLE_CANVAS, ready = (c) => c.width > 1, same = sameSizeAndPixels, label = "the canvas" } = options;
  const end = Date.now() + timeoutMs;
  let prev = await canvasImage(page, selector);
  let stableSince = Date.now();
  while (Date.now() < end) {
    await sleep(300);
    const cur = await canvasImage(page, selector);
    if (!ready(cur) || !same(cur, prev)) stableSince = Date.now();
    else if (Date.now() - stableSince >= 1200) return cur;
    prev = cur;
  }
  throw new Error(`${label} never settled (last ${prev.width}x${prev.height})`);
}

export interface CanvasEqualsOptions {
  /** Names the check in the error message. */
  label: string;
  /** Artifact name for the saved actual/expected/diff PNGs (default `label`). */
  artifact?: string;
  /** Give up after this long (default 15 s). */
  timeoutMs?: number;
  selector?: string;
}

/**
 * Reads the canvas every 150 ms until it equals `expected` exactly (size and B, G, R); on
 * timeout saves the comparison (when the sizes match) under artifacts/ and throws.
 */
export async function expectCanvasEquals(page: Page, expected: DecodedImage, options: CanvasEqualsOptions): Promise<void> {
  const { label, artifact = label, timeoutMs = 15_000, selector = CONSOLE_CANVAS } = options;
  const end = Date.now() + timeoutMs;
  let last: DecodedImage | undefined;
  let diff = { differentPixels: -1, maxDelta: -1 };
  while (Date.now() < end) {
    last = await canvasImage(page, selector);
    if (last.width === expected.width && last.height === expected.height) {
      diff = diffImages(last, expected);
      if (diff.differentPixels === 0) return;
    }
    await sleep(150);
  }
  if (last && last.width === expected.width && last.height === expected.height) saveComparison(artifact, last, expected);
  throw new Error(`${label}: canvas ${last?.width}x${last?.height} vs ${expected.width}x${expected.height}, ${diff.differentPixels} pixels differ (max delta ${diff.maxDelta})`);
}
