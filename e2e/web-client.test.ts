// The browser client (apps/web-client, built with esbuild) in real headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core, which downloads nothing): the page
// connects straight to the SPICE port's WebSocket, and its canvas must hold exactly the
// desktop's pixels, against our own server and against Xspice (compared with spicy-screenshot).
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { DecodedImage } from "@saffron/codecs";
import { FramebufferSource, SpiceServer } from "@saffron/server";
import {
  artifactsDir,
  expectCanvasEquals,
  expectSameImage,
  openXterm,
  setRootColor,
  showImage,
  spicyScreenshot,
  startXspice,
  stopAllPeers,
  waitForStableCanvas,
  type XspiceImageCompression,
  openClientPage,
  startByteRelay,
  waitForPageState,
} from "@saffron/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plasma } from "./fixtures.js";
import { startWebClientBrowser, type WebClientBrowser } from "./web-fixtures.js";

let browser: WebClientBrowser | undefined;
const servers: SpiceServer[] = [];

beforeAll(async () => {
  browser = await startWebClientBrowser({ viewport: { width: 1280, height: 860 } });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
  await stopAllPeers();
});

async function startServer(source: FramebufferSource, auth: { password?: string } = {}): Promise<number> {
  const server = new SpiceServer({ source, ...(auth.password ? { password: auth.password } : { disableTicketing: true }) });
  servers.push(server);
  const { port } = await server.listen({ port: 0 });
  return port!;
}

/** A framebuffer showing the plasma test picture. */
function plasmaSource(width: number, height: number, seed: number): FramebufferSource {
  const source = new FramebufferSource({ width, height });
  source.putRgba(0, 0, width, height, bgraToRgba(plasma(width, height, seed).data));
  return source;
}

/** The source's framebuffer as BGRA with opaque alpha. */
function sourceImage(src: FramebufferSource): DecodedImage {
  const data = src.pixels.slice();
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width: src.width, height: src.height, data, hasAlpha: false };
}

/** Polls the canvas until it equals `expected` exactly. */
function expectCanvas(page: Page, expected: DecodedImage, name: string): Promise<void> {
  return expectCanvasEquals(page, expected, { label: name, artifact: `web-client-${name}`, timeoutMs: 15_000 });
}

describe("web client against the Saffron server", () => {
  it("shows the served picture exactly, follows changes, and saves a screenshot", async () => {
    const source = plasmaSource(640, 400, 3);
    const port = await startServer(source);
    const { page, log } = await openClientPage(browser!.context, browser!.origin, { url: `ws://127.0.0.1:${port}/`, autoconnect: "1" });
    try {
      await waitForPageState(page, "connected");
      await expectCanvas(page, sourceImage(source), "picture");
      expect(await page.locator("#status").textContent()).toContain("Connected");

      source.fillRect(100, 80, 200, 120, 0xf4a300);
      source.fillRect(0, 390, 640, 10, 0x102030);
      await expectCanvas(page, sourceImage(source), "changed");

      const stats = await page.evaluate(
        () =>
          new Promise<{ fps: number; totalBytes: number; connection?: Record<string, number> }>((ok) =>
            (window as unknown as { saffronConsole: EventTarget }).saffronConsole.addEventListener("stats", (e) => ok((e as CustomEvent).detail), { once: true }),
          ),
      );
      expect(stats.totalBytes).toBeGreaterThan(10_000);
      // The session's start, stage by stage, in order (the page started it from its head).
      const c = stats.connection ?? {};
      expect(Object.keys(c).sort()).toEqual(["displayMs", "firstFrameMs", "mainMs", "paintedMs"]);
      expect(c.mainMs).toBeGreaterThan(0);
      expect(c.displayMs).toBeGreaterThanOrEqual(c.mainMs!);
      expect(c.firstFrameMs).toBeGreaterThanOrEqual(c.displayMs!);
      expect(c.paintedMs).toBeGreaterThanOrEqual(c.firstFrameMs!);
      expect(c.paintedMs).toBeLessThan(15_000);
      await page.screenshot({ path: join(artifactsDir(), "web-client.png") });
      expect(log.filter((l) => l.startsWith("pageerror"))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("runs the session on the page when asked (?worker=0), its code loaded on demand", async () => {
    const source = plasmaSource(320, 200, 5);
    const port = await startServer(source);
    const { page, log } = await openClientPage(browser!.context, browser!.origin, { url: `ws://127.0.0.1:${port}/`, autoconnect: "1", worker: "0" });
    try {
      await waitForPageState(page, "connected");
      await expectCanvas(page, sourceImage(source), "page-session");
      expect(await page.evaluate(() => (window as unknown as { saffronConsole: { placement: string } }).saffronConsole.placement)).toBe("page");
      source.fillRect(10, 10, 50, 50, 0xf4a300);
      await expectCanvas(page, sourceImage(source), "page-session-changed");
      // The in-page session code is a chunk of its own, fetched only for this placement.
      const scripts = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname));
      expect(scripts.some((s) => /\/chunks\/session-core-[^/]+\.js$/.test(s))).toBe(true);
      expect(log.filter((l) => l.startsWith("pageerror"))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("starts the session from the page's head with ?autoconnect=1, and the console takes it over", async () => {
    const source = plasmaSource(320, 200, 9);
    const port = await startServer(source);
    const server = servers.at(-1)!;
    const relay = await startByteRelay({ targetPort: port });
    const liveSessions = () => server.stats().filter((s) => s.channels.some((c) => !c.closed));
    const until = async (what: string, ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
      if (!ok()) throw new Error(`timed out waiting until ${what}`);
    };
    try {
      const url = `ws://127.0.0.1:${relay.port}/`;
      // Without main.js no console ever starts: boot.js's worker opens the session's sockets
      // (main, display, inputs, cursor, playback) and links the session on its own.
      const bare = await browser!.context.newPage();
      await bare.route(/\/main\.js$/, (r) => r.abort());
      await bare.goto(`${browser!.origin}/?${new URLSearchParams({ url, autoconnect: "1" })}`);
      await until("5 sockets are open", () => relay.connections >= 5);
      await until("the worker linked a session", () => liveSessions().length === 1);
      expect(relay.connections).toBe(5);
      await bare.close();
      await until("the closed page's session is gone", () => liveSessions().length === 0);

      // With the console: it takes that session (and what it drew) over instead of starting its own.
      const before = relay.connections;
      const { page, log } = await openClientPage(browser!.context, browser!.origin, { url, autoconnect: "1" });
      try {
        await waitForPageState(page, "connected");
        await expectCanvas(page, sourceImage(source), "preconnected");
        expect(relay.connections - before).toBe(5);
        expect(liveSessions()).toHaveLength(1);
        // It is the console's session from then on: it follows changes.
        source.fillRect(10, 10, 50, 40, 0x3366cc);
        await expectCanvas(page, sourceImage(source), "preconnected-update");
        expect(log.filter((l) => l.startsWith("pageerror"))).toEqual([]);
      } finally {
        await page.close();
      }
    } finally {
      await relay.stop();
    }
  });

  it("sends typed keys as scancodes", async () => {
    const keys: [number, boolean][] = [];
    const source = new FramebufferSource({ width: 320, height: 200, onKey: (sc, down) => keys.push([sc, down]) });
    source.fillRect(0, 0, 320, 200, 0x336699);
    const port = await startServer(source);
    const { page } = await openClientPage(browser!.context, browser!.origin, { url: `ws://127.0.0.1:${port}/`, autoconnect: "1" });
    try {
      await waitForPageState(page, "connected");
      await expectCanvas(page, sourceImage(source), "keyboard");
      await page.locator("#screen canvas.saffron-canvas").click();
      await page.keyboard.type("hello");
      await page.keyboard.press("Enter");
      await page.keyboard.press("ArrowLeft");
      const expected: [number, boolean][] = [];
      for (const sc of [0x23, 0x12, 0x26, 0x26, 0x18, 0x1c, 0xe04b]) expected.push([sc, true], [sc, false]);
      await expect.poll(() => keys.length, { timeout: 5000 }).toBeGreaterThanOrEqual(expected.length);
      expect(keys).toEqual(expected);
    } finally {
      await page.close();
    }
  });

  it("reports the server going away in the status line", async () => {
    const source = new FramebufferSource({ width: 160, height: 120 });
    source.fillRect(0, 0, 160, 120, 0x884422);
    const port = await startServer(source);
    const { page } = await openClientPage(browser!.context, browser!.origin, { url: `ws://127.0.0.1:${port}/`, autoconnect: "1" });
    try {
      await waitForPageState(page, "connected");
      await servers.pop()!.close();
      await waitForPageState(page, "disconnected");
      expect(await page.locator("#status").textContent()).toMatch(/^Disconnected: .+/);
      expect(await page.locator("#connect").isVisible()).toBe(true);
    } finally {
      await page.close();
    }
  });

  it("reports a wrong password and connects with the right one", async () => {
    const source = new FramebufferSource({ width: 200, height: 100 });
    source.fillRect(0, 0, 200, 100, 0x00aa55);
    const port = await startServer(source, { password: "right-one" });
    // The session starts from the page's <head> and the refusal can come before page.goto returns:
    // the listener goes on each console as the page publishes it, before any of the page's scripts run.
    const { page } = await openClientPage(browser!.context, browser!.origin, { url: `ws://127.0.0.1:${port}/`, password: "wrong", autoconnect: "1" }, () => {
      const w = window as unknown as { saffronConsole?: EventTarget; credentialReasons: string[] };
      w.credentialReasons = [];
      let current: EventTarget | undefined;
      Object.defineProperty(w, "saffronConsole", {
        get: () => current,
        set: (c: EventTarget) => {
          current = c;
          c.addEventListener("credentialsrequired", (e) => w.credentialReasons.push((e as CustomEvent).detail.reason));
        },
      });
    });
    try {
      await waitForPageState(page, "credentials");
      expect(await page.evaluate(() => (window as unknown as { credentialReasons: string[] }).credentialReasons)).toEqual(["rejected"]);
      expect(await page.locator("#status").textContent()).toMatch(/wrong password/i);
      expect(await page.evaluate(() => document.body.dataset.error)).toBe("wrong-password");
      expect(await page.locator("#status").getAttribute("class")).toBe("error");

      await page.locator("#password").fill("right-one");
      await page.locator("#connect-button").click();
      await waitForPageState(page, "connected");
      await expectCanvas(page, sourceImage(source), "password");
    } finally {
      await page.close();
    }
  });
});

interface XspiceMode {
  name: string;
  server: XspiceImageCompression;
  compression?: string;
  /** spice-server's --zlib-glz-wan-compression. */
  zlibGlzWan?: "always";
  /** An image statistic of the display channel that must be non-zero. */
  expectStat: string;
}

const XSPICE_MODES: XspiceMode[] = [
  { name: "auto_glz", server: "auto_glz", expectStat: "GlzRgb" },
  { name: "lz4 preferred", server: "auto_glz", compression: "lz4", expectStat: "Lz4" },
  // GLZ deflated: the web client's inflate (fflate, evaluated on first use in its bundles).
  { name: "zlib_glz", server: "auto_glz", zlibGlzWan: "always", expectStat: "ZlibGlzRgb" },
];

describe.each(XSPICE_MODES)("web client against Xspice ($name)", (mode) => {
  it("renders the desktop exactly as spicy-screenshot", async () => {
    const password = "web-" + mode.name.replace(/\W+/g, "-");
    const xspice = await startXspice({ password, imageCompression: mode.server, zlibGlzWan: mode.zlibGlzWan, resolution: "1024x768" });
    try {
      await setRootColor(xspice.display, "#336699");
      await showImage(xspice.display, plasma(320, 200), { x: 600, y: 40 });
      await openXterm(xspice.display, { text: "Saffron web client\nline two\n", geometry: "60x10+10+10" });

      const query: Record<string, string> = { url: `ws://127.0.0.1:${xspice.port}/`, password, autoconnect: "1" };
      if (mode.compression) query.compression = mode.compression;
      const { page, log } = await openClientPage(browser!.context, browser!.origin, query);
      let ours: DecodedImage;
      try {
        await waitForPageState(page, "connected");
        // Live drawing while connected: a scrolling terminal and a second picture.
        await openXterm(xspice.display, { command: "seq 1 400; exec sleep 100000", geometry: "50x20+100+300" });
        await showImage(xspice.display, plasma(200, 150, 7), { x: 500, y: 420 });
        ours = await waitForStableCanvas(page, { timeoutMs: 40_000 });
        expect(ours.width).toBe(1024);
        const stats = await page.evaluate(() => {
          const c = (window as unknown as { saffronConsole: { spiceSession?: { displays: { images: { stats: Record<string, { count: number }> } }[] } } }).saffronConsole;
          const s = c.spiceSession?.displays[0]?.images.stats ?? {};
          return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.count]));
        });
        expect(stats[mode.expectStat] ?? 0, `image statistics ${JSON.stringify(stats)}`).toBeGreaterThan(0);
        expect(log.filter((l) => l.startsWith("pageerror"))).toEqual([]);
      } finally {
        // spice-server serves one client at a time: close ours before spicy-screenshot.
        await page.close();
      }
      const reference = await spicyScreenshot({ port: xspice.port, password });
      expectSameImage(ours, reference, { label: `Xspice ${mode.name}`, artifact: `web-client-xspice-${mode.name.replace(/\W+/g, "-")}`, reference: "spicy-screenshot" });
    } finally {
      await xspice.stop();
    }
  });
});

function bgraToRgba(bgra: Uint8Array): Uint8Array {
  const out = bgra.slice();
  for (let i = 0; i < out.length; i += 4) {
    out[i] = bgra[i + 2]!;
    out[i + 2] = bgra[i]!;
  }
  return out;
}
