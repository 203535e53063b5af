// The browser console's guest-agent features in real headless Chromium (Debian's chromium via
// playwright-core) against Xspice with the real spice-vdagent: the guest desktop follows the
// window size (also at devicePixelRatio 2), the clipboard goes both ways between
// navigator.clipboard and X programs, and a file dropped on the desktop is uploaded with
// progress into the agent's save directory.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import {
  collectPageLog,
  execOnDisplay,
  spawnTracked,
  startXspiceWithAgent,
  stopAllPeers,
  waitFor,
  type TrackedProcess,
  type XspiceWithAgent,
} from "@saffron/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebClientBrowser, type WebClientBrowser } from "./web-fixtures.js";

let browser: WebClientBrowser | undefined;
let xs: XspiceWithAgent;
let page: Page;
const pageLog: string[] = [];

beforeAll(async () => {
  xs = await startXspiceWithAgent({ resolution: "1024x768" });
  browser = await startWebClientBrowser({ viewport: { width: 1000, height: 700 }, permissions: ["clipboard-read", "clipboard-write"] });
  const { origin, context } = browser;
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  page = await context.newPage();
  collectPageLog(page, pageLog);
  await page.goto(`${origin}/?${new URLSearchParams({ url: `ws://127.0.0.1:${xs.port}/`, autoconnect: "1", resize: "remote" })}`);
  await page.waitForFunction(() => document.body.dataset.state === "connected", undefined, { timeout: 20_000 });
  await page.evaluate(() => {
    const w = window as unknown as { saffronConsole: EventTarget & { agentState: { connected: boolean } }; clips: string[]; transfers: unknown[]; agentUp: boolean };
    w.clips = [];
    w.transfers = [];
    w.saffronConsole.addEventListener("clipboard", (e) => w.clips.push((e as CustomEvent<{ text?: string }>).detail.text ?? "<image>"));
    w.saffronConsole.addEventListener("filetransfer", (e) => w.transfers.push((e as CustomEvent).detail));
  });
  await page.waitForFunction(() => (window as unknown as { saffronConsole: { agentState: { connected: boolean } } }).saffronConsole.agentState.connected, undefined, { timeout: 15_000 });
});

afterAll(async () => {
  await browser?.close();
  await xs?.stop();
  await stopAllPeers();
});

/** The remote size the page should ask for: the container in device pixels, even. */
async function expectedSize(): Promise<{ width: number; height: number }> {
  return page.evaluate(() => {
    const c = document.getElementById("screen")!;
    const even = (v: number) => Math.floor((v * devicePixelRatio) / 2) * 2;
    return { width: even(c.clientWidth), height: even(c.clientHeight) };
  });
}

async function desktopSize(): Promise<{ width: number; height: number }> {
  return page.evaluate(() => {
    const c = (window as unknown as { saffronConsole: { width: number; height: number } }).saffronConsole;
    return { width: c.width, height: c.height };
  });
}

async function followsWindow(label: string): Promise<{ width: number; height: number }> {
  let want = await expectedSize();
  await waitFor(
    async () => {
      want = await expectedSize();
      const got = await desktopSize();
      return got.width === want.width && got.height === want.height ? true : undefined;
    },
    { label: `${label}: desktop ${JSON.stringify(want)}`, timeoutMs: 20_000 },
  ).catch(async (e) => {
    throw new Error(`${(e as Error).message}; desktop is ${JSON.stringify(await desktopSize())}; page log: ${pageLog.join(" | ")}`);
  });
  const xrandr = (await execOnDisplay(xs.display, "xrandr", [])).stdout;
  expect(xrandr).toContain(`current ${want.width} x ${want.height}`);
  return want;
}

function xclipIn(text: string): TrackedProcess {
  const p = spawnTracked("xclip", ["-selection", "clipboard", "-quiet"], { env: { ...process.env, DISPLAY: xs.display }, stdio: ["pipe", "ignore", "ignore"] });
  p.child.stdin!.end(text);
  return p;
}

async function xclipOut(): Promise<string | undefined> {
  const r = await execOnDisplay(xs.display, "xclip", ["-o", "-selection", "clipboard"], 5000).catch(() => undefined);
  return r?.stdout;
}

describe("web console with spice-vdagent in Xspice", () => {
  it("resizes the guest desktop to the window, in device pixels", async () => {
    const first = await followsWindow("initial window");
    expect(first.width).not.toBe(1024);
    await page.setViewportSize({ width: 1200, height: 820 });
    const bigger = await followsWindow("1200x820 window");
    expect(bigger.width).toBeGreaterThan(first.width);
    // HiDPI: same CSS size, twice the device pixels.
    const cdp = await browser!.context.newCDPSession(page);
    await cdp.send("Emulation.setDeviceMetricsOverride", { width: 800, height: 600, deviceScaleFactor: 2, mobile: false });
    try {
      const hidpi = await followsWindow("800x600 CSS window at devicePixelRatio 2");
      const css = await page.evaluate(() => document.getElementById("screen")!.clientWidth);
      expect(hidpi.width).toBe(Math.floor((css * 2) / 2) * 2);
      // The canvas keeps the container's CSS size: one desktop pixel per device pixel.
      const cssWidth = await page.evaluate(() => document.querySelector<HTMLCanvasElement>("canvas.saffron-canvas")!.getBoundingClientRect().width);
      expect(Math.abs(cssWidth * 2 - hidpi.width)).toBeLessThanOrEqual(2);
    } finally {
      await cdp.send("Emulation.clearDeviceMetricsOverride");
      await cdp.detach();
    }
    await page.setViewportSize({ width: 1000, height: 700 });
    await followsWindow("back to 1000x700");
  });

  it("guest → browser clipboard: the 'clipboard' event and navigator.clipboard get the text", async () => {
    await page.bringToFront();
    const text = "copied in the guest ✓ " + Date.now();
    const owner = xclipIn(text);
    try {
      await page.waitForFunction((t) => (window as unknown as { clips: string[] }).clips.includes(t), text, { timeout: 10_000 });
      await page.focus("canvas.saffron-canvas");
      const local = await waitFor(async () => ((await page.evaluate(() => navigator.clipboard.readText().catch(() => ""))) === text ? true : undefined), {
        label: "navigator.clipboard holds the guest's text",
        timeoutMs: 5000,
      });
      expect(local).toBe(true);
    } finally {
      await owner.stop(1000);
    }
  });

  it("browser → guest clipboard: on focus, and with clipboardPasteFrom", async () => {
    const text = "from the browser clipboard ✓ " + Date.now();
    await page.evaluate(async (t) => {
      await navigator.clipboard.writeText(t);
      window.dispatchEvent(new Event("focus"));
    }, text);
    await waitFor(async () => ((await xclipOut()) === text ? true : undefined), { label: "xclip -o shows the browser's text", timeoutMs: 10_000 });

    const api = "clipboardPasteFrom ✓ " + Date.now();
    const ok = await page.evaluate((t) => (window as unknown as { saffronConsole: { clipboardPasteFrom(t: string): boolean } }).saffronConsole.clipboardPasteFrom(t), api);
    expect(ok).toBe(true);
    await waitFor(async () => ((await xclipOut()) === api ? true : undefined), { label: "xclip -o shows the clipboardPasteFrom text", timeoutMs: 10_000 });
  });

  it("uploads a file dropped on the desktop, with progress events and a progress bar", async () => {
    const size = 3 * 1024 * 1024 + 12345;
    const expected = Buffer.alloc(size);
    for (let i = 0; i < size; i++) expected[i] = (i * 13 + (i >>> 10)) & 0xff;
    await page.evaluate((n) => {
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) bytes[i] = (i * 13 + (i >>> 10)) & 0xff;
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], "dropped.bin", { type: "application/octet-stream" }));
      const canvas = document.querySelector("canvas.saffron-canvas")!;
      const over = new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true });
      canvas.dispatchEvent(over);
      if (!over.defaultPrevented) throw new Error("the console did not accept the drag");
      canvas.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, size);
    const t0 = Date.now();
    await page.waitForSelector("#transfers .transfer", { timeout: 5000 });
    await page.waitForFunction(() => (window as unknown as { transfers: { state: string }[] }).transfers.some((t) => t.state === "done" || t.state === "error"), undefined, { timeout: 60_000 });
    const ms = Date.now() - t0;
    const events = await page.evaluate(() => (window as unknown as { transfers: { state: string; sent: number; size: number; name: string; error?: { message: string } }[] }).transfers.map(({ state, sent, size, name, error }) => ({ state, sent, size, name, error: error?.message })));
    const last = events[events.length - 1]!;
    expect(last).toMatchObject({ state: "done", name: "dropped.bin", size });
    const sending = events.filter((e) => e.state === "sending").map((e) => e.sent);
    expect(sending.length).toBeGreaterThan(3);
    expect(sending).toEqual([...sending].sort((a, b) => a - b));
    console.log(`web upload: ${size} bytes in ${ms} ms (${Math.round(size / 1024 / (ms / 1000))} KiB/s), ${events.length} progress events`);
    expect(await page.locator('#transfers .transfer[data-state="done"] progress').count()).toBe(1);
    const saved = readFileSync(join(xs.fileXferDir, "dropped.bin"));
    expect(saved.length).toBe(size);
    expect(saved.equals(expected)).toBe(true);
    expect(pageLog.filter((l) => l.startsWith("pageerror"))).toEqual([]);
  });
});
