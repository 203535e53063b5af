import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestkitError } from "./errors.js";
import { canConnect, freePort } from "./free-port.js";
import { isAlive, makeTempDir, onExitSync, removeTempDir, runCommand, spawnTracked, tailFile, type TrackedProcess } from "./processes.js";
import { sleep } from "./with-timeout.js";

export type XspiceImageCompression = "off" | "auto_glz" | "auto_lz" | "quic" | "glz" | "lz";
export type WanCompression = "auto" | "never" | "always";

export interface XspiceOptions {
  /** SPICE TCP port on 127.0.0.1 (default: a free port). */
  port?: number;
  /** SPICE ticket; omitted = ticketing disabled. */
  password?: string;
  /** X display number (default: the first free one from 20 up). */
  display?: number;
  /** Server image compression (driver default auto_glz). lz4 is rejected by this spice-server build. */
  imageCompression?: XspiceImageCompression;
  jpegWan?: WanCompression;
  zlibGlzWan?: WanCompression;
  /** Video stream detection (default filter). */
  streamingVideo?: "off" | "all" | "filter";
  /** e.g. "spice:mjpeg" (the default). */
  videoCodecs?: string;
  /** Render to a framebuffer and send dirty rectangles N times per second instead of draw commands. */
  deferredFps?: number;
  /** "WxH", applied with xrandr once the server is up (default 1024x768). */
  resolution?: string;
  /** Extra environment for Xorg (e.g. XSPICE_VDAGENT_* variables). */
  env?: Record<string, string>;
  /** Start-up timeout (default 15 s). */
  timeoutMs?: number;
}

export interface XspiceServer {
  port: number;
  /** X display name, e.g. ":21". */
  display: string;
  displayNumber: number;
  pid: number;
  /** Temp dir holding xorg.conf, xorg.log and stderr.log (removed by stop()). */
  runDir: string;
  /** Xorg + driver stderr (the driver is very chatty). */
  stderrLog: string;
  process: TrackedProcess;
  /** Kills Xorg (SIGTERM, then SIGKILL), reaps it, removes its X lock and socket and the run dir. */
  stop(): Promise<void>;
}

// The config the python wrapper's --auto generates omits the three buffer sizes and this
// driver build then crashes on a zero-sized surface 0; they must be given explicitly.
const XORG_CONF = `Section "ServerFlags"
    Option "AutoAddDevices" "False"
EndSection
Section "Device"
    Identifier "saffron-qxl"
    Driver "spiceqxl"
    Option "FrameBufferSize" "16"
    Option "SurfaceBufferSize" "128"
    Option "CommandBufferSize" "128"
    Option "NumHeads" "1"
EndSection
Section "InputDevice"
    Identifier "saffron-pointer"
    Driver "xspice pointer"
EndSection
Section "InputDevice"
    Identifier "saffron-keyboard"
    Driver "xspice keyboard"
EndSection
Section "Monitor"
    Identifier "saffron-monitor"
EndSection
Section "Screen"
    Identifier "saffron-screen"
    Monitor "saffron-monitor"
    Device "saffron-qxl"
    DefaultDepth 24
EndSection
Section "ServerLayout"
    Identifier "saffron-layout"
    Screen "saffron-screen"
    InputDevice "saffron-keyboard"
    InputDevice "saffron-pointer"
EndSection
`;

const lockPath = (n: number): string => `/tmp/.X${n}-lock`;
const socketPath = (n: number): string => `/tmp/.X11-unix/X${n}`;

/** The pid recorded in an X lock file, or undefined. */
function lockPid(n: number): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath(n), "latin1").trim(), 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the lock and socket of display `n` when their owner is gone (or a zombie, which
 * Xorg would otherwise take for a live server). Returns whether the display is free.
 */
export function reclaimDisplay(n: number): boolean {
  if (existsSync(lockPath(n))) {
    const pid = lockPid(n);
    if (pid !== undefined && isAlive(pid)) return false;
    rmSync(lockPath(n), { force: true });
    rmSync(socketPath(n), { force: true });
  }
  // A socket without a lock is left over from a crashed server.
  rmSync(socketPath(n), { force: true });
  return true;
}

function pickDisplay(from: number): number {
  for (let n = from; n < 200; n++) if (reclaimDisplay(n)) return n;
  throw new TestkitError("ERR_PEER_START", "no free X display number");
}

function xspiceEnv(port: number, o: XspiceOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("XSPICE_")) env[k] = v;
  // The driver would listen on 0.0.0.0 without this; the wrapper script has no --addr flag.
  env.XSPICE_ADDR = "127.0.0.1";
  env.XSPICE_PORT = String(port);
  if (o.password) env.XSPICE_PASSWORD = o.password;
  else env.XSPICE_DISABLE_TICKETING = "1";
  if (o.imageCompression) env.XSPICE_IMAGE_COMPRESSION = o.imageCompression;
  if (o.jpegWan) env.XSPICE_JPEG_WAN_COMPRESSION = o.jpegWan;
  if (o.zlibGlzWan) env.XSPICE_ZLIB_GLZ_WAN_COMPRESSION = o.zlibGlzWan;
  if (o.streamingVideo) env.XSPICE_STREAMING_VIDEO = o.streamingVideo;
  if (o.videoCodecs) env.XSPICE_VIDEO_CODECS = o.videoCodecs;
  if (o.deferredFps !== undefined) env.XSPICE_DEFERRED_FPS = String(o.deferredFps);
  return { ...env, ...o.env };
}

/**
 * Starts a real Xspice: Xorg with the spiceqxl driver (an X server that is also a SPICE
 * server) on 127.0.0.1, with its own xorg.conf in a temp dir. Runs Xorg directly rather
 * than the /usr/bin/Xspice wrapper (which hangs on SIGTERM). Resolves once the SPICE port
 * accepts connections and the X display answers `xdpyinfo`.
 *
 * When neither port nor display is fixed by the caller, a start that loses a race for
 * either (another test grabbed it) is retried with new ones.
 */
export async function startXspice(options: XspiceOptions = {}): Promise<XspiceServer> {
  const attempts = options.port === undefined || options.display === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await startOnce(options, attempt);
    } catch (err) {
      lastError = err;
      if (!(err instanceof TestkitError) || err.code !== "ERR_PEER_START") throw err;
    }
  }
  throw lastError;
}

async function startOnce(options: XspiceOptions, attempt: number): Promise<XspiceServer> {
  const port = options.port ?? (await freePort());
  const displayNumber = options.display ?? pickDisplay(20 + attempt * 7 + (process.pid % 50));
  if (options.display !== undefined && !reclaimDisplay(displayNumber)) {
    throw new TestkitError("ERR_PEER_START", `X display :${displayNumber} is in use`);
  }
  const runDir = makeTempDir("xspice");
  const conf = join(runDir, "xorg.conf"); // must be absolute: relative names are looked up in /etc/X11
  writeFileSync(conf, XORG_CONF);
  const stderrLog = join(runDir, "stderr.log");
  const xorgLog = join(runDir, "xorg.log");
  const fd = openSync(stderrLog, "w");
  let proc: TrackedProcess;
  try {
    // -noreset: the driver cannot survive a server reset (last client disconnect).
    proc = spawnTracked(
      "/usr/lib/xorg/Xorg",
      [`:${displayNumber}`, "-config", conf, "-noreset", "-nolisten", "tcp", "-logfile", xorgLog],
      { env: xspiceEnv(port, options), stdio: ["ignore", fd, fd] },
    );
  } finally {
    closeSync(fd);
  }
  const display = `:${displayNumber}`;

  // A SIGKILLed Xorg leaves its lock and socket behind (runs after the exit hook's SIGKILL).
  const removeLock = (): void => {
    if (lockPid(displayNumber) === proc.pid || lockPid(displayNumber) === undefined) {
      rmSync(lockPath(displayNumber), { force: true });
      rmSync(socketPath(displayNumber), { force: true });
    }
  };
  const unregister = onExitSync(removeLock);
  const stop = async (): Promise<void> => {
    // Xorg ignores SIGTERM while stuck in the GLZ pathology; stop() escalates to SIGKILL.
    await proc.stop(3000);
    removeLock();
    unregister();
    removeTempDir(runDir);
  };

  const failure = (why: string): TestkitError =>
    new TestkitError("ERR_PEER_START", `Xspice on ${display} port ${port}: ${why}`, {
      details: [tailFile(stderrLog, 20), tailFile(xorgLog, 10)].filter(Boolean).join("\n--- xorg.log ---\n"),
    });

  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  try {
    for (;;) {
      if (proc.exitInfo || !isAlive(proc.pid)) throw failure("Xorg exited during start-up");
      if ((await canConnect(port)) && (await canConnect(socketPath(displayNumber)))) {
        const probe = await runCommand("xdpyinfo", ["-display", display], { check: false, timeoutMs: 5000 });
        if (probe.code === 0) break;
      }
      if (Date.now() > deadline) throw failure("not ready in time");
      await sleep(50);
    }
    if (options.resolution) {
      await runCommand("xrandr", ["-display", display, "-s", options.resolution], { timeoutMs: 10_000 });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, display, displayNumber, pid: proc.pid, runDir, stderrLog, process: proc, stop };
}
