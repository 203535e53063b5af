// Video streams in the browser console (apps/web-client in headless Chromium, the session in
// its Worker): Xspice with GStreamer encoders sends an `animate` of plasma frames as a VP8 or
// H.264 stream (MJPEG with the builtin encoder), which the console decodes with WebCodecs
// (VideoDecoder; ImageDecoder for MJPEG). The console must report the codec and at least
// 10 decoded frames per second; the still frame left after the animation stops must match
// spicy-screenshot (PSNR >= 30 dB, lossy only inside the animation's window).
// Needs gstreamer1.0-plugins-{base,good,bad,ugly} and gstreamer1.0-libav (see .ci/run).
import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import type { DecodedImage } from "@saffron/codecs";
import {
  canvasImage,
  collectPageLog,
  diffImages,
  makeTempDir,
  removeTempDir,
  runOnDisplay,
  saveComparison,
  setRootColor,
  spicyScreenshot,
  startXspice,
  stopAllPeers,
  waitForStableCanvas,
  waitForWindow,
  type TrackedProcess,
} from "@saffron/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolledPlasmaFrames } from "./fixtures.js";
import { startWebClientBrowser, type WebClientBrowser } from "./web-fixtures.js";

/** The animation window (400x300 at +300+200) with its border. */
const BOX = { left: 296, top: 196, right: 706, bottom: 506 };

let browser: WebClientBrowser | undefined;
let framesDir = "";
const frames: string[] = [];
const frameImages: DecodedImage[] = [];

beforeAll(async () => {
  browser = await startWebClientBrowser({ viewport: { width: 1280, height: 860 } });

  // 20 frames of the plasma rolled sideways: a 400x300 window repainted at 20 fps.
  framesDir = makeTempDir("video-frames");
  const rolled = rolledPlasmaFrames(framesDir);
  frames.push(...rolled.files);
  frameImages.push(...rolled.images);
});

afterAll(async () => {
  await browser?.close();
  if (framesDir) removeTempDir(framesDir);
  await stopAllPeers();
});

interface StreamInfo {
  framesDecoded: number;
  framesDropped: number;
  decodeMs: number;
  codec?: string;
}

async function streamInfo(page: Page): Promise<StreamInfo & { placement: string }> {
  return page.evaluate(() => {
    const c = (window as unknown as { saffronConsole: { placement: string; spiceSession?: { displays: { streams: StreamInfo }[] } } }).saffronConsole;
    const s = c.spiceSession?.displays[0]?.streams;
    return { framesDecoded: s?.framesDecoded ?? 0, framesDropped: s?.framesDropped ?? 0, decodeMs: s?.decodeMs ?? 0, codec: s?.codec, placement: c.placement };
  });
}

function withoutBox(image: DecodedImage): DecodedImage {
  const data = image.data.slice();
  for (let y = Math.max(0, BOX.top); y < Math.min(image.height, BOX.bottom); y++) {
    data.fill(0, (y * image.width + BOX.left) * 4, (y * image.width + Math.min(image.width, BOX.right)) * 4);
  }
  return { ...image, data };
}

/** The plasma frame (and window offset) the canvas's animation area is closest to, by PSNR. */
function bestFrameMatch(canvas: DecodedImage): { index: number; psnr: number; dx: number; dy: number } {
  let best = { index: -1, psnr: -Infinity, dx: 0, dy: 0 };
  for (let dy = 0; dy <= 4; dy++) {
    for (let dx = 0; dx <= 4; dx++) {
      const crop = new Uint8Array(400 * 300 * 4);
      for (let y = 0; y < 300; y++) {
        const from = ((200 + dy + y) * canvas.width + 300 + dx) * 4;
        crop.set(canvas.data.subarray(from, from + 1600), y * 1600);
      }
      frameImages.forEach((f, index) => {
        const psnr = diffImages({ width: 400, height: 300, data: crop, hasAlpha: false }, { ...f, data: opaque(f.data) }).psnr;
        if (psnr > best.psnr) best = { index, psnr, dx, dy };
      });
    }
  }
  return best;
}

function opaque(bgra: Uint8Array): Uint8Array {
  const out = bgra.slice();
  for (let i = 3; i < out.length; i += 4) out[i] = 255;
  return out;
}

const GST = ["/usr/lib/x86_64-linux-gnu/gstreamer-1.0/libgstvpx.so", "/usr/lib/x86_64-linux-gnu/gstreamer-1.0/libgstx264.so"];

const CASES = [
  { codec: "vp8", videoCodecs: "gstreamer:vp8;spice:mjpeg" },
  { codec: "h264", videoCodecs: "gstreamer:h264;spice:mjpeg" },
  { codec: "mjpeg", videoCodecs: "spice:mjpeg" },
];

describe("web client video streams (Xspice + GStreamer)", () => {
  it("has the GStreamer plugins Xspice needs for VP8 and H.264 (apt: gstreamer1.0-plugins-*)", () => {
    expect(GST.filter((f) => !existsSync(f))).toEqual([]);
  });

  it.each(CASES)("$codec stream decoded in the browser at >= 10 frames/s, still frame matches spicy-screenshot", async ({ codec, videoCodecs }) => {
    const xspice = await startXspice({ videoCodecs, resolution: "1024x768" });
    let anim: TrackedProcess | undefined;
    try {
      await setRootColor(xspice.display, "#405060");
      const page = await browser!.context.newPage();
      const log = collectPageLog(page);
      let ours: DecodedImage;
      try {
        await page.goto(`${browser!.origin}/?${new URLSearchParams({ url: `ws://127.0.0.1:${xspice.port}/`, autoconnect: "1" })}`);
        await page.waitForFunction(() => document.body.dataset.state === "connected", null, { timeout: 20_000 });
        anim = runOnDisplay(xspice.display, "animate", ["-title", "saffron-animation", "-delay", "5", "-geometry", "+300+200", ...frames]);
        await waitForWindow(xspice.display, "saffron-animation");

        // Wait for the stream, then measure the decoded frame rate over 3 s.
        const deadline = Date.now() + 20_000;
        let info = await streamInfo(page);
        while ((info.framesDecoded < 10 || info.codec !== codec) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          info = await streamInfo(page);
        }
        expect(info.placement).toBe("worker");
        expect(info.codec, `stream codec (log: ${log.join(" | ")})`).toBe(codec);
        const t0 = Date.now();
        const before = info;
        await new Promise((r) => setTimeout(r, 3000));
        const after = await streamInfo(page);
        const fps = ((after.framesDecoded - before.framesDecoded) * 1000) / (Date.now() - t0);
        const decodeMsPerFrame = (after.decodeMs - before.decodeMs) / Math.max(1, after.framesDecoded - before.framesDecoded);
        const stats = await page.evaluate(
          () => new Promise<Record<string, unknown>>((ok) => (window as unknown as { saffronConsole: EventTarget }).saffronConsole.addEventListener("stats", (e) => ok((e as CustomEvent).detail), { once: true })),
        );
        console.info(`${codec}: ${fps.toFixed(1)} frames/s decoded, ${decodeMsPerFrame.toFixed(2)} ms/frame, ${after.framesDropped} dropped; stats ${JSON.stringify(stats)}`);
        expect(fps).toBeGreaterThanOrEqual(10);
        expect(stats.codec).toBe(codec);
        // A decoded frame on the canvas mid-animation is one of the plasma frames (lossy).
        const best = bestFrameMatch(await canvasImage(page));
        console.info(`${codec}: mid-animation canvas matches frame ${best.index} at ${best.psnr.toFixed(2)} dB (offset ${best.dx},${best.dy})`);
        expect(best.psnr).toBeGreaterThanOrEqual(25);

        // Freeze the animation: what stays on screen is the last (lossy) frame.
        process.kill(anim.pid, "SIGSTOP");
        ours = await waitForStableCanvas(page, { timeoutMs: 30_000 });
        expect(log.filter((l) => l.startsWith("pageerror"))).toEqual([]);
      } finally {
        await page.close();
      }
      const reference = await spicyScreenshot({ port: xspice.port });
      const whole = diffImages(ours, reference);
      const outside = diffImages(withoutBox(ours), withoutBox(reference));
      console.info(`${codec} still frame: PSNR ${whole.psnr.toFixed(2)} dB, ${whole.differentPixels} px differ, ${outside.differentPixels} outside the animation`);
      if (whole.psnr < 30 || outside.differentPixels !== 0) {
        saveComparison(`web-video-${codec}`, ours, reference);
        throw new Error(`${codec}: PSNR ${whole.psnr.toFixed(2)} dB, ${outside.differentPixels} pixels differ outside the animation; see artifacts/`);
      }
    } finally {
      if (anim) {
        try {
          process.kill(anim.pid, "SIGCONT");
        } catch {
          // already gone
        }
        await anim.stop();
      }
      await xspice.stop();
    }
  });
});
