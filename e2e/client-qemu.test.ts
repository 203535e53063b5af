// The Node client against a real QEMU SPICE server (TCG): the guest console drawn through
// real QXL commands (qxl DRM fbcon), through virtio-gpu (virtio-vga DRM fbcon), and the
// plain VGA text mode (which QEMU sends as images). Our final surface must equal
// spicy-screenshot's, with and without a password.
import { connectSpice } from "@saffron/client/node";
import type { DecodedImage } from "@saffron/codecs";
import { countColors, differenceBox, diffImages, saveComparison, spicyScreenshot, startQemu, stopAllPeers, type QemuVga } from "@saffron/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { surfaceImage } from "./fixtures.js";

afterAll(stopAllPeers);

interface Case {
  name: string;
  vga: QemuVga;
  drm: boolean;
  password?: string;
  width: number;
  height: number;
}

const CASES: Case[] = [
  { name: "qxl DRM, password", vga: "qxl", drm: true, password: "qemu-pw1", width: 1024, height: 768 },
  { name: "virtio-gpu DRM, no password", vga: "virtio", drm: true, width: 1280, height: 800 },
  { name: "VGA text mode, password", vga: "std", drm: false, password: "qemu-pw2", width: 720, height: 400 },
];

/**
 * QEMU's guest console has a blinking text cursor: between our snapshot and spicy-screenshot's
 * (taken a moment later) the cursor cell may have toggled, which changes ~18 pixels. That is
 * the ONLY difference we accept, and only inside one small box (one character cell); any other
 * difference fails the test.
 */
const CURSOR_BLINK_MAX_PIXELS = 40;
const CURSOR_CELL_MAX = { width: 16, height: 20 };

describe.each(CASES)("client vs QEMU: $name", (c) => {
  it("renders the guest console as spicy-screenshot does", async () => {
    const qemu = await startQemu({ vga: c.vga, drm: c.drm, password: c.password });
    try {
      const session = await connectSpice(`spice://127.0.0.1:${qemu.port}`, { password: c.password });
      let ours: DecodedImage;
      try {
        // The blinking cursor redraws its cell every ~200 ms, so the display is never idle for
        // long: a 150 ms quiet gap (between blinks) means the static console has arrived.
        await session.waitForIdle(150, 10_000);
        expect(session.errors).toEqual([]);
        const p = session.primary!;
        expect(p).toBeDefined();
        expect([p.width, p.height]).toEqual([c.width, c.height]);
        ours = surfaceImage({ width: p.width, height: p.height, data: p.data.slice() });
        const stats = session.displays[0]!.images.stats;
        expect(Object.keys(stats).length).toBeGreaterThan(0);
      } finally {
        session.close();
      }
      const reference = await spicyScreenshot({ port: qemu.port, password: c.password });
      const diff = diffImages(ours, reference);
      const box = differenceBox(ours, reference);
      console.info(`${c.name}: ${diff.differentPixels} pixels differ (box ${box.width}x${box.height})`);
      expect(countColors(ours)).toBeGreaterThan(1); // the console text is there, not a blank screen
      if (diff.differentPixels > CURSOR_BLINK_MAX_PIXELS || box.width > CURSOR_CELL_MAX.width || box.height > CURSOR_CELL_MAX.height) {
        saveComparison(`client-qemu-${c.vga}-${c.drm ? "drm" : "text"}`, ours, reference);
        throw new Error(`${c.name}: ${diff.differentPixels} pixels differ from spicy-screenshot in a ${box.width}x${box.height} box (max delta ${diff.maxDelta}); see artifacts/`);
      }
    } finally {
      await qemu.stop();
    }
  });
});
