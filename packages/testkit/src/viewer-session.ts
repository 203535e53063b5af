import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestkitError } from "./errors.js";
import { makeTempDir, removeTempDir, spawnTracked, tail, type TrackedProcess } from "./processes.js";
import { startXvfb, type XvfbServer } from "./xvfb.js";

export interface ViewerSessionOptions {
  host?: string;
  port: number;
  /** Client Xvfb screen (default 1280x1024x24). */
  screen?: string;
  /** Extra client arguments. */
  extraArgs?: string[];
}

/** A SPICE or VNC client kept running on its own Xvfb (for benchmarks and soak tests). */
export interface ViewerSession {
  /** The client's own X server. */
  xvfb: XvfbServer;
  process: TrackedProcess;
  /** The client's stderr so far (last 8000 characters). */
  stderr(): string;
  /** Throws ERR_PEER_EXIT when the client has exited. */
  assertRunning(): void;
  /** Stops the client, then its Xvfb. */
  stop(): Promise<void>;
}

async function startViewer(name: string, command: string, args: (dir: string) => string[], options: ViewerSessionOptions): Promise<ViewerSession> {
  const dir = makeTempDir(name);
  const xvfb = await startXvfb({ screen: options.screen });
  const env = { ...process.env, DISPLAY: xvfb.display, GDK_BACKEND: "x11", NO_AT_BRIDGE: "1" };
  let proc: TrackedProcess;
  try {
    proc = spawnTracked(command, [...(options.extraArgs ?? []), ...args(dir)], { env });
  } catch (e) {
    await xvfb.stop();
    removeTempDir(dir);
    throw e;
  }
  let stderr = "";
  proc.child.stderr?.setEncoding("utf8").on("data", (s: string) => (stderr = (stderr + s).slice(-8000)));
  proc.child.stdout?.resume();
  return {
    xvfb,
    process: proc,
    stderr: () => stderr,
    assertRunning() {
      if (proc.exitInfo) {
        throw new TestkitError("ERR_PEER_EXIT", `${name} exited (${proc.exitInfo.signal ?? `exit ${proc.exitInfo.code}`})`, { details: tail(stderr) });
      }
    },
    async stop() {
      await proc.stop(1000);
      await xvfb.stop();
      removeTempDir(dir);
    },
  };
}

/**
 * Starts remote-viewer (virt-viewer / spice-gtk) on a private Xvfb, connected to a SPICE server
 * without TLS. The password, if any, goes in a .vv file, not on the command line.
 */
export function startRemoteViewer(options: ViewerSessionOptions & { password?: string }): Promise<ViewerSession> {
  return startViewer(
    "remote-viewer",
    "remote-viewer",
    (dir) => {
      const vv = join(dir, "connect.vv");
      const lines = ["[virt-viewer]", "type=spice", `host=${options.host ?? "127.0.0.1"}`, `port=${options.port}`];
      if (options.password !== undefined) lines.push(`password=${options.password}`);
      writeFileSync(vv, lines.join("\n") + "\n", { mode: 0o600 });
      return [vv];
    },
    options,
  );
}

/** Starts TigerVNC's xtigervncviewer (defaults: Tight/auto encoding) on a private Xvfb. */
export function startVncViewer(options: ViewerSessionOptions): Promise<ViewerSession> {
  return startViewer("vncviewer", "xtigervncviewer", () => [`${options.host ?? "127.0.0.1"}::${options.port}`], options);
}
