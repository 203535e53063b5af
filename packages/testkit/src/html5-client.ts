import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import type { DecodedImage } from "@saffron/codecs";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./chromium.js";
import { TestkitError } from "./errors.js";
import { canConnect, freePort } from "./free-port.js";
import { makeTempDir, removeTempDir, spawnTracked, type TrackedProcess } from "./processes.js";
import { decodePng } from "./png.js";
import { sleep, waitFor } from "./with-timeout.js";

export interface Html5ScreenshotOptions {
  host?: string;
  port: number;
  password?: string;
  /**
   * Connect through `websockify` (Debian package) instead of straight to the SPICE port
   * (spice-server and Saffron both accept a WebSocket upgrade on the plain port).
   */
  websockify?: boolean;
  /** The spice-html5 files (default /usr/share/spice-html5). */
  webRoot?: string;
  /** Polled with the canvas pixels (about every 250 ms) until true; default: the first read after `settleMs`. */
  until?: (canvas: DecodedImage) => boolean;
  /** Wait after the canvas appears (default 1000 ms). */
  settleMs?: number;
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /**
   * Reloads the page (a new connection, new RSA keys) after "Permission denied" up to this
   * many times (default 2). spice-html5 0.3.0 left-aligns an RSA ciphertext that happens to
   * be shorter than 128 bytes (a leading zero byte, ~1/128-1/256 per channel link) and pads
   * it with a zero, so about one session in 40-60 is refused with the right password, by
   * spice-server as well. Set 0 when testing a wrong password.
   */
  authRetries?: number;
}

export interface Html5Shot {
  /** The pixels of canvas#spice_surface_0 (BGRA, read with toDataURL('image/png'): lossless). */
  image: DecodedImage;
  /** Browser console lines ("type: text") and page errors. */
  console: string[];
  /** Page reloads after "Permission denied" (see `authRetries`). */
  authRetries: number;
}

const MIME: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".png": "image/png" };

function serveStatic(root: string): Promise<Server> {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const path = normalize(join(base, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)));
    if (!path.startsWith(base)) return void res.writeHead(403).end();
    readFile(path).then(
      (data) => res.writeHead(200, { "content-type": MIME[extname(path)] ?? "application/octet-stream" }).end(data),
      () => res.writeHead(404).end(),
    );
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}


/**
 * Renders a SPICE server in the real spice-html5 client (Debian's /usr/share/spice-html5)
 * in headless Chromium (/usr/bin/chromium driven by playwright-core, which downloads
 * nothing), and returns the primary canvas's pixels. Everything started is stopped
 * before this resolves.
 */
export async function html5Screenshot(options: Html5ScreenshotOptions): Promise<Html5Shot> {
  // playwright-core is a dev dependency of the testkit only: load it on demand.
  const { chromium } = await import("playwright-core");
  const log: string[] = [];
  const web = await serveStatic(options.webRoot ?? "/usr/share/spice-html5");
  const profile = makeTempDir("chromium");
  let ws: TrackedProcess | undefined;
  let browser: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
  try {
    const host = options.host ?? "127.0.0.1";
    let wsPort = options.port;
    if (options.websockify) {
      wsPort = await freePort();
      ws = spawnTracked("websockify", [`127.0.0.1:${wsPort}`, `${host}:${options.port}`]);
      await waitFor(() => canConnect(wsPort), { timeoutMs: 10_000, label: "websockify listening" });
    }
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      viewport: { width: 1600, height: 1200 },
      args: ["--headless", ...CHROMIUM_ARGS],
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.on("console", (m) => log.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => log.push(`pageerror: ${String(e)}`));
    page.on("dialog", (d) => void d.dismiss().catch(() => {}));
    const webPort = (web.address() as { port: number }).port;
    let url = `http://127.0.0.1:${webPort}/spice_auto.html?host=${encodeURIComponent(options.websockify ? "127.0.0.1" : host)}&port=${wsPort}`;
    if (options.password !== undefined) url += `&password=${encodeURIComponent(options.password)}`;
    await page.goto(url, { waitUntil: "commit" });
    const timeoutMs = options.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    const canvas = page.locator("#spice_surface_0");
    let authRetries = 0;
    for (;;) {
      if ((await canvas.count()) > 0) break;
      if (log.some((l) => l.includes("Permission denied"))) {
        if (authRetries >= (options.authRetries ?? 2)) {
          throw new TestkitError("ERR_PEER_EXIT", "spice-html5: Permission denied", { details: log.slice(-20).join("\n") });
        }
        authRetries++;
        for (let i = 0; i < log.length; i++) log[i] = log[i]!.replace("Permission denied", "Permission-denied (retried)");
        log.push(`testkit: reloading after a refused ticket (${authRetries})`);
        await page.goto(url, { waitUntil: "commit" });
        continue;
      }
      if (Date.now() > deadline) {
        throw new TestkitError("ERR_PEER_TIMEOUT", "spice-html5: no canvas#spice_surface_0", { details: log.slice(-20).join("\n") });
      }
      await sleep(100);
    }
    await sleep(options.settleMs ?? 1000);
    for (;;) {
      const dataUrl = (await canvas.evaluate((c: any) => c.toDataURL("image/png"))) as string;
      const image = decodePng(Buffer.from(dataUrl.slice(dataUrl.indexOf(",") + 1), "base64"));
      if (!options.until || options.until(image)) return { image, console: log, authRetries };
      if (Date.now() > deadline) {
        throw Object.assign(
          new TestkitError("ERR_PEER_TIMEOUT", `spice-html5: expected picture not seen within ${timeoutMs} ms`, { details: log.slice(-20).join("\n") }),
          { lastShot: image },
        );
      }
      await sleep(250);
    }
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (ws) await ws.stop(1000);
    await new Promise<void>((ok) => web.close(() => ok()));
    removeTempDir(profile);
  }
}
