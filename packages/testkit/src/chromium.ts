import type { BrowserContext, BrowserType, Page } from "playwright-core";
import { makeTempDir, removeTempDir } from "./processes.js";

/** Debian's Chromium: playwright-core drives it and downloads nothing. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** The flags every test browser runs with (no sandbox, GPU, QUIC, first-run or background traffic). */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Options of `launchPersistentContext` except the browser binary, headless mode and flags (fixed here). */
export type ChromiumOptions = Omit<NonNullable<Parameters<BrowserType["launchPersistentContext"]>[1]>, "executablePath" | "headless" | "args">;

export interface Chromium {
  readonly context: BrowserContext;
  /** The throw-away profile directory. */
  readonly profile: string;
  /** Closes the browser and removes the profile. */
  close(): Promise<void>;
}

/**
 * Headless Chromium (/usr/bin/chromium with `CHROMIUM_ARGS`) in a persistent context on a fresh
 * temp profile (`saffron-chromium-*`, also removed by `stopAllPeers()` or at exit). `extraArgs`
 * are added to those flags (e.g. `--host-resolver-rules=MAP name 127.0.0.1`).
 */
export async function launchChromium(options: ChromiumOptions = {}, extraArgs: readonly string[] = []): Promise<Chromium> {
  // playwright-core is a dev dependency of the testkit only: load it on demand.
  const { chromium } = await import("playwright-core");
  const profile = makeTempDir("chromium");
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { ...options, executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
  } catch (e) {
    removeTempDir(profile);
    throw e;
  }
  return {
    context,
    profile,
    close: async () => {
      await context.close();
      removeTempDir(profile);
    },
  };
}

/**
 * Collects the page's console errors and warnings ("error: text", "warning: text") and
 * uncaught page errors ("pageerror: message") from now on, for assertions and failure messages.
 */
export function collectPageLog(page: Page, log: string[] = []): string[] {
  page.on("console", (m) => (m.type() === "error" || m.type() === "warning") && log.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
  return log;
}

/**
 * Opens `origin/?query` (the web client page) in a new tab, collecting its errors for failure messages.
 * `beforeLoad` runs in the page before any of its scripts: the session starts from the page's
 * `<head>`, so anything that must see its first events has to be in place by then.
 */
export async function openClientPage(
  context: BrowserContext,
  origin: string,
  query: Record<string, string> = {},
  beforeLoad?: () => void,
): Promise<{ page: Page; log: string[] }> {
  const page = await context.newPage();
  const log = collectPageLog(page);
  if (beforeLoad) await page.addInitScript(beforeLoad);
  await page.goto(`${origin}/?${new URLSearchParams(query)}`);
  return { page, log };
}

/** What page functions below read of the page (testkit compiles without the DOM types). */
type PageGlobals = { document: { body: { dataset: { state?: string } } } };

/** Waits until the web client page's `body[data-state]` is `state`; the error names where it stands instead. */
export async function waitForPageState(page: Page, state: string, timeout = 30_000): Promise<void> {
  try {
    await page.waitForFunction((s) => (globalThis as unknown as PageGlobals).document.body.dataset.state === s, state, { timeout });
  } catch (e) {
    const status = await page.locator("#status").textContent().catch(() => null);
    const now = await page.evaluate(() => (globalThis as unknown as PageGlobals).document.body.dataset.state).catch(() => undefined);
    throw new Error(`page never reached state ${state} (state ${now}, status "${status}")`, { cause: e });
  }
}
