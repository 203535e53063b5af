// The server side of the pixmap cache (protocol-map §5.2): pixels drawn before go out as
// FROM_CACHE / FROM_CACHE_LOSSLESS references instead of being encoded again.
//
// A FramebufferSource alternates between two pictures: from the second time around, our Node
// client gets cache references and the bytes per switch drop by orders of magnitude, while the
// picture stays exact. With a small cache the server evicts (INVAL_LIST) and the client still
// ends exact, never holding more than the server allowed. spice-gtk (remote-viewer, which
// stays connected through the switches; spicy-screenshot for its CACHE_ME first frame) shows
// the framebuffer exactly.
import type { DecodedImage } from "@saffron/codecs";
import { connectSpice, type SpiceSession } from "@saffron/client/node";
import { FramebufferSource, SpiceServer, type SpiceServerOptions } from "@saffron/server";
import { diffImages, findImage, freePort, remoteViewerScreenshot, saveComparison, spicyScreenshot, stopAllPeers, waitFor } from "@saffron/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { plasma, surfaceImage } from "./fixtures.js";

const W = 640;
const H = 480;

afterAll(stopAllPeers);

function fbImage(src: FramebufferSource): DecodedImage {
  return { width: src.width, height: src.height, data: new Uint8Array(src.pixels), hasAlpha: false };
}

/** Picture `n`: a photo-like plasma with a flat "window" and a sharp pattern, different per n. */
function picture(n: number, w = W, h = H): Uint8Array {
  const p = plasma(w, h, n + 2).data;
  for (let y = 20; y < Math.min(h, 140); y++) {
    for (let x = 20 + n * 15; x < Math.min(w, 220 + n * 15); x++) {
      const i = (y * w + x) * 4;
      const on = ((x * 7) ^ (y * (13 + n))) % 11 < 3;
      p[i] = on ? 0x10 : 0xf0;
      p[i + 1] = on ? 0x10 : 0xf0;
      p[i + 2] = on ? 0x10 : 0xf0;
    }
  }
  return p;
}

function show(src: FramebufferSource, pixels: Uint8Array): void {
  src.pixels.set(pixels);
  src.damage();
}

const cacheRefs = (s: SpiceSession) => {
  const st = s.displays[0]!.images.stats;
  return (st.FromCache?.count ?? 0) + (st.FromCacheLossless?.count ?? 0);
};

function displayBytes(server: SpiceServer): number {
  return server.stats()[0]?.channels.find((c) => c.name.startsWith("display"))?.bytesSent ?? 0;
}

async function waitExact(name: string, session: SpiceSession, src: FramebufferSource): Promise<void> {
  try {
    await waitFor(() => diffImages(surfaceImage(session.primary!), fbImage(src)).differentPixels === 0, { timeoutMs: 8000, label: `${name} exact` });
  } catch (e) {
    saveComparison(`server-cache-${name}`, surfaceImage(session.primary!), fbImage(src));
    throw e;
  }
}

async function withServer<T>(opts: Partial<SpiceServerOptions>, src: FramebufferSource, f: (server: SpiceServer, port: number) => Promise<T>): Promise<T> {
  const server = new SpiceServer({ source: src, disableTicketing: true, streaming: false, ...opts });
  const { port } = (await server.listen({ port: await freePort() })) as { port: number };
  try {
    return await f(server, port);
  } finally {
    await server.close();
  }
}

describe("server pixmap cache", () => {
  for (const jpegWan of ["never", "auto"] as const) {
    it(`two alternating pictures: cache references from the second time around, exact (jpeg-wan ${jpegWan})`, async () => {
      const src = new FramebufferSource({ width: W, height: H });
      const pics = [picture(0), picture(1)];
      show(src, pics[0]!);
      await withServer({ jpegWan }, src, async (server, port) => {
        const session = await connectSpice(`spice://127.0.0.1:${port}`);
        try {
          await session.waitForIdle(200, 10_000);
          await waitExact("initial", session, src);
          const perSwitch: number[] = [];
          for (let i = 1; i <= 6; i++) {
            const before = displayBytes(server);
            show(src, pics[i % 2]!);
            await waitExact(`switch-${i}`, session, src);
            await session.waitForIdle(100, 5000);
            perSwitch.push(displayBytes(server) - before);
          }
          const st = session.displays[0]!.images.stats;
          console.log(`server-cache (jpeg-wan ${jpegWan}): display bytes per switch ${perSwitch.join(", ")}; client images ${JSON.stringify(st)}; server cache ${JSON.stringify(server.stats()[0]?.pixmapCache)}`);
          // The initial frame is one image, later frames come in bands: picture 0's bands are
          // cached at switch 2, so from switch 3 on every switch is answered from the cache.
          expect(cacheRefs(session)).toBeGreaterThan(0);
          const refType = jpegWan === "never" ? "FromCache" : "FromCacheLossless";
          expect(st[refType]?.count ?? 0).toBeGreaterThanOrEqual(2 * 4);
          for (const b of perSwitch.slice(2)) expect(b).toBeLessThan(perSwitch[0]! / 50);
          expect(session.errors).toEqual([]);
        } finally {
          session.close();
        }
        // spice-gtk's first frame comes with CACHE_ME (a full-screen image it must store).
        const shot = await spicyScreenshot({ port });
        expect(diffImages(shot, fbImage(src)).differentPixels).toBe(0);
      });
    });
  }

  it("a small cache evicts (INVAL_LIST): the client holds at most what the server allows and stays exact", async () => {
    const src = new FramebufferSource({ width: W, height: H });
    src.fillRect(0, 0, W, H, 0x335577);
    const RW = 240;
    const RH = 200;
    const pics = [0, 1, 2, 3, 4, 5].map((n) => picture(n, RW, RH));
    const put = (n: number) => {
      const p = pics[n]!;
      for (let y = 0; y < RH; y++) src.pixels.set(p.subarray(y * RW * 4, (y + 1) * RW * 4), ((100 + y) * W + 150) * 4);
      src.damage({ left: 150, top: 100, right: 150 + RW, bottom: 100 + RH });
    };
    const maxPixels = 4 * RW * RH + 1000; // four of the window pictures fit
    await withServer({ jpegWan: "never", pixmapCache: { maxPixels } }, src, async (server, port) => {
      const session = await connectSpice(`spice://127.0.0.1:${port}`);
      try {
        await session.waitForIdle(200, 10_000);
        let maxHeld = 0;
        const order = [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 4, 3, 2, 5, 4, 3, 2];
        for (const [i, n] of order.entries()) {
          put(n);
          await waitExact(`evict-${i}`, session, src);
          await session.waitForIdle(50, 5000);
          maxHeld = Math.max(maxHeld, session.images.pixelCount);
        }
        const pc = server.stats()[0]!.pixmapCache!;
        console.log(`server-cache eviction: server ${JSON.stringify(pc)}; client holds ${session.images.pixelCount} px (max ${maxHeld}), evicted by itself ${session.images.evictions}`);
        expect(pc.evictions).toBeGreaterThan(0);
        expect(pc.hits).toBeGreaterThanOrEqual(7); // the last seven are all cached
        expect(maxHeld).toBeLessThanOrEqual(maxPixels);
        expect(session.images.pixelCount).toBe(pc.pixels);
        expect(session.images.evictions).toBe(0); // the client never had to drop anything itself
        expect(session.errors).toEqual([]);
      } finally {
        session.close();
      }
    });
  });

  it("remote-viewer (spice-gtk's cache) follows switches answered from the cache, with evictions, and shows the picture exactly", async () => {
    const src = new FramebufferSource({ width: W, height: H });
    const pics = [0, 1, 2].map((n) => picture(n));
    show(src, pics[0]!);
    // Room for about two pictures (in bands): cycling through three evicts, going back and forth hits.
    await withServer({ jpegWan: "never", pixmapCache: { maxPixels: 2 * W * H + 1000, minPixels: 1024 } }, src, async (server, port) => {
      let done = false;
      let started = false;
      let target: DecodedImage | undefined;
      let s: ReturnType<SpiceServer["stats"]>[number] | undefined;
      const run = async () => {
        const order = [1, 0, 1, 2, 0, 2, 0, 1, 0, 1, 2];
        for (const n of order) {
          show(src, pics[n]!);
          await new Promise((r) => setTimeout(r, 250));
        }
        target = fbImage(src);
        done = true;
      };
      const shot = await remoteViewerScreenshot({
        port,
        timeoutMs: 40_000,
        until: (img) => {
          s = server.stats()[0] ?? s;
          const display = server.stats()[0]?.channels.find((c) => c.name.startsWith("display"));
          if (!started && display && !display.closed && display.bytesSent > 0) {
            started = true;
            void run();
          }
          return done && !!target && !!findImage(img, target);
        },
      }).catch((e: { lastShot?: DecodedImage }) => {
        if (e.lastShot && target) saveComparison("server-cache-remote-viewer", e.lastShot, target);
        throw e;
      });
      expect(shot.image.width).toBe(1280);
      console.log(`server-cache remote-viewer: server cache ${JSON.stringify(s?.pixmapCache)}; images ${JSON.stringify(s?.images)}`);
      expect(s?.images.FromCache?.count ?? 0).toBeGreaterThan(0);
      expect(s?.pixmapCache?.evictions ?? 0).toBeGreaterThan(0);
      expect(shot.stderr).not.toMatch(/cache|critical/i);
    });
  });
});
