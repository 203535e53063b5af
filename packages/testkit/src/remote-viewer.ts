import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DecodedImage } from "@saffron/codecs";
import { TestkitError } from "./errors.js";
import { readPng } from "./png.js";
import { makeTempDir, removeTempDir, runCommand, spawnTracked, tail } from "./processes.js";
import { sleep } from "./with-timeout.js";
import { startXvfb } from "./xvfb.js";

export interface RemoteViewerOptions {
  host?: string;
  port: number;
  password?: string;
  /** Xvfb screen, default "1280x1024x24" (the viewer window opens at the top-left). */
  screen?: string;
  /**
   * Called with each root-window screenshot (about every 300 ms) until it returns true;
   * default: the first shot taken `settleMs` after start.
   */
  until?: (shot: DecodedImage) => boolean;
  /** Wait before the first shot (default 1500 ms). */
  settleMs?: number;
  /** Give up after this long (default 30 s): rejects ERR_PEER_TIMEOUT with the last shot attached. */
  timeoutMs?: number;
  /** Extra remote-viewer arguments (e.g. "--spice-preferred-compression=lz4"). */
  extraArgs?: string[];
}

export interface RemoteViewerShot {
  /** The whole Xvfb root window (BGRA). */
  image: DecodedImage;
  /** remote-viewer's stderr so far. */
  stderr: string;
}

/**
 * Shows a SPICE server in the real remote-viewer (virt-viewer, spice-gtk) on a private
 * Xvfb and screenshots the X root window with ImageMagick `import`. The password goes in
 * a .vv connection file, not on the command line. Everything started is stopped before
 * this resolves.
 */
export async function remoteViewerScreenshot(options: RemoteViewerOptions): Promise<RemoteViewerShot> {
  const dir = makeTempDir("remote-viewer");
  const vv = join(dir, "connect.vv");
  const lines = ["[virt-viewer]", "type=spice", `host=${options.host ?? "127.0.0.1"}`, `port=${options.port}`];
  if (options.password !== undefined) lines.push(`password=${options.password}`);
  writeFileSync(vv, lines.join("\n") + "\n", { mode: 0o600 });
  const xvfb = await startXvfb({ screen: options.screen });
  const env = { ...process.env, DISPLAY: xvfb.display, GDK_BACKEND: "x11", NO_AT_BRIDGE: "1" };
  const viewer = spawnTracked("remote-viewer", [...(options.extraArgs ?? []), vv], { env });
  let stderr = "";
  viewer.child.stderr?.setEncoding("utf8").on("data", (s: string) => (stderr = (stderr + s).slice(-8000)));
  viewer.child.stdout?.resume();
  try {
    await sleep(options.settleMs ?? 1500);
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    const shotFile = join(dir, "root.png");
    for (let n = 0; ; n++) {
      if (viewer.exitInfo) {
        throw new TestkitError("ERR_PEER_EXIT", `remote-viewer exited (${viewer.exitInfo.signal ?? `exit ${viewer.exitInfo.code}`})`, { details: tail(stderr) });
      }
      await runCommand("import", ["-display", xvfb.display, "-window", "root", shotFile], { timeoutMs: 15_000 });
      const image = readPng(shotFile);
      if (!options.until || options.until(image)) return { image, stderr };
      if (Date.now() > deadline) {
        throw Object.assign(new TestkitError("ERR_PEER_TIMEOUT", `remote-viewer: expected picture not seen within ${options.timeoutMs ?? 30_000} ms`, { details: tail(stderr) }), { lastShot: image });
      }
      await sleep(300);
    }
  } finally {
    await viewer.stop(1000);
    await xvfb.stop();
    removeTempDir(dir);
  }
}
