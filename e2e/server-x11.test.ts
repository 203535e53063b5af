// Saffron's server sharing a live X display (Xvfb), like x11spice: what spicy-screenshot and
// our Node client see must equal an X screenshot of the root window, pixel for pixel, after
// the desktop changed while being served; keys and clicks sent through SPICE must reach a
// program on the display; and the capture rate for full-screen damage is measured.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { DecodedImage } from "@saffron/codecs";
import { connectSpice } from "@saffron/client/node";
import { SpiceServer, x11Source, type DisplaySource } from "@saffron/server";
import {
  expectSameImage,
  makeTempDir,
  openXterm,
  readPng,
  runCommand,
  setRootColor,
  showImage,
  sleep,
  spawnTracked,
  spicyScreenshot,
  startXspice,
  stopAllPeers,
  waitFor,
  xdotool,
  type TrackedProcess,
  type XWindowHandle,
} from "@saffron/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plasma, surfaceImage } from "./fixtures.js";

const PASSWORD = "x11-Saffron";
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** utime + stime of a process in clock ticks (100 per second on Linux). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

let xvfb: TrackedProcess;
let display: string;

/** Starts Xvfb on a display number it picks itself (-displayfd), without server resets. */
async function startXvfb(): Promise<{ proc: TrackedProcess; display: string }> {
  const proc = spawnTracked("Xvfb", ["-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp", "-noreset"]);
  let out = "";
  proc.child.stdout!.setEncoding("utf8").on("data", (s: string) => (out += s));
  const n = await waitFor(() => (proc.exitInfo ? Promise.reject(new Error("Xvfb exited")) : /^(\d+)\n/.exec(out)?.[1]), {
    timeoutMs: 15_000,
    label: "Xvfb display number",
  });
  return { proc, display: `:${n}` };
}

/** The X server's own picture of the root window (ImageMagick `import`), BGRA. */
async function xScreenshot(display: string): Promise<DecodedImage> {
  const file = join(makeTempDir("xshot"), "root.png");
  await runCommand("import", ["-window", "root", file], { env: { ...process.env, DISPLAY: display } });
  return readPng(file);
}

function expectSame(name: string, actual: DecodedImage, expected: DecodedImage): void {
  expectSameImage(actual, expected, { label: name, artifact: `server-x11-${name}`, reference: "the X screenshot" });
}

beforeAll(async () => {
  ({ proc: xvfb, display } = await startXvfb());
  await setRootColor(display, "#336699");
});

afterAll(stopAllPeers);

describe("x11Source on Xvfb", () => {
  let source: DisplaySource;
  let server: SpiceServer;
  let port: number;
  const windows: XWindowHandle[] = [];

  beforeAll(async () => {
    windows.push(await showImage(display, plasma(320, 200), { x: 600, y: 40 }));
    windows.push(await openXterm(display, { text: "Saffron shares this X display\nline two\n", geometry: "60x10+10+10" }));
    source = await x11Source(display);
    server = new SpiceServer({ source, password: PASSWORD });
    port = (await server.listen({ port: 0 })).port!;
  });

  afterAll(async () => {
    await server?.close();
    for (const w of windows) await w.stop();
  });

  it("serves the desktop exactly as X shows it, following changes made while serving", async () => {
    const session = await connectSpice(`spice://127.0.0.1:${port}`, { password: PASSWORD });
    try {
      await session.waitForIdle(300, 20_000);
      expect(session.primary?.width).toBe(1024);
      expect(session.primary?.height).toBe(768);
      expectSame("initial", surfaceImage(session.primary!), await xScreenshot(display));

      // Changes while a client is connected: a scrolling terminal, a picture, a window move.
      const scroller = await openXterm(display, { command: "seq 1 800; exec sleep 100000", geometry: "50x20+100+300" });
      windows.push(scroller);
      windows.push(await showImage(display, plasma(200, 150, 7), { x: 500, y: 420 }));
      await xdotool(display, "windowmove", scroller.windowId, "200", "320");
      await sleep(400); // the source captures at most 30 times a second
      await session.waitForIdle(600, 20_000);

      const reference = await xScreenshot(display);
      expectSame("node-client", surfaceImage({ ...session.primary!, data: session.primary!.data.slice() }), reference);
      // A second client at the same time (our server takes several).
      expectSame("spicy-screenshot", await spicyScreenshot({ port, password: PASSWORD }), reference);
      expect(session.errors).toEqual([]);
    } finally {
      session.close();
    }
  });

  it("delivers keys and clicks from a SPICE client to a program on the display", async () => {
    const dir = makeTempDir("x11-input");
    const file = join(dir, "typed.txt");
    // xterm in mouse-report mode 1000: a click arrives on the terminal's input as ESC [ M b x y.
    const term = await openXterm(display, {
      command: `printf '\\033[?1000h'; exec cat -v > '${file}'`,
      geometry: "40x4+0+640",
    });
    windows.push(term);
    const geo = await xdotool(display, "getwindowgeometry", "--shell", term.windowId);
    const g = Object.fromEntries(geo.trim().split("\n").map((l) => l.split("=") as [string, string]));
    const [wx, wy, ww, wh] = [Number(g.X), Number(g.Y), Number(g.WIDTH), Number(g.HEIGHT)];

    const session = await connectSpice(`spice://127.0.0.1:${port}`, { password: PASSWORD });
    try {
      await session.waitForIdle(200, 20_000);
      const inputs = await waitFor(() => session.inputs, { label: "inputs channel" });
      // Click in the third column of the second row (no window manager: focus follows the pointer).
      const cellW = (ww - 4) / 40, cellH = (wh - 4) / 4;
      const cx = Math.round(wx + 2 + cellW * 2.5), cy = Math.round(wy + 2 + cellH * 1.5);
      inputs.position(cx, cy);
      await waitFor(async () => (await xdotool(display, "getmouselocation")).startsWith(`x:${cx} y:${cy} `), { label: "pointer moved" });
      inputs.button(1, true);
      inputs.button(1, false);
      typeText(inputs, "Saffron ok");
      // An extended key (Left arrow, E0 4B) and a plain one after it.
      inputs.key(0xe04b, true);
      inputs.key(0xe04b, false);
      typeText(inputs, "x\n");

      const text = await waitFor(() => {
        const t = readFileSync(file, "utf8");
        return t.endsWith("\n") ? t : undefined;
      }, { label: `typed text in ${file}`, timeoutMs: 10_000 });
      const m = /^\^\[\[M (.)(.)\^\[\[M#(.)(.)Saffron ok\^\[\[Dx\n$/.exec(text);
      expect(m, `file content ${JSON.stringify(text)}`).not.toBeNull();
      // Column 3, row 2 (1-based, +32 in the report).
      expect(m![1]!.charCodeAt(0) - 32).toBe(3);
      expect(m![2]!.charCodeAt(0) - 32).toBe(2);
      expect(m![3]).toBe(m![1]);
      expect(m![4]).toBe(m![2]);
    } finally {
      session.close();
    }
  });
});

/** US-layout set-1 scancodes for the characters the test types. */
const ROWS: [string, number][] = [["1234567890", 0x02], ["qwertyuiop", 0x10], ["asdfghjkl", 0x1e], ["zxcvbnm", 0x2c]];
function scancodeOf(ch: string): number {
  if (ch === " ") return 0x39;
  if (ch === "\n") return 0x1c;
  for (const [row, first] of ROWS) {
    const i = row.indexOf(ch.toLowerCase());
    if (i >= 0) return first + i;
  }
  throw new Error(`no scancode for ${JSON.stringify(ch)}`);
}

function typeText(inputs: { key(sc: number, down: boolean): void }, text: string): void {
  for (const ch of text) {
    const shift = ch !== ch.toLowerCase();
    if (shift) inputs.key(0x2a, true);
    inputs.key(scancodeOf(ch), true);
    inputs.key(scancodeOf(ch), false);
    if (shift) inputs.key(0x2a, false);
  }
}

describe("x11Source capture rate", () => {
  it("measures full-screen captures per second at 1024x768 and the CPU they cost", async () => {
    // A separate process repaints the whole root in alternating colours 200 times a second
    // (more damage than any capture rate), so its CPU is not counted as ours.
    const painterScript = `
      const x11 = require("x11");
      const c = x11.createClient({ display: process.env.DISPLAY, shm: false }, (err, d) => {
        if (err) { console.error(err.message); process.exit(1); }
        const root = d.screen[0].root, gc = c.AllocID();
        c.CreateGC(gc, root, { foreground: 0 });
        let n = 0;
        setInterval(() => {
          c.ChangeGC(gc, { foreground: n++ & 1 ? 0xcc3366 : 0x33cc66 });
          c.PolyFillRectangle(root, gc, [0, 0, 1024, 768]);
        }, 5);
      });
      c.on("error", (e) => { console.error(e.message); process.exit(1); });`;
    const painter = spawnTracked(process.execPath, ["-e", painterScript], { env: { ...process.env, DISPLAY: display }, cwd: ROOT });

    const measure = async (maxFps: number) => {
      const src = await x11Source(display, { maxFps });
      let frames = 0;
      await src.start({ damage: () => void frames++, resize() {}, cursor() {}, pointer() {}, clipboard() {} });
      await sleep(300);
      frames = 0;
      const cpu0 = process.cpuUsage();
      const x0 = cpuTicks(xvfb.pid);
      const t0 = performance.now();
      await sleep(3000);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const xvfbSeconds = (cpuTicks(xvfb.pid) - x0) / 100;
      const got = frames;
      await src.stop();
      return {
        fps: got / seconds,
        cpuPercent: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
        xvfbPercent: (xvfbSeconds / seconds) * 100,
      };
    };

    try {
      await sleep(300);
      expect(painter.exitInfo).toBeUndefined();
      const unlimited = await measure(1000);
      const capped = await measure(30);
      console.log(
        `x11 capture, full-screen damage 1024x768: uncapped ${unlimited.fps.toFixed(1)} frames/s at ${unlimited.cpuPercent.toFixed(0)}% CPU ` +
          `(Xvfb ${unlimited.xvfbPercent.toFixed(0)}%); capped at 30: ${capped.fps.toFixed(1)} frames/s at ${capped.cpuPercent.toFixed(0)}% CPU ` +
          `(Xvfb ${capped.xvfbPercent.toFixed(0)}%)`,
      );
      expect(unlimited.fps).toBeGreaterThan(5);
      expect(capped.fps).toBeLessThanOrEqual(31);
    } finally {
      await painter.stop();
    }
  });

  it("stops cleanly, with the error logged, when the X server dies", async () => {
    const lines: string[] = [];
    const log = { debug() {}, info() {}, warn() {}, error: (_s: string, m: string) => void lines.push(m), enabled: () => false };
    const src = await x11Source(display, { log });
    const server = new SpiceServer({ source: src, password: PASSWORD });
    const p = (await server.listen({ port: 0 })).port!;
    const session = await connectSpice(`spice://127.0.0.1:${p}`, { password: PASSWORD });
    try {
      await session.waitForIdle(200, 20_000);
      await xvfb.stop();
      await waitFor(() => lines.length > 0, { label: "connection loss logged" });
      expect(lines[0]).toMatch(/X (server|connection)/);
      // Input after the loss is ignored, and the SPICE side keeps working.
      session.inputs?.key(0x1e, true);
      session.inputs?.position(10, 10);
      await sleep(200);
      expect(session.closed).toBe(false);
    } finally {
      session.close();
      await server.close();
    }
  });
});

// Xvfb cannot change its size, so RandR resizing is tried on an Xorg server (Xspice's,
// whose driver offers the usual modes); its own SPICE port is not used here.
describe("x11Source on Xorg", () => {
  it("follows a client resize request through RandR and serves the new size", async () => {
    const xorg = await startXspice({ resolution: "1024x768" });
    try {
      await setRootColor(xorg.display, "#225588");
      const source = await x11Source(xorg.display);
      const server = new SpiceServer({ source, password: PASSWORD });
      const p = (await server.listen({ port: 0 })).port!;
      try {
        source.requestResize!(800, 600);
        await waitFor(() => source.framebuffer().width === 800 && source.framebuffer().height === 600, { label: "800x600 framebuffer" });
        await openXterm(xorg.display, { text: "resized\n", geometry: "40x5+20+20" });
        await sleep(400);
        const shot = await spicyScreenshot({ port: p, password: PASSWORD });
        expect(`${shot.width}x${shot.height}`).toBe("800x600");
        expectSame("xorg-resized", shot, await xScreenshot(xorg.display));
        // A size the server does not offer is left alone.
        source.requestResize!(801, 599);
        await sleep(300);
        expect(source.framebuffer().width).toBe(800);
      } finally {
        await server.close();
      }
    } finally {
      await xorg.stop();
    }
  });
});
