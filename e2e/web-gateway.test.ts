// The web client page (apps/web-client) in real headless Chromium, served by and connecting
// through an in-process Saffron gateway with JWT auth (the gateway holds the SPICE passwords):
// the canvas must equal spicy-screenshot against Xspice and QEMU, typed text must reach an
// xterm, the page must reconnect by itself after a server restart, a refused token must say so
// (with no upstream connection), and a virt-viewer .vv file must connect. Page screenshots
// are saved as artifacts/web-gateway-*.png.
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { DecodedImage } from "@saffron/codecs";
import { Gateway, resolveConfig, signToken } from "@saffron/gateway";
import { FramebufferSource, SpiceServer } from "@saffron/server";
import {
  artifactsDir,
  countColors,
  differenceBox,
  diffImages,
  expectCanvasEquals,
  expectSameImage,
  launchChromium,
  makeTempDir,
  openXterm,
  saveComparison,
  setRootColor,
  showImage,
  spicyScreenshot,
  startQemu,
  startXspice,
  stopAllPeers,
  waitFor,
  waitForStableCanvas,
  type Chromium,
  type XspiceServer,
  openClientPage,
  waitForPageState,
} from "@saffron/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain JS build script, no types
import { buildWebClient } from "../apps/web-client/build.mjs";
import { plasma } from "./fixtures.js";

const SECRET = new TextEncoder().encode("e2e-web-gateway-secret-0123456789abcdef");

let staticDir = "";
let chromium: Chromium | undefined;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  staticDir = ((await buildWebClient()) as { dist: string }).dist;
  chromium = await launchChromium({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await chromium?.close();
  for (const c of cleanups.reverse()) await c();
  await stopAllPeers();
});

type Targets = Record<string, { host: string; port: number; password?: string }>;

/** An in-process gateway with JWT auth that also serves the built page. */
async function startGateway(targets: Targets) {
  const gateway = new Gateway(await resolveConfig({ listen: { port: 0 }, auth: { jwtSecret: new TextDecoder().decode(SECRET) }, targets, static: staticDir, log: "silent" }));
  const { url } = await gateway.listen();
  cleanups.push(() => gateway.close());
  return { gateway, http: url };
}

const token = (targets: string[], ttlMs = 120_000, nowMs?: number) => signToken(SECRET, { targets, ttlMs, nowMs });

async function startServer(source: FramebufferSource, port = 0, password = "web-gw-pw"): Promise<{ server: SpiceServer; port: number }> {
  const server = new SpiceServer({ source, password });
  const bound = (await server.listen({ port })).port!;
  cleanups.push(() => server.close());
  return { server, port: bound };
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** saffron_gateway_connections_total for `target` (0 when the gateway never bridged it). */
async function upstreamConnections(http: string, target: string): Promise<number> {
  const { body } = await httpGet(`${http}/metrics`);
  const m = new RegExp(`^saffron_gateway_connections_total\\{target="${target}"\\} (\\d+)$`, "m").exec(body);
  return m ? Number(m[1]) : 0;
}



async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifactsDir(), `web-gateway-${name}.png`) });
}

function sourceImage(src: FramebufferSource): DecodedImage {
  const data = src.pixels.slice();
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width: src.width, height: src.height, data, hasAlpha: false };
}

function pictureSource(width: number, height: number, seed: number): FramebufferSource {
  const picture = plasma(width, height, seed);
  const source = new FramebufferSource({ width, height });
  source.pixels.set(picture.data);
  return source;
}

/** Polls the canvas until it equals `expected` exactly. */
function expectCanvas(page: Page, expected: DecodedImage, name: string): Promise<void> {
  return expectCanvasEquals(page, expected, { label: name, artifact: `web-gateway-${name}`, timeoutMs: 20_000 });
}

/**
 * QEMU's guest console has a blinking text cursor: between our snapshot and spicy-screenshot's
 * (taken a moment later) the cursor cell may have toggled. That is the ONLY difference we
 * accept: at most 40 pixels, all inside one 16x20 box (one character cell); any other
 * difference fails, as in e2e/client-qemu.test.ts.
 */
const CURSOR_BLINK_MAX_PIXELS = 40;
const CURSOR_CELL_MAX = { width: 16, height: 20 };

function onlyCursorCellDiffers(a: DecodedImage, b: DecodedImage): boolean {
  if (a.width !== b.width || a.height !== b.height) return false;
  const d = diffImages(a, b);
  if (d.differentPixels === 0) return true;
  const box = differenceBox(a, b);
  return d.differentPixels <= CURSOR_BLINK_MAX_PIXELS && box.width <= CURSOR_CELL_MAX.width && box.height <= CURSOR_CELL_MAX.height;
}

/**
 * Waits until the canvas has `width` and stops changing (over 1.2 s; with `cursorBlink`,
 * changes confined to the cursor cell do not count), then returns it.
 */
function stableCanvasAt(page: Page, width: number, options: { cursorBlink?: boolean; timeoutMs?: number } = {}): Promise<DecodedImage> {
  return waitForStableCanvas(page, {
    timeoutMs: options.timeoutMs ?? 40_000,
    ready: (c) => c.width === width,
    same: (a, b) => a.width === b.width && a.height === b.height && (options.cursorBlink ? onlyCursorCellDiffers(a, b) : diffImages(a, b).differentPixels === 0),
    label: `the canvas at width ${width}`,
  });
}

describe("web page through the gateway, to Xspice (password held by the gateway)", () => {
  const password = "web-gw-xspice";
  let xspice: XspiceServer;
  let gw: Awaited<ReturnType<typeof startGateway>>;

  beforeAll(async () => {
    xspice = await startXspice({ password, imageCompression: "auto_glz", resolution: "1024x768" });
    cleanups.push(() => xspice.stop());
    gw = await startGateway({ xspice: { host: "127.0.0.1", port: xspice.port, password } });
  });

  it("the canvas equals spicy-screenshot pixel for pixel (auto_glz, lossless)", async () => {
    await setRootColor(xspice.display, "#2d5a7b");
    await showImage(xspice.display, plasma(320, 200, 11), { x: 620, y: 60 });
    const term = await openXterm(xspice.display, { text: "Saffron page through the gateway\nno password in the browser\n", geometry: "60x10+20+20" });
    const { page, log } = await openClientPage(chromium!.context, gw.http, { target: "xspice", token: await token(["xspice"]), autoconnect: "1", compression: "auto_glz" });
    let ours: DecodedImage;
    try {
      await waitForPageState(page, "connected");
      // Live drawing while connected.
      await showImage(xspice.display, plasma(200, 150, 4), { x: 500, y: 420 });
      ours = await stableCanvasAt(page, 1024);
      expect(ours.height).toBe(768);
      expect(await page.locator("#status").textContent()).toMatch(/^Connected to /);
      await screenshot(page, "xspice");
      expect(log.filter((l) => l.startsWith("pageerror"))).toEqual([]);
    } finally {
      // spice-server serves one client at a time: close ours before spicy-screenshot.
      await page.close();
    }
    await waitFor(() => gw.gateway.connectionCount === 0, { timeoutMs: 10_000, label: "bridges closed" });
    const reference = await spicyScreenshot({ port: xspice.port, password });
    expectSameImage(ours, reference, { label: "Xspice through the gateway", artifact: "web-gateway-xspice", reference: "spicy-screenshot" });
    await term.stop();
  });

  it("text typed in the page reaches an xterm (cat > FILE)", async () => {
    const file = join(makeTempDir("web-typed"), "typed.txt");
    // No window manager: X keyboard focus follows the pointer, so the page's click on the
    // terminal (sent as a mouse motion) gives it the keys.
    await openXterm(xspice.display, { command: `exec cat > ${file}`, geometry: "80x24+0+0" });
    const { page } = await openClientPage(chromium!.context, gw.http, { target: "xspice", token: await token(["xspice"]), autoconnect: "1" });
    try {
      await waitForPageState(page, "connected");
      await stableCanvasAt(page, 1024);
      const box = (await page.locator("#screen canvas.saffron-canvas").boundingBox())!;
      // Desktop pixel (200, 150), well inside the 80x24 terminal at +0+0, in page coordinates.
      await page.mouse.click(box.x + (200 * box.width) / 1024, box.y + (150 * box.height) / 768);
      const typed = "saffron web page via the gateway 0123456789 -=[];',./\n";
      await page.keyboard.type(typed, { delay: 15 });
      await page.keyboard.type("second line\n", { delay: 15 });
      const want = typed + "second line\n";
      await waitFor(
        () => {
          try {
            return readFileSync(file, "utf8") === want;
          } catch {
            return false;
          }
        },
        { timeoutMs: 15_000, label: `typed text in ${file}` },
      ).catch((e: Error) => {
        throw new Error(`${e.message}: got ${JSON.stringify((() => { try { return readFileSync(file, "utf8"); } catch { return null; } })())}`);
      });
      await screenshot(page, "xterm-typed");
    } finally {
      await page.close();
    }
  });
});

describe("web page through the gateway, to QEMU (qxl DRM)", () => {
  it("the canvas equals spicy-screenshot (only the blinking cursor cell may differ)", async () => {
    const password = "web-gw-qemu";
    const qemu = await startQemu({ vga: "qxl", drm: true, password });
    cleanups.push(() => qemu.stop());
    const gw = await startGateway({ vm: { host: "127.0.0.1", port: qemu.port, password } });
    const { page, log } = await openClientPage(chromium!.context, gw.http, { target: "vm", token: await token(["vm"]), autoconnect: "1" });
    let ours: DecodedImage;
    try {
      await waitForPageState(page, "connected");
      ours = await stableCanvasAt(page, 1024, { cursorBlink: true, timeoutMs: 60_000 });
      expect(ours.height).toBe(768);
      expect(countColors(ours)).toBeGreaterThan(1); // the console text is there
      await screenshot(page, "qemu");
      expect(log.filter((l) => l.startsWith("pageerror"))).toEqual([]);
    } finally {
      await page.close();
    }
    await waitFor(() => gw.gateway.connectionCount === 0, { timeoutMs: 10_000, label: "bridges closed" });
    const reference = await spicyScreenshot({ port: qemu.port, password });
    const diff = diffImages(ours, reference);
    const box = differenceBox(ours, reference);
    console.info(`web page vs QEMU: ${diff.differentPixels} pixels differ (box ${box.width}x${box.height})`);
    if (!onlyCursorCellDiffers(ours, reference)) {
      saveComparison("web-gateway-qemu", ours, reference);
      throw new Error(`${diff.differentPixels} pixels differ from spicy-screenshot in a ${box.width}x${box.height} box (max delta ${diff.maxDelta}); see artifacts/`);
    }
    await qemu.stop();
  });
});

describe("web page through the gateway, to our server", () => {
  it("reconnects by itself after the server restarts, and shows the new picture", async () => {
    const first = pictureSource(480, 300, 21);
    let { server, port } = await startServer(first);
    const gw = await startGateway({ desktop: { host: "127.0.0.1", port, password: "web-gw-pw" } });
    const { page } = await openClientPage(chromium!.context, gw.http, { target: "desktop", token: await token(["desktop"]), autoconnect: "1", reconnect: "1" });
    try {
      await waitForPageState(page, "connected");
      await expectCanvas(page, sourceImage(first), "before-restart");

      await server.close();
      await waitForPageState(page, "reconnecting", 10_000);
      expect(await page.locator("#status").textContent()).toMatch(/^Connection lost: .+; retrying in \d+ s$/);
      await screenshot(page, "reconnecting");

      const second = pictureSource(400, 320, 22);
      second.fillRect(40, 40, 120, 80, 0xf4a300);
      ({ server } = await startServer(second, port));
      await waitForPageState(page, "connected", 30_000);
      await expectCanvas(page, sourceImage(second), "after-restart");
      await screenshot(page, "reconnected");
    } finally {
      await page.close();
    }
  });

  it("a bad or expired token: the page says the token was refused; no upstream connection", async () => {
    const { server, port } = await startServer(pictureSource(200, 120, 3));
    const gw = await startGateway({ guarded: { host: "127.0.0.1", port, password: "web-gw-pw" } });
    const wrongKey = await signToken(new TextEncoder().encode("not-the-gateway-secret-0123456789abcdef"), { targets: ["guarded"], ttlMs: 60_000 });
    const expired = await token(["guarded"], 1000, Date.now() - 120_000);
    for (const [name, tok, query, why] of [
      ["expired", expired, { reconnect: "1" }, /it has expired/],
      ["bad-signature", wrongKey, {}, /not signed by this gateway/],
    ] as const) {
      const { page } = await openClientPage(chromium!.context, gw.http, { target: "guarded", token: tok, autoconnect: "1", ...query });
      try {
        await page.waitForFunction(() => document.body.dataset.error === "token-refused", undefined, { timeout: 15_000 });
        const status = await page.locator("#status").textContent();
        expect(status, name).toMatch(/token refused/i);
        expect(status, name).toMatch(why);
        expect(await page.locator("#status").getAttribute("class")).toBe("error");
        // With reconnect on, it gives up: retrying cannot help.
        await new Promise((r) => setTimeout(r, 2500));
        expect(await page.evaluate(() => document.body.dataset.state), name).toBe("disconnected");
        expect(await page.locator("#connect").isVisible()).toBe(true);
        await screenshot(page, `token-${name}`);
      } finally {
        await page.close();
      }
    }
    expect(await upstreamConnections(gw.http, "guarded")).toBe(0);
    expect(server.authFailures).toBe(0);
  });

  it("opens a virt-viewer .vv file (picker and drag-and-drop) and connects to the SPICE port directly", async () => {
    const source = pictureSource(360, 240, 31);
    const { server, port } = await startServer(source, 0, "vv-secret");
    // The gateway only serves the page here: the .vv names the SPICE port itself.
    const gw = await startGateway({ unused: { host: "127.0.0.1", port: 1 } });
    const dir = makeTempDir("web-vv");
    const vv = join(dir, "desktop.vv");
    const text = ["[virt-viewer]", "type=spice", "host=127.0.0.1", `port=${port}`, "password=vv-secret", "title=Saffron test desktop", "delete-this-file=0", ""].join("\n");
    writeFileSync(vv, text);
    const { page, log } = await openClientPage(chromium!.context, gw.http);
    try {
      await page.locator("#vv-file").setInputFiles(vv);
      await waitForPageState(page, "connected");
      await expectCanvas(page, sourceImage(source), "vv");
      expect(await page.locator("#status").textContent()).toMatch(/^Connected to Saffron test desktop/);
      expect(await page.locator("#url").inputValue()).toBe(`ws://127.0.0.1:${port}/`);
      await screenshot(page, "vv");

      await page.locator("#disconnect").click();
      await waitForPageState(page, "disconnected");
      expect(await page.locator("#reconnect").isVisible()).toBe(true);
      source.fillRect(0, 0, 100, 100, 0x3366cc);
      // Dropped on the page: the same file as a drag-and-drop.
      await page.evaluate((content) => {
        const dt = new DataTransfer();
        dt.items.add(new File([content], "dropped.vv", { type: "application/x-virt-viewer" }));
        for (const type of ["dragenter", "dragover", "drop"]) document.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, text);
      await waitForPageState(page, "connected");
      await expectCanvas(page, sourceImage(source), "vv-dropped");
      expect(log.filter((l) => l.startsWith("pageerror"))).toEqual([]);
    } finally {
      await page.close();
    }
    expect(server.authFailures).toBe(0);
  });

  it("control bar: extra keys, Ctrl-Alt-Del and the clipboard panel reach the server as scancodes", async () => {
    const keys: [number, boolean][] = [];
    const source = new FramebufferSource({ width: 320, height: 200, onKey: (sc, down) => keys.push([sc, down]) });
    source.fillRect(0, 0, 320, 200, 0x446688);
    const { port } = await startServer(source);
    const gw = await startGateway({ keys: { host: "127.0.0.1", port, password: "web-gw-pw" } });
    const { page } = await openClientPage(chromium!.context, gw.http, { target: "keys", token: await token(["keys"]), autoconnect: "1" });
    const press = (...scs: number[]) => [...scs.map((s) => [s, true]), ...[...scs].reverse().map((s) => [s, false])];
    try {
      await waitForPageState(page, "connected");
      await expectCanvas(page, sourceImage(source), "keys");
      await page.locator("#cad").click();
      await page.locator("#keys-button").click();
      expect(await page.locator("#keys-button").getAttribute("aria-expanded")).toBe("true");
      await page.locator("#key-ctrl").click(); // latched
      expect(await page.locator("#key-ctrl").getAttribute("aria-pressed")).toBe("true");
      await page.locator("#key-esc").click();
      await page.locator("#key-ctrl").click(); // released
      await page.locator("#key-cad-f2").click();
      await page.locator("#key-printscreen").click();
      await page.locator("#key-f12").click();
      await page.keyboard.press("Escape"); // closes the menu
      expect(await page.locator("#keys-menu").isHidden()).toBe(true);
      await page.locator("#clipboard-button").click();
      await page.locator("#clipboard-text").fill("Hi\n");
      await page.locator("#clipboard-type").click();
      const expected = [
        ...press(0x1d, 0x38, 0xe053), // Ctrl-Alt-Del
        [0x1d, true], ...press(0x01), [0x1d, false], // latched Ctrl + Esc
        ...press(0x1d, 0x38, 0x3c), // Ctrl-Alt-F2
        ...press(0xe037), // PrintScreen
        ...press(0x58), // F12
        ...press(0x2a, 0x23), ...press(0x17), ...press(0x1c), // "H" (Shift+h), "i", Enter
      ];
      await expect.poll(() => keys.length, { timeout: 5000 }).toBeGreaterThanOrEqual(expected.length);
      expect(keys).toEqual(expected);
      await screenshot(page, "controls");

      // Page shortcuts (Ctrl+Alt+Shift+letter): the letter never reaches the server.
      await page.locator("#screen canvas.saffron-canvas").click();
      const before = keys.length;
      await page.keyboard.press("Control+Alt+Shift+KeyS");
      await expect.poll(() => page.locator("#settings-panel").isVisible()).toBe(true);
      expect(await page.locator("#settings-button").getAttribute("aria-expanded")).toBe("true");
      await new Promise((r) => setTimeout(r, 300));
      expect(keys.slice(before).some(([sc]) => sc === 0x1f), "the S key went to the server").toBe(false);
    } finally {
      await page.close();
    }
  });
});
