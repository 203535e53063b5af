// A client that stops reading for 30 s while the desktop changes full-screen at 30 fps
// (1024x768 FramebufferSource). Our Node client links normally, then its display channel
// stops reading (SpiceChannel.pauseReading(): the TCP transport is paused, so no message is
// handled and no ACK is sent; bytes pile up in the kernel buffers and the server's queue).
//
// The server must hold that client at a bounded cost: its pending bytes stay under the
// backlog limit, this process's memory (rss and arrayBuffers, after gc) grows by less than
// 64 MiB; another client keeps receiving all along. When the stalled client reads again it
// catches up with the latest pixels: both clients end with exactly the framebuffer.
//
// STALL_SECONDS shortens the stall for quick runs (default 30).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { DecodedImage } from "@saffron/codecs";
import { connectSpice, type SpiceSession } from "@saffron/client/node";
import { FramebufferSource, SpiceServer } from "@saffron/server";
import { diffImages, saveComparison, waitFor } from "@saffron/testkit";
import { describe, expect, it } from "vitest";
import { surfaceImage } from "./fixtures.js";

const W = 1024;
const H = 768;
const FPS = 30;
const STALL_SECONDS = Number(process.env.STALL_SECONDS ?? 30);
const MiB = 1024 * 1024;
const WARMUP_MS = 3000;

/** The V8 gc function, exposed at run time (vitest workers do not start with --expose-gc). */
function getGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

function memory(gc: () => void): { rss: number; arrayBuffers: number } {
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, arrayBuffers: m.arrayBuffers };
}

/**
 * A full-screen change: horizontal colour bands that scroll (every row changes every frame)
 * plus a moving block of fine detail: cheap to produce, and it makes every frame a full-screen
 * lossless update (not photo-like, so no video stream takes it over).
 */
function paint(src: FramebufferSource, frame: number): void {
  const px = new Uint32Array(src.pixels.buffer, src.pixels.byteOffset, W * H);
  for (let y = 0; y < H; y++) {
    const v = (y + frame * 3) & 0xff;
    px.fill(0xff000000 | (v << 16) | (((v * 3) & 0xff) << 8) | ((255 - v) & 0xff), y * W, (y + 1) * W);
  }
  const bx = (frame * 13) % (W - 128);
  const by = (frame * 7) % (H - 128);
  for (let y = 0; y < 128; y++) for (let x = 0; x < 128; x++) if (((x ^ y ^ frame) & 7) === 0) px[(by + y) * W + bx + x] = 0xff101010;
  src.damage();
}

const fb = (src: FramebufferSource): DecodedImage => ({ width: W, height: H, data: new Uint8Array(src.pixels), hasAlpha: false });

async function expectExact(name: string, s: SpiceSession, src: FramebufferSource, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  try {
    await waitFor(() => !!s.primary && diffImages(surfaceImage(s.primary), fb(src)).differentPixels === 0, { timeoutMs, label: `${name} exact` });
  } catch (e) {
    if (s.primary) saveComparison(`server-stall-${name}`, surfaceImage(s.primary), fb(src));
    throw e;
  }
  return Date.now() - t0;
}

describe("a client that stops reading for a while", () => {
  it(`costs bounded memory over a ${STALL_SECONDS} s stall of full-screen 30 fps changes, and catches up afterwards`, { timeout: 40_000 + STALL_SECONDS * 1000 }, async () => {
    const gc = getGc();
    const src = new FramebufferSource({ width: W, height: H });
    paint(src, 0);
    const server = new SpiceServer({ source: src, disableTicketing: true });
    const { port } = (await server.listen({ port: 0 })) as { port: number };
    const good = await connectSpice(`spice://127.0.0.1:${port}`);
    const stalled = await connectSpice(`spice://127.0.0.1:${port}`);
    let timer: ReturnType<typeof setInterval> | undefined;
    try {
      await good.waitForIdle(200, 10_000);
      await stalled.waitForIdle(200, 10_000);
      // Sessions are listed in connection order: the good client connected first.
      const [goodId, stalledId] = server.stats().map((s) => s.session);
      const stalledDisplay = stalled.displays[0]!;
      let goodMessages = 0;
      good.displays[0]!.on("message", () => goodMessages++);

      // The animation runs from here on. A warm-up with both clients reading first, so that
      // what every reading client costs anyway (GLZ dictionaries filled on both sides, image
      // buffers, JIT) is in the baseline and the growth measured is the stall's.
      let frame = 0;
      const t0 = Date.now();
      timer = setInterval(() => {
        const due = Math.floor(((Date.now() - t0) * FPS) / 1000);
        if (frame < due) paint(src, ++frame);
      }, 1000 / FPS / 2);
      await new Promise((r) => setTimeout(r, WARMUP_MS));
      stalledDisplay.pauseReading();
      const stalledBytesAtPause = stalledDisplay.bytesReceived;
      const base = memory(gc);
      const framesAtPause = frame;

      let maxPending = 0;
      let peak = { rss: 0, arrayBuffers: 0 };
      const goodPerSecond: number[] = [];
      let lastGood = goodMessages;
      let ticks = 0;
      const tPause = Date.now();
      await new Promise<void>((done) => {
        const sampler = setInterval(() => {
          ticks++;
          for (const s of server.stats()) for (const c of s.channels) maxPending = Math.max(maxPending, c.pending);
          if (ticks % 10 === 0) {
            const m = process.memoryUsage();
            peak = { rss: Math.max(peak.rss, m.rss), arrayBuffers: Math.max(peak.arrayBuffers, m.arrayBuffers) };
          }
          if (Date.now() - tPause >= (goodPerSecond.length + 1) * 1000) {
            goodPerSecond.push(goodMessages - lastGood);
            lastGood = goodMessages;
          }
          if (Date.now() - tPause >= STALL_SECONDS * 1000) {
            clearInterval(sampler);
            done();
          }
        }, 50);
      });
      clearInterval(timer);
      timer = undefined;
      const stalledStats = server.stats().find((s) => s.session === stalledId);
      const end = memory(gc);
      const stalledDisplayStats = server.stats().flatMap((s) => s.channels.filter((c) => c.name.startsWith("display")).map((c) => ({ session: s.session, ...c })));
      console.info(
        `stall: ${frame - framesAtPause} frames in the ${((Date.now() - tPause) / 1000).toFixed(1)} s stall; ` +
          `memory delta after gc: rss ${((end.rss - base.rss) / MiB).toFixed(1)} MiB, arrayBuffers ${((end.arrayBuffers - base.arrayBuffers) / MiB).toFixed(1)} MiB; ` +
          `peak (no gc) rss ${((peak.rss - base.rss) / MiB).toFixed(1)} MiB, arrayBuffers ${((peak.arrayBuffers - base.arrayBuffers) / MiB).toFixed(1)} MiB above the baseline; ` +
          `max server pending ${(maxPending / MiB).toFixed(2)} MiB; good client display messages/s ${goodPerSecond.join(",")}; ` +
          `display channels ${JSON.stringify(stalledDisplayStats.map((c) => ({ client: c.session === stalledId ? "stalled" : c.session === goodId ? "good" : c.session, sent: c.bytesSent, msgs: c.messagesSent, pending: c.pending })))}`,
      );
      expect(stalledStats).toBeDefined();
      expect(frame - framesAtPause).toBeGreaterThanOrEqual(STALL_SECONDS * FPS * 0.9);
      // Bounded: the server holds at most its 4 MiB backlog limit plus one message per client.
      expect(maxPending).toBeLessThan(6 * MiB);
      expect(end.rss - base.rss).toBeLessThan(64 * MiB);
      expect(end.arrayBuffers - base.arrayBuffers).toBeLessThan(64 * MiB);
      // The other client kept receiving every second of the stall.
      expect(goodPerSecond.filter((n) => n === 0)).toEqual([]);
      // The stalled client really was stalled: its display channel received (almost) nothing.
      expect(stalledDisplay.bytesReceived - stalledBytesAtPause).toBeLessThan(MiB);

      // It reads again and catches up with the latest picture.
      stalledDisplay.resumeReading();
      const catchUp = await expectExact("stalled-after", stalled, src, 15_000);
      await expectExact("good-after", good, src, 10_000);
      console.info(`stall: the stalled client was exact ${catchUp} ms after it resumed reading`);
      expect(stalled.errors).toEqual([]);
      expect(good.errors).toEqual([]);
    } finally {
      if (timer) clearInterval(timer);
      good.close();
      stalled.close();
      await server.close();
    }
  });
});
