// Smoke test of the real-peer harness: Xspice and QEMU come up, spicy-screenshot sees them.
import {
  countColors,
  countPixelsNear,
  diffImages,
  saveArtifact,
  saveComparison,
  setRootColor,
  solidImage,
  spicyScreenshot,
  startQemu,
  startXspice,
  stopAllPeers,
  TestkitError,
  waitFor,
  type XspiceServer,
} from "@saffron/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

afterAll(stopAllPeers);

describe("Xspice (password, image compression off)", () => {
  const password = "s3cret-pw";
  const root = "#3366cc";
  let xspice: XspiceServer;

  beforeAll(async () => {
    xspice = await startXspice({ password, imageCompression: "off" });
    await setRootColor(xspice.display, root);
  });
  afterAll(() => xspice?.stop());

  it("spicy-screenshot shows the solid root colour", async () => {
    // The root repaint reaches the SPICE worker asynchronously; retry briefly.
    const shot = await waitFor(
      async () => {
        const img = await spicyScreenshot({ port: xspice.port, password });
        return countPixelsNear(img, root) === img.width * img.height ? img : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 250, label: "solid root colour" },
    ).catch(async (err: unknown) => {
      const img = await spicyScreenshot({ port: xspice.port, password });
      saveComparison("peers-xspice-root", img, solidImage(img.width, img.height, root));
      throw err;
    });
    expect([shot.width, shot.height]).toEqual([1024, 768]);
    const diff = diffImages(shot, solidImage(shot.width, shot.height, root));
    expect(diff).toEqual({ differentPixels: 0, maxDelta: 0, psnr: Infinity });
  });

  it("spicy-screenshot fails with a wrong password", async () => {
    const err = await spicyScreenshot({ port: xspice.port, password: "wrong", timeoutMs: 15_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TestkitError);
    expect((err as TestkitError).code).toBe("ERR_PEER_EXIT");
    // spice-gtk's channel event 23 = SPICE_CHANNEL_ERROR_AUTH.
    expect((err as TestkitError).details).toMatch(/main channel event: 23/);
  });
});

describe("QEMU (qxl, VGA text console)", () => {
  it("spicy-screenshot shows non-uniform guest content", async () => {
    const qemu = await startQemu({ vga: "qxl" });
    try {
      const shot = await spicyScreenshot({ port: qemu.port });
      if (countColors(shot) < 2) saveArtifact("peers-qemu-qxl", shot);
      expect(shot.width).toBeGreaterThan(0);
      expect(countColors(shot)).toBeGreaterThanOrEqual(2);
    } finally {
      await qemu.stop();
    }
  });
});
