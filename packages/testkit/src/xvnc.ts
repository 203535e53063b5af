import { join } from "node:path";
import { closeSync, openSync } from "node:fs";
import { TestkitError } from "./errors.js";
import { canConnect, freePort } from "./free-port.js";
import { isAlive, makeTempDir, removeTempDir, runCommand, spawnTracked, tailFile, type TrackedProcess } from "./processes.js";
import { reclaimDisplay } from "./xspice.js";
import { sleep } from "./with-timeout.js";

export interface XvncOptions {
  /** RFB port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Desktop geometry (default 1024x768), depth 24. */
  geometry?: string;
  /** Display number (default: the first free one from 120 up). */
  display?: number;
  timeoutMs?: number;
}

export interface XvncServer {
  port: number;
  display: string;
  displayNumber: number;
  pid: number;
  process: TrackedProcess;
  stop(): Promise<void>;
}

/**
 * Starts TigerVNC's Xvnc (Debian tigervnc-standalone-server), the "what users pick instead"
 * baseline: an X server that is also a VNC server, on 127.0.0.1 only, no authentication,
 * -noreset (the root window keeps what xsetroot painted).
 */
export async function startXvnc(options: XvncOptions = {}): Promise<XvncServer> {
  const port = options.port ?? (await freePort());
  let n = options.display ?? 120 + (process.pid % 40);
  if (options.display === undefined) while (n < 250 && !reclaimDisplay(n)) n++;
  else if (!reclaimDisplay(n)) throw new TestkitError("ERR_PEER_START", `X display :${n} is in use`);
  const display = `:${n}`;
  const dir = makeTempDir("xvnc");
  const log = join(dir, "xvnc.log");
  const fd = openSync(log, "w");
  let proc: TrackedProcess;
  try {
    proc = spawnTracked(
      "Xvnc",
      [display, "-geometry", options.geometry ?? "1024x768", "-depth", "24", "-rfbport", String(port), "-interface", "127.0.0.1", "-localhost", "-SecurityTypes", "None", "-nolisten", "tcp", "-noreset"],
      { stdio: ["ignore", fd, fd] },
    );
  } finally {
    closeSync(fd);
  }
  const stop = async (): Promise<void> => {
    await proc.stop(2000);
    reclaimDisplay(n);
    removeTempDir(dir);
  };
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    if (proc.exitInfo || !isAlive(proc.pid)) {
      const details = tailFile(log);
      await stop();
      throw new TestkitError("ERR_PEER_START", `Xvnc ${display} exited during start-up`, { details });
    }
    if ((await canConnect(port)) && (await canConnect(`/tmp/.X11-unix/X${n}`))) {
      const probe = await runCommand("xdpyinfo", ["-display", display], { check: false, timeoutMs: 5000 });
      if (probe.code === 0) break;
    }
    if (Date.now() > deadline) {
      const details = tailFile(log);
      await stop();
      throw new TestkitError("ERR_PEER_START", `Xvnc ${display} not ready in time`, { details });
    }
    await sleep(50);
  }
  return { port, display, displayNumber: n, pid: proc.pid, process: proc, stop };
}
