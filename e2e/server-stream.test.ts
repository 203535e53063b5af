// Video streams from Saffron's server: a FramebufferSource animates a 400x300 plasma region at
// 20 frames/s. The server must find it (same rect, >= 10 fps, photo-like), stream it as MJPEG
// (STREAM_CREATE + STREAM_DATA), and once the animation stops end the stream and redraw the
// area losslessly, so every client ends with the exact framebuffer: our Node client (which
// decodes the stream: >= 15 frames/s), spicy-screenshot, and remote-viewer (spice-gtk's own
// MJPEG decoder) under Xvfb. STREAM_SECONDS=10 gives the 10 s measurement of the issue.
import type { DecodedImage } from "@saffron/codecs";
import { connectSpice } from "@saffron/client/node";
import { FramebufferSource, SpiceServer } from "@saffron/server";
import { expectSameImage, findImage, freePort, remoteViewerScreenshot, saveComparison, spicyScreenshot, stopAllPeers, waitFor } from "@saffron/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { plasma, surfaceImage } from "./fixtures.js";

const W = 640;
const H = 480;
const VIDEO = { left: 120, top: 90, right: 520, bottom: 390 };
const FPS = 20;
const SECONDS = Number(process.env.STREAM_SECONDS ?? 3);

afterAll(stopAllPeers);

/** A desktop: flat background, a few solid blocks, and the video region. */
function makeDesktop(): FramebufferSource {
  const src = new FramebufferSource({ width: W, height: H });
  src.fillRect(0, 0, W, H, 0x2a4466);
  src.fillRect(20, 20, 80, 40, 0xcc8833);
  src.fillRect(540, 400, 80, 60, 0x33aa55);
  return src;
}

/**
 * Rolls a plasma texture through the video region at `FPS` (like the `animate` workload of
 * the peers baseline: rolled plasma frames), for `seconds`.
 */
function animate(src: FramebufferSource, seconds: number, onFrame?: (frame: number) => void): Promise<number> {
  const vw = VIDEO.right - VIDEO.left;
  const vh = VIDEO.bottom - VIDEO.top;
  const tex = plasma(vw * 2, vh, 7);
  const texW = vw * 2;
  let frame = 0;
  const draw = () => {
    const off = (frame * 9) % texW;
    for (let y = 0; y < vh; y++) {
      const dst = ((VIDEO.top + y) * W + VIDEO.left) * 4;
      const row = y * texW * 4;
      const first = Math.min(vw, texW - off);
      src.pixels.set(tex.data.subarray(row + off * 4, row + (off + first) * 4), dst);
      if (first < vw) src.pixels.set(tex.data.subarray(row, row + (vw - first) * 4), dst + first * 4);
    }
    src.damage(VIDEO);
    frame++;
    onFrame?.(frame);
  };
  return new Promise((resolve) => {
    const start = Date.now();
    const timer = setInterval(() => {
      // Keep the source's rate even if a tick comes late.
      const due = Math.min(Math.floor(((Date.now() - start) * FPS) / 1000) + 1, seconds * FPS);
      if (frame < due) draw();
      if (frame >= seconds * FPS) {
        clearInterval(timer);
        resolve(frame);
      }
    }, 1000 / FPS / 2);
  });
}

function fbImage(src: FramebufferSource): DecodedImage {
  return { width: src.width, height: src.height, data: new Uint8Array(src.pixels), hasAlpha: false };
}

function expectExact(name: string, actual: DecodedImage, expected: DecodedImage): void {
  expect({ width: actual.width, height: actual.height }).toEqual({ width: expected.width, height: expected.height });
  expectSameImage(actual, expected, { label: name, artifact: `server-stream-${name}` });
}

describe("server video streams (MJPEG)", () => {
  it(`streams a ${SECONDS} s 400x300 plasma at ${FPS} fps to the Node client, then leaves the exact picture (also in spicy-screenshot)`, async () => {
    const src = makeDesktop();
    const server = new SpiceServer({ source: src, disableTicketing: true });
    const { port } = await server.listen({ port: await freePort() });
    try {
      const session = await connectSpice(`spice://127.0.0.1:${port}`);
      try {
        await session.waitForIdle(200, 15_000);
        const display = session.displays[0]!;
        const bytesBefore = server.stats()[0]!.channels.find((c) => c.name.startsWith("display"))!.bytesSent;

        // Watch the client: when the first stream frame arrived, and the frames it decoded from
        // 1.5 s on (the stream runs by then) to the end of the animation.
        let firstFrameAt = 0;
        let maxActive = 0;
        let mark: { at: number; decoded: number } | undefined;
        const t0 = Date.now();
        const frames = await animate(src, SECONDS, (n) => {
          if (!firstFrameAt && display.streams.framesDecoded > 0) firstFrameAt = Date.now();
          maxActive = Math.max(maxActive, display.streams.active);
          if (n === Math.round(1.5 * FPS)) mark = { at: Date.now(), decoded: display.streams.framesDecoded };
        });
        const tEnd = Date.now();
        const decoded = display.streams.framesDecoded;
        const stats = server.stats()[0]!;
        const displayBytes = stats.channels.find((c) => c.name.startsWith("display"))!.bytesSent - bytesBefore;
        const st = stats.streams!;
        const fps = (decoded - mark!.decoded) / ((tEnd - mark!.at) / 1000);
        console.log(
          `server-stream: ${frames} source frames in ${((tEnd - t0) / 1000).toFixed(2)} s; stream from +${firstFrameAt - t0} ms; ` +
            `client decoded ${decoded} frames, ${fps.toFixed(1)} fps from 1.5 s on; server sent ${st.framesSent} frames, ${st.bytesSent} B ` +
            `(${Math.round(st.bytesSent / Math.max(1, st.framesSent))} B/frame, quality ${st.quality}); ` +
            `display channel ${displayBytes} B in total (incl. the lossless frames before the stream); ` +
            `dropped: backlog ${st.framesDroppedBacklog}, encoder ${st.framesDroppedEncoder}, client ${st.framesDroppedClient}`,
        );
        expect(st.created).toBeGreaterThanOrEqual(1);
        expect(maxActive).toBeGreaterThanOrEqual(1);
        expect(firstFrameAt - t0).toBeLessThan(2500);
        expect(fps).toBeGreaterThanOrEqual(15);
        // Fewer bytes than TigerVNC: 12.75 MB for 10 s of this workload at 20 fps = 63.7 kB per
        // source frame. A 3 s run is dominated by the lossless frames sent before detection (their
        // share depends on machine load), so the test checks the stream's own cost per frame; the
        // whole 10 s workload is compared with TigerVNC in `npm run bench` (bench workloads).
        expect(st.bytesSent / Math.max(1, st.framesSent)).toBeLessThan(63_700);
        if (SECONDS >= 10) expect(displayBytes / frames).toBeLessThan(63_700);

        // The animation stopped: the stream ends within ~1 s and the area is redrawn losslessly.
        await waitFor(() => server.stats()[0]!.streams!.destroyed >= 1 && display.streams.active === 0, { timeoutMs: 5000, label: "stream destroyed" });
        await session.waitForIdle(300, 10_000);
        expect(session.errors).toEqual([]);
        expectExact("node-client", surfaceImage(session.primary!), fbImage(src));
      } finally {
        session.close();
      }
      expectExact("spicy-screenshot", await spicyScreenshot({ port }), fbImage(src));
    } finally {
      await server.close();
    }
  });

  it("remote-viewer (spice-gtk's MJPEG decoder) takes the stream and ends with the exact picture", async () => {
    const src = makeDesktop();
    const server = new SpiceServer({ source: src, disableTicketing: true });
    const { port } = await server.listen({ port: await freePort() });
    try {
      let animation: Promise<number> | undefined;
      let done = false;
      let target: DecodedImage | undefined;
      let st: ReturnType<SpiceServer["stats"]>[number]["streams"];
      const shot = await remoteViewerScreenshot({
        port,
        timeoutMs: 40_000,
        until: (img) => {
          st = server.stats()[0]?.streams ?? st;
          const display = server.stats()[0]?.channels.find((c) => c.name.startsWith("display"));
          if (!animation && display && !display.closed && display.bytesSent > 0) {
            animation = animate(src, 3).then((n) => {
              done = true;
              target = fbImage(src);
              return n;
            });
          }
          return done && !!target && !!findImage(img, target) && (st?.destroyed ?? 0) >= 1;
        },
      }).catch((e: { lastShot?: DecodedImage }) => {
        if (e.lastShot && target) saveComparison("server-stream-remote-viewer", e.lastShot, target);
        throw e;
      });
      expect(shot.image.width).toBe(1280);
      console.log(`server-stream remote-viewer: ${JSON.stringify(st)}`);
      expect(st?.created).toBeGreaterThanOrEqual(1);
      expect(st?.framesSent).toBeGreaterThanOrEqual(20);
      expect(st?.framesDroppedClient).toBe(0);
      // spice-gtk answered STREAM_ACTIVATE_REPORT with reports.
      expect(st?.reports).toBeGreaterThanOrEqual(1);
    } finally {
      await server.close();
    }
  });
});
