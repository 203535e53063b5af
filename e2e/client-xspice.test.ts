// The Node client against a real Xspice: for every image compression mode the server has,
// the client stays connected while the desktop changes (windows open, a terminal scrolls,
// so live draws, GLZ and the caches are exercised) and its final surface must equal
// spicy-screenshot's pixel for pixel.
import { connectSpice } from "@saffron/client/node";
import { display as dsp } from "@saffron/protocol";
import {
  expectSameImage,
  openXterm,
  setRootColor,
  showImage,
  spicyScreenshot,
  startXspice,
  stopAllPeers,
  xdotool,
  type XspiceImageCompression,
} from "@saffron/testkit";
import { afterAll, describe, expect, it } from "vitest";
import type { DecodedImage } from "@saffron/codecs";
import { plasma, surfaceImage } from "./fixtures.js";

afterAll(stopAllPeers);

interface Mode {
  name: string;
  server: XspiceImageCompression;
  preferred?: number;
}

const MODES: Mode[] = [
  { name: "off", server: "off" },
  { name: "quic", server: "quic" },
  { name: "lz", server: "lz" },
  { name: "glz", server: "glz" },
  { name: "auto_lz", server: "auto_lz" },
  { name: "auto_glz", server: "auto_glz" },
  { name: "lz4 (client preference)", server: "auto_glz", preferred: dsp.ImageCompression.Lz4 },
];

/**
 * spice-server serves one client at a time (a new client disconnects the old one), so we
 * take our picture first, close, and then ask spicy-screenshot for its own.
 */
async function expectSameAsSpicy(port: number, password: string, ours: DecodedImage, name: string) {
  const reference = await spicyScreenshot({ port, password });
  expectSameImage(ours, reference, { label: name, artifact: `client-xspice-${name}`, reference: "spicy-screenshot" });
}

describe.each(MODES)("client vs Xspice, image compression $name", (mode) => {
  it("renders the changing desktop exactly as spicy-screenshot", async () => {
    const password = "pw-" + mode.server;
    const xspice = await startXspice({ password, imageCompression: mode.server, resolution: "1024x768" });
    try {
      await setRootColor(xspice.display, "#336699");
      await showImage(xspice.display, plasma(320, 200), { x: 600, y: 40 });
      await openXterm(xspice.display, { text: "Saffron test terminal\nline two\n", geometry: "60x10+10+10" });

      const session = await connectSpice(`spice://127.0.0.1:${xspice.port}`, { password, preferredCompression: mode.preferred });
      try {
        await session.waitForIdle(300, 20_000);
        expect(session.primary?.width).toBe(1024);

        // Live changes while connected: a scrolling terminal, a second picture, a window move.
        const scroller = await openXterm(xspice.display, { command: "seq 1 1500; exec sleep 100000", geometry: "50x20+100+300" });
        await showImage(xspice.display, plasma(200, 150, 7), { x: 500, y: 420 });
        await xdotool(xspice.display, "windowmove", scroller.windowId, "200", "320");
        await session.waitForIdle(700, 30_000);

        expect(session.errors).toEqual([]);
        const ours = surfaceImage({ ...session.primary!, data: session.primary!.data.slice() });
        const d = session.displays[0]!;
        expect(Object.keys(d.images.stats).length).toBeGreaterThan(0);
        if (mode.preferred === dsp.ImageCompression.Lz4) expect(d.images.stats.Lz4?.count ?? 0).toBeGreaterThan(0);
        if (mode.server === "glz") expect(d.images.stats.GlzRgb?.count ?? 0).toBeGreaterThan(0);
        if (mode.server === "quic") expect(d.images.stats.Quic?.count ?? 0).toBeGreaterThan(0);
        session.close();
        await expectSameAsSpicy(xspice.port, password, ours, mode.name.replace(/\W+/g, "-"));
      } finally {
        session.close();
      }
    } finally {
      await xspice.stop();
    }
  });
});
