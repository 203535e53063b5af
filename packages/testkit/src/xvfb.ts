import { TestkitError } from "./errors.js";
import { canConnect } from "./free-port.js";
import { isAlive, runCommand, spawnTracked, tail, type TrackedProcess } from "./processes.js";
import { reclaimDisplay } from "./xspice.js";
import { sleep } from "./with-timeout.js";

export interface XvfbOptions {
  /** Screen geometry "WxHxDEPTH" (default 1280x1024x24). */
  screen?: string;
  /** Display number (default: the first free one from 60 up). */
  display?: number;
  timeoutMs?: number;
}

export interface XvfbServer {
  /** X display name, e.g. ":61". */
  display: string;
  displayNumber: number;
  process: TrackedProcess;
  /** Kills Xvfb and removes its lock and socket. */
  stop(): Promise<void>;
}

/** Starts a headless X server (Xvfb, no TCP) and waits until `xdpyinfo` answers. */
export async function startXvfb(options: XvfbOptions = {}): Promise<XvfbServer> {
  let n = options.display ?? 60 + (process.pid % 40);
  if (options.display === undefined) while (n < 250 && !reclaimDisplay(n)) n++;
  else if (!reclaimDisplay(n)) throw new TestkitError("ERR_PEER_START", `X display :${n} is in use`);
  const display = `:${n}`;
  const proc = spawnTracked("Xvfb", [display, "-screen", "0", options.screen ?? "1280x1024x24", "-nolisten", "tcp"]);
  let stderr = "";
  proc.child.stderr?.setEncoding("utf8").on("data", (s: string) => (stderr = (stderr + s).slice(-4000)));
  const stop = async (): Promise<void> => {
    await proc.stop(2000);
    reclaimDisplay(n);
  };
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    if (proc.exitInfo || !isAlive(proc.pid)) {
      await stop();
      throw new TestkitError("ERR_PEER_START", `Xvfb ${display} exited during start-up`, { details: tail(stderr) });
    }
    if (await canConnect(`/tmp/.X11-unix/X${n}`)) {
      const probe = await runCommand("xdpyinfo", ["-display", display], { check: false, timeoutMs: 5000 });
      if (probe.code === 0) break;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new TestkitError("ERR_PEER_START", `Xvfb ${display} not ready in time`, { details: tail(stderr) });
    }
    await sleep(50);
  }
  return { display, displayNumber: n, process: proc, stop };
}
