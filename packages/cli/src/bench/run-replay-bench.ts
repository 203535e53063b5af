import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, normalize, resolve } from "node:path";
import { connectSpice } from "@saffron/client/node";
import type { BenchOptions } from "./bench-args.js";
import { buildWebClientDist, CHROMIUM_ARGS, CHROMIUM_PATH, startPageServer, type PageServer } from "./browser-bench.js";
import { startRecorder, HTML5_DISPLAY_CAPS } from "./replay-record.js";
import { decodeRecording, encodeRecording, profileDisplay, type DisplayProfile, type Recording } from "./replay-recording.js";
import { startReplayServer } from "./replay-server.js";

/**
 * How a run starts the client: "connect", on a page that has loaded and been idle for a while
 * (the user presses Connect); "load", as the page loads (Saffron's ?autoconnect=1, spice-html5's
 * page connecting as soon as its modules ran).
 */
export type ReplayStart = "connect" | "load";

export interface ReplayClientResult {
  client: "saffron" | "spice-html5";
  /**
   * ms from connect (Connect pressed on a loaded, idle page: Saffron's console or spice-html5's
   * SpiceMainConn created) until the first complete frame (DISPLAY_MARK) was painted on the canvas.
   */
  firstFrameMs: number;
  /** ms from navigation start until that first frame, when the page connects as it loads. */
  firstFrameFromLoadMs: number;
  /** ms from the first frame until every recorded draw was on the canvas. */
  replayMs: number;
  /** Recorded screen updates per second of replay. */
  fps: number;
}

export interface ReplayBenchResult {
  profile: DisplayProfile;
  runs: number;
  saffron: ReplayClientResult;
  html5: ReplayClientResult;
  fpsRatio: number;
  /** Saffron's first frame after connect, as a fraction of spice-html5's. */
  firstFrameRatio: number;
  /** The same, from navigation start when the page connects as it loads. */
  firstFrameFromLoadRatio: number;
}

interface Io {
  write(s: string): void;
  log?(s: string): void;
}

/** A deterministic colourful picture (B,G,R,A). */
function picture(width: number, height: number, seed: number): { width: number; height: number; data: Uint8Array; hasAlpha: boolean } {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const v = Math.sin((x + seed * 13) / 17) + Math.sin((y - seed * 7) / 11) + Math.sin((x + y) / 23);
      data[i] = (128 + 127 * Math.sin(v * 2.1)) | 0;
      data[i + 1] = (128 + 127 * Math.sin(v * 1.3 + 2)) | 0;
      data[i + 2] = (128 + 127 * Math.sin(v * 0.7 + 4)) | 0;
      data[i + 3] = 255;
    }
  }
  return { width, height, data, hasAlpha: false };
}

/**
 * Records a display session on Xspice (auto_lz images, builtin MJPEG streams, display caps as
 * spice-html5 announces them, GLZ window 0): an xterm scrolling `seq`, a picture, a 20 fps
 * animation for 3 s.
 */
export async function recordWorkload(log: (s: string) => void): Promise<Recording> {
  const tk = await import("@saffron/testkit");
  const xspice = await tk.startXspice({ imageCompression: "auto_lz", videoCodecs: "spice:mjpeg", resolution: "1024x768" });
  const framesDir = tk.makeTempDir("replay-frames");
  try {
    await tk.setRootColor(xspice.display, "#336699");
    const recorder = await startRecorder(xspice.port, { displayCaps: HTML5_DISPLAY_CAPS });
    const session = await connectSpice(`spice://127.0.0.1:${recorder.port}`, { glzWindowSize: 0, channelTypes: [2, 3, 4] });
    let anim: { pid: number; stop(): Promise<unknown> } | undefined;
    try {
      await session.waitForIdle(300, 15_000);
      await tk.openXterm(xspice.display, { command: "seq 1 3000; exec sleep 100000", geometry: "80x30+10+10" });
      await session.waitForIdle(300, 15_000);
      await tk.showImage(xspice.display, picture(320, 240, 1), { x: 640, y: 20 });
      await session.waitForIdle(300, 15_000);
      const files: string[] = [];
      for (let k = 0; k < 10; k++) {
        const f = join(framesDir, `f${k}.png`);
        tk.writePng(f, picture(400, 300, k * 3));
        files.push(f);
      }
      anim = tk.runOnDisplay(xspice.display, "animate", ["-title", "saffron-replay-anim", "-delay", "5", "-geometry", "+300+400", ...files]);
      await tk.waitForWindow(xspice.display, "saffron-replay-anim");
      await new Promise((r) => setTimeout(r, 3000));
      await anim.stop();
      anim = undefined;
      await session.waitForIdle(800, 15_000);
    } finally {
      await anim?.stop();
      session.close();
    }
    const rec = await recorder.stop();
    log(`recorded ${rec.channels.map((c) => `type ${c.type}: ${c.chunks.reduce((n, k) => n + k.data.length, 0)} B`).join(", ")}\n`);
    return rec;
  } finally {
    tk.removeTempDir(framesDir);
    await xspice.stop();
  }
}

/** spice-html5's page: it connects once its modules ran, or, with ?later, when the bench calls benchConnect(). */
function html5Page(wsUrl: string, firstFrame: number, lastDraw: number): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>spice-html5 replay</title></head>
<body><div id="spice-area"><div id="spice-screen" class="spice-screen"></div></div><div id="message-div" hidden></div>
<script type="module">
import { SpiceConn } from "/html5/spiceconn.js";
import { SpiceMainConn } from "/html5/main.js";
const bench = (window.bench = { count: 0, connectAt: 0, firstFrameAt: 0, doneAt: 0, error: "" });
const orig = SpiceConn.prototype.process_message;
// spice-html5 draws on its canvas as it handles a message; the browser paints that at the next
// animation frame, whose callbacks run just before (as Saffron's console paints in its own).
const atNextFrame = (set) => requestAnimationFrame(() => set(performance.now()));
SpiceConn.prototype.process_message = function (msg) {
  const r = orig.call(this, msg);
  if (this.type === 2) {
    bench.count++;
    if (bench.count === ${firstFrame}) atNextFrame((t) => (bench.firstFrameAt = t));
    if (bench.count === ${lastDraw}) atNextFrame((t) => (bench.doneAt = t));
  }
  return r;
};
window.benchConnect = () => {
  bench.connectAt = performance.now();
  new SpiceMainConn({ uri: ${JSON.stringify(wsUrl)}, screen_id: "spice-screen", message_id: "message-div", password: "", onerror: (e) => (bench.error = String(e && e.message || e)) });
};
if (!new URLSearchParams(location.search).has("later")) window.benchConnect();
</script></body></html>`;
}

/** How long a page stays idle after its load event before the bench presses Connect. */
const IDLE_BEFORE_CONNECT_MS = 500;

interface ReplayRun {
  /** ms from connect (or from navigation start, when the page connected as it loaded) to the first frame. */
  firstFrameMs: number;
  replayMs: number;
}

/** Runs one client in a fresh page, started as `start` says; returns its times. */
async function runClient(
  context: import("playwright-core").BrowserContext,
  client: "saffron" | "spice-html5",
  start: ReplayStart,
  origin: string,
  wsUrl: string,
  profile: DisplayProfile,
): Promise<ReplayRun> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  try {
    type Bench = { connectAt: number; firstFrameAt: number; doneAt: number };
    if (client === "saffron") {
      // The console's 'framepresented' event gives the paint that put a display serial on the canvas.
      await page.addInitScript(
        ([firstFrame, lastDraw]) => {
          const w = globalThis as unknown as { bench: Bench; saffronConsole?: EventTarget };
          const bench = (w.bench = { connectAt: 0, firstFrameAt: 0, doneAt: 0 });
          let c: EventTarget | undefined;
          Object.defineProperty(w, "saffronConsole", {
            configurable: true,
            get: () => c,
            set: (v: EventTarget) => {
              c = v;
              bench.connectAt = performance.getEntriesByName("saffron:connect")[0]?.startTime ?? performance.now();
              v.addEventListener("framepresented", (e) => {
                const { serial, time } = (e as CustomEvent<{ serial: number; time: number }>).detail;
                if (!bench.firstFrameAt && serial >= firstFrame!) bench.firstFrameAt = time;
                if (!bench.doneAt && serial >= lastDraw!) bench.doneAt = time;
              });
            },
          });
        },
        [profile.firstFrameMessage, profile.lastDrawMessage],
      );
      await page.goto(`${origin}/?${new URLSearchParams({ url: wsUrl, scaling: "none", ...(start === "load" ? { autoconnect: "1" } : {}) })}`);
    } else {
      await page.goto(`${origin}/html5-replay.html${start === "connect" ? "?later" : ""}`);
    }
    if (start === "connect") {
      // Connect pressed: Saffron's connect form submitted, spice-html5's SpiceMainConn created.
      await new Promise((r) => setTimeout(r, IDLE_BEFORE_CONNECT_MS));
      if (client === "saffron") await page.$eval("#connect", (form) => (form as unknown as { requestSubmit(): void }).requestSubmit());
      else await page.evaluate(() => (globalThis as unknown as { benchConnect(): void }).benchConnect());
    }
    await page.waitForFunction(() => (globalThis as unknown as { bench: Bench }).bench.doneAt > 0, null, { polling: 100, timeout: 120_000 });
    const b = await page.evaluate(() => (globalThis as unknown as { bench: Bench }).bench);
    if (errors.length) throw new Error(`${client}: page errors: ${errors.join(" | ")}`);
    const replayMs = Math.max(1, b.doneAt - b.firstFrameAt);
    return { firstFrameMs: start === "connect" ? b.firstFrameAt - b.connectAt : b.firstFrameAt, replayMs };
  } finally {
    await page.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Medians of a client's runs: first frames by how they started, replay speed over all of them. */
function medianResult(client: ReplayClientResult["client"], runs: Record<ReplayStart, ReplayRun[]>, frames: number): ReplayClientResult {
  const all = [...runs.connect, ...runs.load];
  const replayMs = median(all.map((r) => r.replayMs));
  return {
    client,
    firstFrameMs: median(runs.connect.map((r) => r.firstFrameMs)),
    firstFrameFromLoadMs: median(runs.load.map((r) => r.firstFrameMs)),
    replayMs,
    fps: median(all.map((r) => (frames * 1000) / r.replayMs)),
  };
}

/**
 * `saffron bench replay`: records a display session on Xspice, then replays it as fast as
 * possible over a local WebSocket into headless Chromium, to Saffron's web console (apps/web-client,
 * session in a Worker) and to spice-html5 (/usr/share/spice-html5), alternately, `runs` times
 * each, in two ways: Connect pressed on a loaded, idle page, and a page that connects as it
 * loads. Reports time to first frame (from connect, and from navigation start) and screen updates
 * per second (medians).
 */
export async function runReplayBench(opts: BenchOptions, io: Io): Promise<ReplayBenchResult> {
  const log = io.log ?? (() => {});
  const html5Dir = opts.spiceHtml5Dir;
  if (!existsSync(join(html5Dir, "main.js"))) throw new Error(`spice-html5 not found in ${html5Dir} (apt-get install spice-html5, or --spice-html5 DIR)`);
  const dist = await buildWebClientDist();

  const tmp = mkdtempSync(join(tmpdir(), "saffron-replay-"));
  let http: PageServer | undefined;
  let context: import("playwright-core").BrowserContext | undefined;
  const replay = await (async () => {
    if (opts.recording && existsSync(opts.recording)) return decodeRecording(new Uint8Array(readFileSync(opts.recording)));
    const rec = await recordWorkload(log);
    writeFileSync(opts.recording ?? join(tmp, "session.rec"), encodeRecording(rec));
    return rec;
  })();
  try {
    const display = replay.channels.find((c) => c.type === 2);
    if (!display) throw new Error("the recording has no display channel");
    const profile = profileDisplay(display);
    log(`display: ${profile.messages} messages, ${profile.frames} screen updates, ${(profile.bytes / 1e6).toFixed(2)} MB over ${(profile.durationMs / 1000).toFixed(1)} s recorded\n`);
    const server = await startReplayServer(replay);
    const theirs = resolve(html5Dir);
    const page5 = html5Page(server.url, profile.firstFrameMessage, profile.lastDrawMessage);
    // spice-html5's modules are served as ours are (validators, revalidation, code cache).
    http = await startPageServer(dist, (path, res) => path === "/html5-replay.html" && (res.writeHead(200, { "content-type": "text/html" }).end(page5), true), { "/html5/": theirs });
    const origin = http.origin;
    const { chromium } = await import("playwright-core");
    context = await chromium.launchPersistentContext(join(tmp, "profile"), { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 860 } });
    const results: Record<ReplayClientResult["client"], Record<ReplayStart, ReplayRun[]>> = { saffron: { connect: [], load: [] }, "spice-html5": { connect: [], load: [] } };
    const runs = Math.max(1, opts.runs);
    for (let i = 0; i < runs + 1; i++) {
      // Both clients, both starts, alternating which client goes first.
      const order = i % 2 === 0 ? (["spice-html5", "saffron"] as const) : (["saffron", "spice-html5"] as const);
      for (const start of ["connect", "load"] as const) {
        for (const client of order) {
          const r = await runClient(context, client, start, origin, server.url, profile);
          if (i > 0) results[client][start].push(r); // the first round warms the browser's caches
          const when = start === "connect" ? "after connect" : "after page load";
          log(`${i === 0 ? "warm-up " : ""}${client}: first frame ${r.firstFrameMs.toFixed(0)} ms ${when}, replay ${r.replayMs.toFixed(0)} ms, ${((profile.frames * 1000) / r.replayMs).toFixed(1)} updates/s\n`);
        }
      }
    }
    await server.stop();
    const saffron = medianResult("saffron", results.saffron, profile.frames), html5 = medianResult("spice-html5", results["spice-html5"], profile.frames);
    const result: ReplayBenchResult = {
      profile,
      runs,
      saffron,
      html5,
      fpsRatio: saffron.fps / html5.fps,
      firstFrameRatio: saffron.firstFrameMs / html5.firstFrameMs,
      firstFrameFromLoadRatio: saffron.firstFrameFromLoadMs / html5.firstFrameFromLoadMs,
    };
    if (opts.json) io.write(JSON.stringify({ bench: "replay", ...result }) + "\n");
    else {
      io.write(`replay of ${profile.frames} screen updates (${profile.messages} display messages, ${(profile.bytes / 1e6).toFixed(2)} MB), median of ${runs}\n`);
      io.write(`  client        first frame (after Connect on a loaded page / as the page loads, from navigation)   replay      updates/s\n`);
      for (const r of [saffron, html5])
        io.write(`  ${r.client.padEnd(12)}  ${r.firstFrameMs.toFixed(0).padStart(7)} ms / ${r.firstFrameFromLoadMs.toFixed(0).padStart(5)} ms  ${" ".repeat(62)}${r.replayMs.toFixed(0).padStart(7)} ms  ${r.fps.toFixed(1).padStart(9)}\n`);
      const pct = (r: number) => `${(r * 100).toFixed(0)}%`;
      io.write(
        `  saffron / spice-html5: ${result.fpsRatio.toFixed(2)}x updates/s (target >= 3x); first frame at ${pct(result.firstFrameRatio)} of its time after connect and ${pct(result.firstFrameFromLoadRatio)} as the page loads (target <= 50%)\n`,
      );
    }
    return result;
  } finally {
    await context?.close();
    await http?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
