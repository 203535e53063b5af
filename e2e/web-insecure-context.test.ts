// The web client page from a page that is NOT a secure context: served over plain http and
// opened at a non-loopback host name (Chromium maps saffron.test to 127.0.0.1), so the page and
// its session worker have no crypto.subtle. The SPICE ticket is then encrypted by
// @saffron/protocol's own RSA-OAEP-SHA1; Xspice (spice-server) and the Saffron server must
// accept it (and refuse a wrong password), and the canvas must show the desktop exactly.
import type { Page } from "playwright-core";
import type { DecodedImage } from "@saffron/codecs";
import { FramebufferSource, SpiceServer } from "@saffron/server";
import {
  expectCanvasEquals,
  expectSameImage,
  launchChromium,
  serveDirectory,
  setRootColor,
  showImage,
  spicyScreenshot,
  startXspice,
  stopAllPeers,
  waitForStableCanvas,
  type Chromium,
  type DirectoryServer,
  openClientPage,
  waitForPageState,
} from "@saffron/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain JS build script, no types
import { buildWebClient } from "../apps/web-client/build.mjs";
import { plasma } from "./fixtures.js";

const HOST = "saffron.test";

let web: DirectoryServer | undefined;
let chromium: Chromium | undefined;
let origin = "";
const servers: SpiceServer[] = [];

beforeAll(async () => {
  const { dist } = (await buildWebClient()) as { dist: string };
  web = await serveDirectory(dist);
  origin = web.origin.replace("127.0.0.1", HOST);
  chromium = await launchChromium({ viewport: { width: 1280, height: 900 } }, [`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
});

afterAll(async () => {
  await chromium?.close();
  await web?.close();
  await Promise.all(servers.map((s) => s.close()));
  await stopAllPeers();
});



/** What the page and a worker it starts see of the secure-context APIs. */
async function contextFacts(page: Page) {
  return page.evaluate(async () => {
    const src = "postMessage({ secure: self.isSecureContext, subtle: typeof crypto.subtle, random: typeof crypto.getRandomValues })";
    const worker = new Worker(URL.createObjectURL(new Blob([src], { type: "text/javascript" })));
    const inWorker = await new Promise<unknown>((ok) => (worker.onmessage = (e) => ok(e.data)));
    worker.terminate();
    return {
      host: location.hostname,
      page: { secure: isSecureContext, subtle: typeof crypto.subtle, random: typeof crypto.getRandomValues },
      worker: inWorker,
    };
  });
}

const INSECURE = { secure: false, subtle: "undefined", random: "function" };

describe("web client on a page that is not a secure context (no WebCrypto)", () => {
  it("connects to Xspice with a password and shows the desktop exactly", async () => {
    const password = "insecure-page-pw";
    const xspice = await startXspice({ password, resolution: "1024x768" });
    try {
      await setRootColor(xspice.display, "#336699");
      await showImage(xspice.display, plasma(320, 200, 5), { x: 500, y: 300 });
      const { page, log } = await openClientPage(chromium!.context, origin, { url: `ws://${HOST}:${xspice.port}/`, password, autoconnect: "1" });
      let ours: DecodedImage;
      try {
        expect(await contextFacts(page)).toEqual({ host: HOST, page: INSECURE, worker: INSECURE });
        await waitForPageState(page, "connected");
        ours = await waitForStableCanvas(page, { timeoutMs: 40_000, ready: (c) => c.width === 1024 && c.height === 768 });
        expect(log.filter((l) => l.startsWith("pageerror"))).toEqual([]);
      } finally {
        // spice-server serves one client at a time: close ours before spicy-screenshot.
        await page.close();
      }
      const reference = await spicyScreenshot({ port: xspice.port, password });
      expectSameImage(ours, reference, { label: "Xspice from an insecure page", artifact: "web-insecure-xspice", reference: "spicy-screenshot" });
    } finally {
      await xspice.stop();
    }
  });

  it("against the Saffron server: a wrong password is refused, the right one connects", async () => {
    const source = new FramebufferSource({ width: 320, height: 200 });
    source.fillRect(0, 0, 320, 200, 0x2266aa);
    source.fillRect(40, 30, 100, 60, 0xf4a300);
    const server = new SpiceServer({ source, password: "right-one" });
    servers.push(server);
    const { port } = await server.listen({ port: 0 });
    const { page } = await openClientPage(chromium!.context, origin, { url: `ws://${HOST}:${port}/`, password: "wrong", autoconnect: "1" });
    try {
      expect((await contextFacts(page)).page).toEqual(INSECURE);
      await waitForPageState(page, "credentials");
      expect(await page.locator("#status").textContent()).toMatch(/wrong password/i);
      await page.locator("#password").fill("right-one");
      await page.locator("#connect-button").click();
      await waitForPageState(page, "connected");
      const data = source.pixels.slice();
      for (let i = 3; i < data.length; i += 4) data[i] = 255;
      await expectCanvasEquals(page, { width: 320, height: 200, data, hasAlpha: false }, { label: "Saffron server from an insecure page", artifact: "web-insecure-saffron" });
    } finally {
      await page.close();
    }
  });
});
