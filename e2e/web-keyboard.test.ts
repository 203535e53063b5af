// Keyboard and pointer details of the browser client in headless Chromium (Debian's
// /usr/bin/chromium via playwright-core), against Saffron's own server with a FramebufferSource
// recording what reaches it: AltGr, composed text (insertText: no key events at all), key
// repeat, keys released when the console loses the focus, and Pointer Lock with relative
// motion in server mouse mode.
import type { Page } from "playwright-core";
import { FramebufferSource, SpiceServer, type DisplaySource, type SourceListeners } from "@saffron/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebClientBrowser, type WebClientBrowser } from "./web-fixtures.js";

let browser: WebClientBrowser | undefined;
const servers: SpiceServer[] = [];

beforeAll(async () => {
  browser = await startWebClientBrowser({ viewport: { width: 1000, height: 700 } });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
});

type Key = [scancode: number, down: boolean];

async function open(source: DisplaySource): Promise<Page> {
  const server = new SpiceServer({ source, disableTicketing: true });
  servers.push(server);
  const { port } = await server.listen({ port: 0 });
  const page = await browser!.context.newPage();
  await page.goto(`${browser!.origin}/?${new URLSearchParams({ url: `ws://127.0.0.1:${port}/`, autoconnect: "1", scaling: "none" })}`);
  await page.waitForFunction(() => document.body.dataset.state === "connected", null, { timeout: 20_000 });
  return page;
}

async function keyboardPage(): Promise<{ page: Page; keys: Key[] }> {
  const keys: Key[] = [];
  const source = new FramebufferSource({ width: 320, height: 200, onKey: (sc, down) => keys.push([sc, down]) });
  source.fillRect(0, 0, 320, 200, 0x336699);
  const page = await open(source);
  await page.locator("#screen canvas.saffron-canvas").click();
  // The click gives the console the keyboard focus (its invisible text field).
  await page.waitForFunction(() => document.activeElement?.classList.contains("saffron-keyboard") === true, null, { timeout: 5000 });
  return { page, keys };
}

const strokes = (...scs: number[]): Key[] => scs.flatMap((sc): Key[] => [[sc, true], [sc, false]]);

async function expectKeys(keys: Key[], expected: Key[]): Promise<void> {
  await expect.poll(() => keys.length, { timeout: 5000 }).toBeGreaterThanOrEqual(expected.length);
  await new Promise((r) => setTimeout(r, 100)); // nothing more may follow
  expect(keys).toEqual(expected);
}

describe("web client keyboard", () => {
  it("sends AltGr as the right Alt (E0 38), also when the browser gives no code for it", async () => {
    const { page, keys } = await keyboardPage();
    try {
      // AltGr+Q (@ on a German layout): the guest's layout makes the character.
      await page.keyboard.down("AltRight");
      await page.keyboard.press("KeyQ");
      await page.keyboard.up("AltRight");
      // Chromium on Linux reports AltGr as key "AltGraph" with an empty code.
      await page.keyboard.press("AltGraph");
      await expectKeys(keys, [[0xe038, true], [0x10, true], [0x10, false], [0xe038, false], ...strokes(0xe038)]);
    } finally {
      await page.close();
    }
  });

  it("types composed text (no key events) as US-layout strokes and reports what it cannot type", async () => {
    const { page, keys } = await keyboardPage();
    try {
      await page.evaluate(() => {
        const w = window as unknown as { saffronConsole: EventTarget; texts: unknown[] };
        w.texts = [];
        w.saffronConsole.addEventListener("textinput", (e) => w.texts.push((e as CustomEvent).detail));
      });
      // What an IME commit, an emoji picker or an on-screen keyboard delivers: input events only.
      await page.keyboard.insertText("Hé!");
      await expect.poll(() => page.evaluate(() => (window as unknown as { texts: unknown[] }).texts), { timeout: 5000 }).toEqual([{ text: "Hé!", skipped: "é" }]);
      const shifted = (sc: number): Key[] => [[0x2a, true], ...strokes(sc), [0x2a, false]];
      await expectKeys(keys, [...shifted(0x23), ...shifted(0x02)]);
      // Nothing is left in the (invisible) text field.
      expect(await page.locator("textarea.saffron-keyboard").inputValue()).toBe("");
    } finally {
      await page.close();
    }
  });

  it("repeats a held key as presses and releases held keys when the focus goes", async () => {
    const { page, keys } = await keyboardPage();
    try {
      await page.keyboard.down("KeyA");
      await page.keyboard.down("KeyA"); // the browser's auto-repeat (repeat: true)
      await page.keyboard.down("KeyA");
      await page.keyboard.up("KeyA");
      await expectKeys(keys, [[0x1e, true], [0x1e, true], [0x1e, true], [0x1e, false]]);
      keys.length = 0;
      await page.keyboard.down("ShiftLeft");
      await page.keyboard.down("KeyB");
      await expect.poll(() => keys.length, { timeout: 5000 }).toBe(2);
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await expectKeys(keys, [[0x2a, true], [0x30, true], [0x30, false], [0x2a, false]]);
      // Keys released on the page now reach nobody twice.
      await page.keyboard.up("KeyB");
      await page.keyboard.up("ShiftLeft");
      await new Promise((r) => setTimeout(r, 200));
      expect(keys).toHaveLength(4);
    } finally {
      await page.close();
    }
  });
});

/** A framebuffer desktop without absolute pointing: the server offers only server mouse mode. */
class RelativeSource implements DisplaySource {
  readonly absolutePointer = false;
  readonly description = "relative framebuffer";
  readonly motions: [number, number][] = [];
  readonly buttons: [number, boolean][] = [];
  constructor(readonly fb: FramebufferSource) {}
  start(l: SourceListeners): Promise<void> {
    return this.fb.start(l);
  }
  stop(): Promise<void> {
    return this.fb.stop();
  }
  framebuffer() {
    return this.fb.framebuffer();
  }
  pointerMotion(dx: number, dy: number): void {
    this.motions.push([dx, dy]);
  }
  pointerButton(button: number, down: boolean): void {
    this.buttons.push([button, down]);
  }
}

describe("web client pointer in server mouse mode", () => {
  it("takes Pointer Lock on a click and sends relative motion", async () => {
    const fb = new FramebufferSource({ width: 400, height: 300 });
    fb.fillRect(0, 0, 400, 300, 0x224466);
    const source = new RelativeSource(fb);
    const page = await open(source);
    try {
      const canvas = page.locator("#screen canvas.saffron-canvas");
      const box = (await canvas.boundingBox())!;
      await page.mouse.move(box.x + 100, box.y + 100);
      await page.mouse.down();
      await page.mouse.up();
      await page.waitForFunction(() => document.pointerLockElement?.classList.contains("saffron-canvas") === true, null, { timeout: 5000 });
      // The click that took the pointer is not a click on the guest.
      expect(source.buttons).toEqual([]);
      await page.mouse.move(box.x + 130, box.y + 90, { steps: 3 });
      await page.mouse.move(box.x + 110, box.y + 120, { steps: 2 });
      await expect.poll(() => source.motions.reduce((s, [dx, dy]) => [s[0]! + dx, s[1]! + dy], [0, 0]), { timeout: 5000 }).toEqual([10, 20]);
      await page.mouse.down();
      await page.mouse.up();
      await expect.poll(() => source.buttons, { timeout: 5000 }).toEqual([
        [1, true],
        [1, false],
      ]);
    } finally {
      await page.close();
    }
  });
});
