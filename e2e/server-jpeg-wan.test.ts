// JPEG-WAN compression in Saffron's server (spice-server's --jpeg-wan-compression).
//
// `always`: a photo-like change goes out as a JPEG image (type 105). Right after the change
// spicy-screenshot (spice-gtk) and our Node client show a JPEG-quality picture (PSNR >= 30 dB
// against the framebuffer, not exact); once the area has been quiet for ~1 s the server
// redraws it losslessly and both show the framebuffer exactly.
//
// `auto`: only a client whose link is slow gets JPEG. The main channel's network test (three
// PINGs right after connect, the last with 250 KiB of padding) runs through a relay whose
// server->client direction goes at ~3 Mbit/s: that client gets JPEG, a direct client on the
// same server (loopback, fast) gets none, and both end exact. `never`: no network test and
// no JPEG, even over the slow link. (The bandwidth rule itself is unit-tested in
// packages/server/src/channels/main/net-test.test.ts.)
import type { DecodedImage } from "@saffron/codecs";
import { connectSpice, type SpiceSession } from "@saffron/client/node";
import { FramebufferSource, SpiceServer } from "@saffron/server";
import { diffImages, saveComparison, spicyScreenshot, startByteRelay, stopAllPeers, waitFor } from "@saffron/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { plasma, surfaceImage } from "./fixtures.js";

const W = 640;
const H = 480;

afterAll(stopAllPeers);

function fbImage(src: FramebufferSource): DecodedImage {
  return { width: src.width, height: src.height, data: new Uint8Array(src.pixels), hasAlpha: false };
}

function desktop(): FramebufferSource {
  const src = new FramebufferSource({ width: W, height: H });
  src.fillRect(0, 0, W, H, 0x2a4466);
  src.fillRect(40, 40, 200, 120, 0xcc8833);
  return src;
}

/** A full-screen photo (the "wallpaper" changed). */
function showPhoto(src: FramebufferSource, seed: number): void {
  src.pixels.set(plasma(W, H, seed).data);
  src.damage();
}

/** A slow WAN link for the server->client direction: ~3.1 Mbit/s, 5 ms one way. */
const SLOW_LINK = { bytesPerSecond: 384 * 1024, latencyMs: 5 };

const jpegCount = (s: SpiceSession) => s.displays[0]!.images.stats.Jpeg?.count ?? 0;

async function waitExact(name: string, session: SpiceSession, src: FramebufferSource, timeoutMs = 5000): Promise<number> {
  const t0 = Date.now();
  try {
    await waitFor(() => diffImages(surfaceImage(session.primary!), fbImage(src)).differentPixels === 0, { timeoutMs, label: `${name} exact` });
  } catch (e) {
    saveComparison(`server-jpeg-wan-${name}`, surfaceImage(session.primary!), fbImage(src));
    throw e;
  }
  return Date.now() - t0;
}

describe("server --jpeg-wan", () => {
  it("always: a photo-like change is JPEG in spicy-screenshot and the Node client, exact again after ~1 s of quiet", async () => {
    const src = desktop();
    const server = new SpiceServer({ source: src, disableTicketing: true, jpegWan: "always", imageCompression: "auto_glz" });
    const { port } = (await server.listen({ port: 0 })) as { port: number };
    const session = await connectSpice(`spice://127.0.0.1:${port}`);
    let toucher: ReturnType<typeof setInterval> | undefined;
    try {
      await session.waitForIdle(200, 10_000);
      await waitExact("node-before", session, src);
      expect(jpegCount(session)).toBe(0); // the flat desktop is not photo-like

      // The photo appears. While spicy-screenshot connects, the same pixels are reported as
      // damaged again every 250 ms (the screen "keeps changing", below stream rates), so the
      // screenshot is taken while the area is not quiet.
      showPhoto(src, 5);
      const expected = fbImage(src);
      let lastTouch = Date.now();
      toucher = setInterval(() => {
        src.damage();
        lastTouch = Date.now();
      }, 250);
      // The whole screen has come as JPEG (in bands of at most 256 Kpixels).
      await waitFor(() => (session.displays[0]!.images.stats.Jpeg?.pixels ?? 0) >= W * H, { timeoutMs: 5000, label: "JPEG images at the Node client" });
      const nodeLossy = diffImages(surfaceImage(session.primary!), expected);
      const spicyLossy = diffImages(await spicyScreenshot({ port }), expected);
      clearInterval(toucher);
      toucher = undefined;
      // The server's quiet time starts at the last damage it was given, not at clearInterval.
      const quietFrom = lastTouch;
      const stats = server.stats()[0]!;
      console.info(
        `jpeg-wan always: Node client PSNR ${nodeLossy.psnr.toFixed(1)} dB (${nodeLossy.differentPixels} px differ), ` +
          `spicy-screenshot PSNR ${spicyLossy.psnr.toFixed(1)} dB; server images ${JSON.stringify(stats.images)}; lossy ${JSON.stringify(stats.lossy)}`,
      );
      expect(nodeLossy.differentPixels).toBeGreaterThan(0);
      expect(nodeLossy.psnr).toBeGreaterThanOrEqual(30);
      expect(spicyLossy.differentPixels).toBeGreaterThan(0);
      expect(spicyLossy.psnr).toBeGreaterThanOrEqual(30);
      expect(stats.images.Jpeg?.count).toBeGreaterThan(0);

      // Quiet: the lossy area is redrawn losslessly after ~1 s.
      const took = await waitExact("node-after", session, src, 4000);
      console.info(`jpeg-wan always: Node client exact ${Date.now() - quietFrom} ms after the last change (waited ${took} ms)`);
      expect(Date.now() - quietFrom).toBeGreaterThanOrEqual(900);
      await new Promise((r) => setTimeout(r, Math.max(0, 2000 - (Date.now() - quietFrom))));
      const spicyAfter = diffImages(await spicyScreenshot({ port }), expected);
      if (spicyAfter.differentPixels) saveComparison("server-jpeg-wan-spicy-after", await spicyScreenshot({ port }), expected);
      expect(spicyAfter.differentPixels).toBe(0);
      expect(diffImages(surfaceImage(session.primary!), expected).differentPixels).toBe(0);
      const after = server.stats()[0]!.lossy!;
      expect(after.losslessRefreshes).toBeGreaterThan(0);
      expect(after.areas).toBe(0);
      expect(session.errors).toEqual([]);
    } finally {
      if (toucher) clearInterval(toucher);
      session.close();
      await server.close();
    }
  });

  it("auto: JPEG only for the client on a slow link (network test), both exact after the lossless refresh", async () => {
    const src = desktop();
    const server = new SpiceServer({ source: src, disableTicketing: true, jpegWan: "auto" });
    const { port } = (await server.listen({ port: 0 })) as { port: number };
    const relay = await startByteRelay({ targetPort: port, downlink: SLOW_LINK });
    let fast: SpiceSession | undefined;
    let slow: SpiceSession | undefined;
    try {
      fast = await connectSpice(`spice://127.0.0.1:${port}`);
      slow = await connectSpice(`spice://127.0.0.1:${relay.port}`);
      const stats = (s: SpiceSession) => server.stats().find((x) => x.session === s.main!.init!.sessionId)!;
      await waitFor(() => stats(fast!).netTest !== undefined && stats(slow!).netTest !== undefined, {
        timeoutMs: 15_000,
        label: "network tests done",
      });
      const fastTest = stats(fast).netTest!;
      const slowTest = stats(slow).netTest!;
      const show = (t: typeof fastTest) => `${(t.bitsPerSecond / 1e6).toFixed(1)} Mbit/s, latency ${t.latencyMs.toFixed(1)} ms`;
      console.info(`jpeg-wan auto: network test direct ${show(fastTest)}; through the ~3 Mbit/s relay ${show(slowTest)}`);
      expect(fastTest.lowBandwidth).toBe(false);
      expect(slowTest.lowBandwidth).toBe(true);
      await fast.waitForIdle(200, 10_000);
      await slow.waitForIdle(300, 20_000);
      await waitExact("auto-fast-before", fast, src);
      await waitExact("auto-slow-before", slow, src, 15_000);

      const t0 = Date.now();
      showPhoto(src, 9);
      await waitFor(() => jpegCount(slow!) > 0, { timeoutMs: 15_000, label: "JPEG at the slow client" });
      const fastTook = await waitExact("auto-fast", fast, src, 10_000);
      const slowTook = await waitExact("auto-slow", slow, src, 20_000);
      const fastStats = stats(fast);
      const slowStats = stats(slow);
      console.info(
        `jpeg-wan auto: direct client exact after ${fastTook} ms, images ${JSON.stringify(fastStats.images)}; ` +
          `slow client exact ${Date.now() - t0} ms after the change (waited ${slowTook} ms), images ${JSON.stringify(slowStats.images)}, lossy ${JSON.stringify(slowStats.lossy)}`,
      );
      expect(jpegCount(fast)).toBe(0);
      expect(fastStats.images.Jpeg).toBeUndefined();
      expect(fastStats.lossy!.jpegActive).toBe(false);
      expect(jpegCount(slow)).toBeGreaterThan(0);
      expect(slowStats.lossy!.jpegActive).toBe(true);
      expect(slowStats.lossy!.jpegDraws).toBeGreaterThan(0);
      // Exact again because the lossy picture was redrawn losslessly once quiet.
      expect(slowStats.lossy!.losslessRefreshes).toBeGreaterThan(0);
      expect(slowStats.lossy!.areas).toBe(0);
      expect(fast.errors).toEqual([]);
      expect(slow.errors).toEqual([]);
    } finally {
      fast?.close();
      slow?.close();
      await relay.stop();
      await server.close();
    }
  });

  it("never: no network test and no JPEG, even over the slow link", async () => {
    // zlib-glz-wan never as well: with auto it would want the network test too.
    const src = desktop();
    const server = new SpiceServer({ source: src, disableTicketing: true, jpegWan: "never", zlibGlzWan: "never" });
    const { port } = (await server.listen({ port: 0 })) as { port: number };
    const relay = await startByteRelay({ targetPort: port, downlink: SLOW_LINK });
    let slow: SpiceSession | undefined;
    try {
      slow = await connectSpice(`spice://127.0.0.1:${relay.port}`);
      await slow.waitForIdle(300, 20_000);
      showPhoto(src, 9);
      await waitExact("never-slow", slow, src, 20_000);
      expect(jpegCount(slow)).toBe(0);
      expect(server.stats()[0]!.netTest).toBeUndefined();
      expect(slow.errors).toEqual([]);
    } finally {
      slow?.close();
      await relay.stop();
      await server.close();
    }
  });
});
