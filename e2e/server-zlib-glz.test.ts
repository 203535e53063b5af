// ZLIB_GLZ_RGB images (type 107, spice-server's --zlib-glz-wan-compression): with `always`, GLZ
// images go out deflated when that makes them smaller. Our Node client and spicy-screenshot
// (spice-gtk) decode them and show the framebuffer exactly, also for later images whose GLZ
// stream refers to earlier ones. With `auto` a fast (loopback) client gets plain GLZ, as with
// `never`.
import type { DecodedImage } from "@saffron/codecs";
import { connectSpice } from "@saffron/client/node";
import { FramebufferSource, SpiceServer, type ZlibGlzWanMode } from "@saffron/server";
import { diffImages, freePort, saveComparison, spicyScreenshot, stopAllPeers, waitFor } from "@saffron/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { surfaceImage } from "./fixtures.js";

const W = 560;
const H = 360;

afterAll(stopAllPeers);

function fbImage(src: FramebufferSource): DecodedImage {
  return { width: src.width, height: src.height, data: new Uint8Array(src.pixels), hasAlpha: false };
}

/** A "terminal": rows of sharp dark glyph-like marks on white, shifted by `seed`. */
function drawText(src: FramebufferSource, seed: number): void {
  const d = src.pixels;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const on = (((x + seed * 3) * 7) ^ ((y + seed) * 13)) % 11 < 3 && y % 14 < 10;
      const i = (y * W + x) * 4;
      d[i] = on ? 0x20 : 0xff;
      d[i + 1] = on ? 0x10 : 0xfa;
      d[i + 2] = on ? 0x10 : 0xf0;
      d[i + 3] = 0xff;
    }
  }
  src.damage();
}

async function serve(mode: ZlibGlzWanMode, f: (server: SpiceServer, port: number, src: FramebufferSource) => Promise<void>): Promise<void> {
  const src = new FramebufferSource({ width: W, height: H });
  drawText(src, 0);
  const server = new SpiceServer({ source: src, disableTicketing: true, imageCompression: "glz", zlibGlzWan: mode, jpegWan: "never", streaming: false, pixmapCache: false });
  const { port } = (await server.listen({ port: await freePort() })) as { port: number };
  try {
    await f(server, port, src);
  } finally {
    await server.close();
  }
}

describe("server --zlib-glz-wan", () => {
  it("always: ZLIB_GLZ images, exact in the Node client (also after more images) and in spicy-screenshot", async () => {
    await serve("always", async (server, port, src) => {
      const session = await connectSpice(`spice://127.0.0.1:${port}`);
      try {
        await session.waitForIdle(200, 10_000);
        for (let seed = 1; seed <= 3; seed++) {
          drawText(src, seed);
          await waitFor(() => diffImages(surfaceImage(session.primary!), fbImage(src)).differentPixels === 0, { timeoutMs: 8000, label: `exact ${seed}` }).catch((e) => {
            saveComparison(`server-zlib-glz-${seed}`, surfaceImage(session.primary!), fbImage(src));
            throw e;
          });
        }
        const st = session.displays[0]!.images.stats;
        const sv = server.stats()[0]!.images;
        console.log(`server-zlib-glz always: client ${JSON.stringify(st)}; server ${JSON.stringify(sv)}`);
        expect(st.ZlibGlzRgb?.count ?? 0).toBeGreaterThanOrEqual(4);
        expect(session.errors).toEqual([]);
      } finally {
        session.close();
      }
      const shot = await spicyScreenshot({ port });
      expect(diffImages(shot, fbImage(src)).differentPixels).toBe(0);
    });
  });

  it("auto on a fast link and never: plain GLZ", async () => {
    for (const mode of ["auto", "never"] as const) {
      await serve(mode, async (_server, port, src) => {
        const session = await connectSpice(`spice://127.0.0.1:${port}`);
        try {
          await session.waitForIdle(300, 10_000);
          drawText(src, 5);
          await waitFor(() => diffImages(surfaceImage(session.primary!), fbImage(src)).differentPixels === 0, { timeoutMs: 8000, label: `exact ${mode}` });
          const st = session.displays[0]!.images.stats;
          expect(st.ZlibGlzRgb).toBeUndefined();
          expect(st.GlzRgb?.count ?? 0).toBeGreaterThanOrEqual(2);
        } finally {
          session.close();
        }
      });
    }
  });
});
