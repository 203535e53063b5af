// Lossy paths of the Node client against a real Xspice:
//  (a) JPEG images (jpeg-wan-compression=always with a QUIC-capable image compression);
//  (b) an animation that spice-server turns into an MJPEG video stream.
// Lossy pictures are compared with spicy-screenshot by PSNR (both sides decode the same JPEG
// data, with different decoders: jpeg-js here, libjpeg-turbo in spice-gtk); everything
// outside the lossy area must still be identical.
import { connectSpice } from "@saffron/client/node";
import type { DecodedImage } from "@saffron/codecs";
import {
  diffImages,
  makeTempDir,
  runOnDisplay,
  saveComparison,
  setRootColor,
  showImage,
  spicyScreenshot,
  startXspice,
  stopAllPeers,
  waitForWindow,
  removeTempDir,
  type TrackedProcess,
  type XspiceImageCompression,
} from "@saffron/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { plasma, rolledPlasmaFrames, surfaceImage } from "./fixtures.js";

afterAll(stopAllPeers);

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** `image` with the pixels inside `boxes` blanked, so the rest can be compared exactly. */
function withoutBoxes(image: DecodedImage, boxes: Box[]): DecodedImage {
  const data = image.data.slice();
  for (const box of boxes) {
    for (let y = Math.max(0, box.top); y < Math.min(image.height, box.bottom); y++) {
      data.fill(0, (y * image.width + Math.max(0, box.left)) * 4, (y * image.width + Math.min(image.width, box.right)) * 4);
    }
  }
  return { ...image, data };
}

/** Lossy inside `boxes` (PSNR >= 30 dB over the whole screen), identical everywhere else. */
function expectLossyMatch(name: string, ours: DecodedImage, reference: DecodedImage, boxes: Box[]) {
  const whole = diffImages(ours, reference);
  const outside = diffImages(withoutBoxes(ours, boxes), withoutBoxes(reference, boxes));
  console.info(`${name}: PSNR ${whole.psnr.toFixed(2)} dB, max delta ${whole.maxDelta}, ${whole.differentPixels} px differ, ${outside.differentPixels} of them outside the lossy area`);
  if (whole.psnr < 30 || outside.differentPixels !== 0) {
    saveComparison(name, ours, reference);
    throw new Error(`${name}: PSNR ${whole.psnr.toFixed(2)} dB, ${outside.differentPixels} pixels differ outside the lossy area; see artifacts/`);
  }
}

const snapshot = (s: { width: number; height: number; data: Uint8Array }) => surfaceImage({ width: s.width, height: s.height, data: s.data.slice() });

/**
 * spiceqxl (Xspice) hands every X image to spice-server as an RGBA bitmap, so its JPEG path
 * produces JPEG_ALPHA (type 108: JPEG colour + LZ alpha plane) rather than plain JPEG (105);
 * verified with auto_glz, auto_lz and quic (glz/lz are lossless-only and never use JPEG).
 * Both are JPEG-decoded, so the test accepts either type.
 */
const jpegCount = (stats: Record<string, { count: number }>) => (stats.Jpeg?.count ?? 0) + (stats.JpegAlpha?.count ?? 0);

describe("client vs Xspice, lossy images", () => {
  it.each(["auto_glz", "quic"] as XspiceImageCompression[])("JPEG with jpeg-wan always, image compression %s", async (imageCompression) => {
    const password = "jpeg-pw";
    const xspice = await startXspice({ password, imageCompression, jpegWan: "always" });
    try {
      await setRootColor(xspice.display, "#203040");
      // One picture before we connect (sent in the initial redraw), one drawn live.
      await showImage(xspice.display, plasma(320, 240, 3), { x: 40, y: 40 });
      const session = await connectSpice(`spice://127.0.0.1:${xspice.port}`, { password });
      let ours: DecodedImage;
      try {
        await session.waitForIdle(300, 15_000);
        await showImage(xspice.display, plasma(400, 300), { x: 500, y: 300 });
        await session.waitForIdle(500, 15_000);
        expect(session.errors).toEqual([]);
        const stats = session.displays[0]!.images.stats;
        expect(jpegCount(stats), JSON.stringify(stats)).toBeGreaterThan(0);
        ours = snapshot(session.primary!);
      } finally {
        session.close();
      }
      const reference = await spicyScreenshot({ port: xspice.port, password });
      // The two pictures (plus their 1-2 px window borders) are the lossy area.
      expectLossyMatch(`client-jpeg-${imageCompression}`, ours, reference, [
        { left: 36, top: 36, right: 366, bottom: 286 },
        { left: 496, top: 296, right: 906, bottom: 606 },
      ]);
    } finally {
      await xspice.stop();
    }
  });

  it("MJPEG stream from an animation, then the still frame", async () => {
    // 20 frames of the plasma rolled sideways: a 400x300 window repainted at 20 fps.
    const dir = makeTempDir("frames");
    const frames = rolledPlasmaFrames(dir).files;

    const xspice = await startXspice({});
    let anim: TrackedProcess | undefined;
    try {
      await setRootColor(xspice.display, "#405060");
      const session = await connectSpice(`spice://127.0.0.1:${xspice.port}`, {});
      let ours: DecodedImage;
      try {
        await session.waitForIdle(300, 15_000);
        anim = runOnDisplay(xspice.display, "animate", ["-title", "saffron-animation", "-delay", "5", "-geometry", "+300+200", ...frames]);
        await waitForWindow(xspice.display, "saffron-animation");
        const d = session.displays[0]!;
        const deadline = Date.now() + 15_000;
        while (d.streams.framesDecoded <= 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        expect(d.streams.framesDecoded).toBeGreaterThan(10);

        // Freeze the animation on one frame: the stream stops being fed, and what stays on
        // screen is the last (lossy) frame. spicy-screenshot gets the server's current drawables.
        process.kill(anim.pid, "SIGSTOP");
        await session.waitForIdle(700, 15_000);
        expect(session.errors).toEqual([]);
        ours = snapshot(session.primary!);
        console.info(`stream: ${d.streams.framesDecoded} MJPEG frames decoded, images ${JSON.stringify(d.images.stats)}`);
      } finally {
        session.close();
      }
      const reference = await spicyScreenshot({ port: xspice.port });
      expectLossyMatch("client-stream-still", ours, reference, [{ left: 296, top: 196, right: 706, bottom: 506 }]);
    } finally {
      if (anim) {
        try {
          process.kill(anim.pid, "SIGCONT");
        } catch {
          // already gone
        }
        await anim.stop();
      }
      removeTempDir(dir);
      await xspice.stop();
    }
  });
});
