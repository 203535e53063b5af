import { join } from "node:path";
import type { DecodedImage } from "@saffron/codecs";
import { writePng } from "./png.js";
import { makeTempDir, runCommand, spawnTracked, type RunResult, type TrackedProcess } from "./processes.js";
import { TestkitError } from "./errors.js";

/** Environment for an X client on `display` (":21"). */
function displayEnv(display: string): NodeJS.ProcessEnv {
  return { ...process.env, DISPLAY: display };
}

/**
 * Starts a long-running X client on `display` (tracked: stopped by `stopAllPeers` and at
 * exit). Use `execOnDisplay` for commands that finish by themselves.
 */
export function runOnDisplay(display: string, command: string, args: readonly string[] = []): TrackedProcess {
  return spawnTracked(command, args, { env: displayEnv(display), stdio: ["ignore", "ignore", "pipe"] });
}

/** Runs a short X command on `display` to completion; rejects (ERR_PEER_EXIT) on failure. */
export function execOnDisplay(display: string, command: string, args: readonly string[] = [], timeoutMs = 15_000): Promise<RunResult> {
  return runCommand(command, args, { env: displayEnv(display), timeoutMs });
}

/** `xsetroot -solid <color>`: fills the root window (color: "#rrggbb" or an X colour name). */
export async function setRootColor(display: string, color: string): Promise<void> {
  await execOnDisplay(display, "xsetroot", ["-solid", color]);
}

/** Runs `xdotool <args>` on `display` and returns its stdout. */
export async function xdotool(display: string, ...args: string[]): Promise<string> {
  return (await execOnDisplay(display, "xdotool", args)).stdout;
}

/**
 * Waits until a window whose title matches `title` (a regex for xdotool) is mapped; returns its id.
 * Polls `xdotool search` rather than `--sync`: a search fails with BadWindow when some other
 * window goes away while it walks the tree (ImageMagick's `animate` makes and drops windows),
 * and such a failure is just retried.
 */
export async function waitForWindow(display: string, title: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const out = await execOnDisplay(display, "xdotool", ["search", "--onlyvisible", "--name", title], 5_000);
      const id = out.stdout.trim().split("\n")[0];
      if (id) return id;
    } catch (e) {
      last = e; // no match (xdotool exits 1) or a BadWindow during the search
    }
    if (Date.now() >= deadline) {
      throw new TestkitError("ERR_PEER_TIMEOUT", `window "${title}" on ${display} did not appear within ${timeoutMs} ms`, { cause: last });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

let windowSerial = 0;
const uniqueTitle = (kind: string): string => `saffron-${kind}-${process.pid}-${++windowSerial}`;

export interface XtermOptions {
  /** Text printed in the terminal (via printf %s; use "\n" for new lines). */
  text?: string;
  /** Shell command run instead of printing `text` (the window closes when it ends). */
  command?: string;
  /** X geometry in characters, default "80x24+0+0". */
  geometry?: string;
  /** DejaVuSansMono point size, default 11 (no bitmap fonts are installed). */
  fontSize?: number;
  /** Extra xterm arguments, e.g. ["-bg", "black", "-fg", "white"]. */
  extraArgs?: string[];
}

export interface XWindowHandle {
  process: TrackedProcess;
  title: string;
  windowId: string;
  stop(): Promise<void>;
}

/** Opens an xterm (TrueType font DejaVuSansMono) and waits until it is mapped. */
export async function openXterm(display: string, options: XtermOptions = {}): Promise<XWindowHandle> {
  const title = uniqueTitle("xterm");
  const script = options.command ?? `printf '%s' "$SAFFRON_TEXT"; exec sleep 100000`;
  const proc = spawnTracked(
    "xterm",
    [
      "-fa", "DejaVuSansMono", "-fs", String(options.fontSize ?? 11),
      "-geometry", options.geometry ?? "80x24+0+0", "-title", title,
      ...(options.extraArgs ?? []),
      "-e", "sh", "-c", script,
    ],
    { env: { ...displayEnv(display), SAFFRON_TEXT: options.text ?? "" }, stdio: ["ignore", "ignore", "pipe"] },
  );
  const windowId = await waitForWindow(display, title);
  return { process: proc, title, windowId, stop: async () => void (await proc.stop()) };
}

/**
 * Shows `image` (BGRA) in an ImageMagick `display` window with its top-left corner at
 * (x, y), borderless (no window manager runs), and waits until it is mapped.
 */
export async function showImage(display: string, image: DecodedImage, position: { x?: number; y?: number } = {}): Promise<XWindowHandle> {
  const title = uniqueTitle("image");
  const file = join(makeTempDir("image"), "picture.png");
  writePng(file, image);
  const proc = spawnTracked(
    "display",
    ["-title", title, "-geometry", `+${position.x ?? 0}+${position.y ?? 0}`, "-immutable", file],
    { env: displayEnv(display), stdio: ["ignore", "ignore", "pipe"] },
  );
  const windowId = await waitForWindow(display, title);
  return { process: proc, title, windowId, stop: async () => void (await proc.stop()) };
}
