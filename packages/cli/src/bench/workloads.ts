import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { runCommand, sleep, spawnTracked, TestkitError } from "@saffron/testkit";

/**
 * The scripted workloads of the SPICE baselines (shared/spice/peers.md §6, bench-workload.sh),
 * run on the server's X display:
 * - seq: `xterm -geometry 80x24+0+0 -fa DejaVuSansMono -fs 11 -e sh -c 'seq 1 20000'` until it exits
 * - yes: the same xterm running `yes | head -n 50000`
 * - animate: ImageMagick `animate -delay 5` (20 fps) of 20 rolled 400x300 plasma frames, for 10 s
 * - idle: nothing for 4 s
 * The measured window is the workload plus 1 s to settle.
 */
export const WORKLOADS = ["seq", "yes", "animate", "idle"] as const;
export type Workload = (typeof WORKLOADS)[number];

/** Where the animation is shown on the server's screen (x, y, width, height). */
export const ANIMATION_AREA = { x: 0, y: 0, width: 400, height: 300 } as const;
export const ANIMATION_SECONDS = 10;
export const SETTLE_AFTER_MS = 1000;
/** seq / yes give up after this long (the Xspice GLZ pathology can make them crawl). */
export const TEXT_TIMEOUT_MS = 90_000;

/** ImageMagick's own convert (a stand-in may shadow /usr/bin/convert on PATH). */
const CONVERT = existsSync("/usr/bin/convert") ? "/usr/bin/convert" : "convert";

/** Makes the 20 animation frames in `dir` (once): a seeded plasma, rolled by (20i, 15i). */
export async function prepareFrames(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const frames = Array.from({ length: 20 }, (_, i) => join(dir, `f${String(i).padStart(2, "0")}.png`));
  if (frames.every((f) => existsSync(f))) return frames;
  const base = join(dir, "base.png");
  await runCommand(CONVERT, ["-size", "400x300", "-seed", "7", "plasma:fractal", base], { timeoutMs: 60_000 });
  for (let i = 0; i < 20; i++) {
    await runCommand(CONVERT, [base, "-roll", `+${i * 20}+${i * 15}`, frames[i]], { timeoutMs: 30_000 });
  }
  return frames;
}

export interface WorkloadOutcome {
  /** A text workload hit TEXT_TIMEOUT_MS. */
  timedOut: boolean;
}

/** Runs one workload on `display` to its end (not including the settle time). */
export async function runWorkload(workload: Workload, display: string, frames: readonly string[]): Promise<WorkloadOutcome> {
  const env = { ...process.env, DISPLAY: display };
  switch (workload) {
    case "seq":
    case "yes": {
      const script = workload === "seq" ? "seq 1 20000" : "yes | head -n 50000";
      try {
        await runCommand("xterm", ["-geometry", "80x24+0+0", "-fa", "DejaVuSansMono", "-fs", "11", "-e", "sh", "-c", script], {
          env,
          timeoutMs: TEXT_TIMEOUT_MS,
          check: false,
        });
        return { timedOut: false };
      } catch (e) {
        if (e instanceof TestkitError && e.code === "ERR_PEER_TIMEOUT") return { timedOut: true };
        throw e;
      }
    }
    case "animate": {
      const { x, y } = ANIMATION_AREA;
      const proc = spawnTracked("animate", ["-geometry", `+${x}+${y}`, "-delay", "5", ...frames], { env, stdio: ["ignore", "ignore", "pipe"] });
      proc.child.stderr?.resume();
      await sleep(ANIMATION_SECONDS * 1000);
      await proc.stop(1000);
      return { timedOut: false };
    }
    case "idle":
      await sleep(4000);
      return { timedOut: false };
  }
}
